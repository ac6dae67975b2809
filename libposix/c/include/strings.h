/* <strings.h>: case-insensitive comparisons (ASCII) and ffs. */
#ifndef MOSAIC_STRINGS_H
#define MOSAIC_STRINGS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int strcasecmp(const char* a, const char* b);
int strncasecmp(const char* a, const char* b, size_t n);
int ffs(int value);
void bzero(void* s, size_t n);

#ifdef __cplusplus
}
#endif

#endif
