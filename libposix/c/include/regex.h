/* <regex.h>: POSIX regular expressions, basic and extended, with GNU's usual extensions
 * (\| \+ \? in BREs, \w \W \s \S \b \B \< \> \` \', REG_STARTEND). Leftmost-longest matching;
 * patterns without back-references run in time linear in the subject. Codes and flags have
 * glibc's values. */
#ifndef MOSAIC_REGEX_H
#define MOSAIC_REGEX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long regoff_t;

/* A compiled pattern. re_nsub is POSIX's; the rest is private. */
typedef struct {
  size_t re_nsub;
  void* __mos_program;
} regex_t;

typedef struct {
  regoff_t rm_so;
  regoff_t rm_eo;
} regmatch_t;

#define REG_EXTENDED 1
#define REG_ICASE 2
#define REG_NEWLINE 4
#define REG_NOSUB 8

#define REG_NOTBOL 1
#define REG_NOTEOL 2
#define REG_STARTEND 4

#define RE_DUP_MAX 0x7fff

#define REG_NOMATCH 1
#define REG_BADPAT 2
#define REG_ECOLLATE 3
#define REG_ECTYPE 4
#define REG_EESCAPE 5
#define REG_ESUBREG 6
#define REG_EBRACK 7
#define REG_EPAREN 8
#define REG_EBRACE 9
#define REG_BADBR 10
#define REG_ERANGE 11
#define REG_ESPACE 12
#define REG_BADRPT 13
#define REG_EEND 14
#define REG_ESIZE 15

int regcomp(regex_t* regex, const char* pattern, int cflags);
int regexec(const regex_t* regex, const char* subject, size_t count, regmatch_t* match,
            int eflags);
size_t regerror(int code, const regex_t* regex, char* buffer, size_t size);
void regfree(regex_t* regex);

#ifdef __cplusplus
}
#endif

#endif
