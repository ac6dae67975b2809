#pragma once
/// The C allocation functions that a freestanding image gets from libmm
/// (src/freestanding/global_allocation.cpp), over the kernel heap. There is no C library in a
/// freestanding image to declare them; hosted code uses <cstdlib> instead.

#include <cstddef>

extern "C" {
/// `size` bytes, aligned for any object, or nullptr.
void* malloc(std::size_t size);
/// Returns memory from malloc, calloc, realloc or aligned_alloc; nullptr is ignored.
void free(void* p);
/// `count * size` zeroed bytes, or nullptr (also when the product overflows).
void* calloc(std::size_t count, std::size_t size);
/// Resizes `p` (keeping its contents), or nullptr with `p` untouched.
void* realloc(void* p, std::size_t size);
/// `size` bytes aligned to `alignment` (a power of two), or nullptr.
void* aligned_alloc(std::size_t alignment, std::size_t size);
/// Stores `size` bytes aligned to `alignment` in *out; 0, or EINVAL / ENOMEM.
int posix_memalign(void** out, std::size_t alignment, std::size_t size);
}
