/* <ctype.h>: character classes in the C locale. Every function accepts EOF and any int: values
 * outside unsigned char are in no class (never an out-of-bounds read). */
#ifndef MOSAIC_CTYPE_H
#define MOSAIC_CTYPE_H

#ifdef __cplusplus
extern "C" {
#endif

int isalnum(int c);
int isalpha(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int isascii(int c);
int tolower(int c);
int toupper(int c);

#ifdef __cplusplus
}
#endif

#endif
