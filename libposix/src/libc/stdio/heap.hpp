#pragma once
// The C heap, which stdio allocates streams, buffers and getline's lines from. The same
// declarations name the host's C library on the host and libmm's malloc in an image (both have
// C linkage and these signatures), so layer 1 needs no C header.

#include <cstddef>

extern "C" {
void* malloc(std::size_t size);
void* realloc(void* block, std::size_t size);
void free(void* block);
}
