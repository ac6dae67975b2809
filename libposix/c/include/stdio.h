/* <stdio.h>: formatted and stream I/O for linked apps (C17 and the POSIX additions).
 *
 * Streams belong to the calling process: stdin, stdout and stderr are that process's, created
 * at first use (stdin/stdout line-buffered on a terminal, else fully buffered; stderr
 * unbuffered), and exit() flushes and closes the process's streams. Streams are not locked:
 * flockfile/funlockfile do nothing, and getc_unlocked/putc_unlocked are getc/putc. long double
 * is formatted as the nearest double. remove, rename, renameat, tmpfile, popen and pclose are
 * declared here and defined by the process layer. */
#ifndef MOSAIC_STDIO_H
#define MOSAIC_STDIO_H

/* size_t, NULL (through <stddef.h>) and ssize_t, off_t. va_list is the compiler's builtin type,
 * named without <stdarg.h> (as glibc's <stdio.h> does), so that C code may use v*printf with a
 * va_list from <stdarg.h> while this header includes only project headers. */
#include <sys/types.h>

typedef __builtin_va_list __mos_va_list;

#ifdef __cplusplus
extern "C" {
#endif

/* A stream; opaque. The tag is glibc's, so that this typedef and the one the compiler's own
 * <wchar.h> may bring into the same translation unit (through libstdc++'s <cwchar>) agree. */
typedef struct _IO_FILE FILE;
/* A stream position (fgetpos/fsetpos). */
typedef struct {
  off_t __position;
} fpos_t;

#define EOF (-1)
#define BUFSIZ 4096
#define FILENAME_MAX 4096
#define FOPEN_MAX 16
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2

/* The calling process's standard stream for fd 0, 1 or 2. */
FILE* __mos_std_stream(int fd);
#define stdin (__mos_std_stream(0))
#define stdout (__mos_std_stream(1))
#define stderr (__mos_std_stream(2))

FILE* fopen(const char* path, const char* mode);
FILE* fdopen(int fd, const char* mode);
FILE* freopen(const char* path, const char* mode, FILE* stream);
FILE* fmemopen(void* buffer, size_t size, const char* mode);
FILE* open_memstream(char** buffer, size_t* size);
int fclose(FILE* stream);
int fflush(FILE* stream);
int fileno(FILE* stream);

int fgetc(FILE* stream);
int getc(FILE* stream);
int getchar(void);
int ungetc(int c, FILE* stream);
char* fgets(char* s, int size, FILE* stream);
int fputc(int c, FILE* stream);
int putc(int c, FILE* stream);
int putchar(int c);
int fputs(const char* s, FILE* stream);
int puts(const char* s);
size_t fread(void* data, size_t size, size_t count, FILE* stream);
size_t fwrite(const void* data, size_t size, size_t count, FILE* stream);
ssize_t getline(char** line, size_t* capacity, FILE* stream);
ssize_t getdelim(char** line, size_t* capacity, int delimiter, FILE* stream);

int fseek(FILE* stream, long offset, int whence);
int fseeko(FILE* stream, off_t offset, int whence);
long ftell(FILE* stream);
off_t ftello(FILE* stream);
void rewind(FILE* stream);
int fgetpos(FILE* stream, fpos_t* position);
int fsetpos(FILE* stream, const fpos_t* position);

int feof(FILE* stream);
int ferror(FILE* stream);
void clearerr(FILE* stream);
int setvbuf(FILE* stream, char* buffer, int mode, size_t size);
void setbuf(FILE* stream, char* buffer);
void setlinebuf(FILE* stream);

/* No-ops: streams are not locked (see the note at the top). */
void flockfile(FILE* stream);
int ftrylockfile(FILE* stream);
void funlockfile(FILE* stream);
int getc_unlocked(FILE* stream);
int getchar_unlocked(void);
int putc_unlocked(int c, FILE* stream);
int putchar_unlocked(int c);

int printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE* stream, const char* format, ...) __attribute__((format(printf, 2, 3)));
int dprintf(int fd, const char* format, ...) __attribute__((format(printf, 2, 3)));
int sprintf(char* s, const char* format, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char* s, size_t size, const char* format, ...)
    __attribute__((format(printf, 3, 4)));
int asprintf(char** s, const char* format, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char* format, __mos_va_list args) __attribute__((format(printf, 1, 0)));
int vfprintf(FILE* stream, const char* format, __mos_va_list args)
    __attribute__((format(printf, 2, 0)));
int vdprintf(int fd, const char* format, __mos_va_list args) __attribute__((format(printf, 2, 0)));
int vsprintf(char* s, const char* format, __mos_va_list args) __attribute__((format(printf, 2, 0)));
int vsnprintf(char* s, size_t size, const char* format, __mos_va_list args)
    __attribute__((format(printf, 3, 0)));
int vasprintf(char** s, const char* format, __mos_va_list args)
    __attribute__((format(printf, 2, 0)));

int scanf(const char* format, ...) __attribute__((format(scanf, 1, 2)));
int fscanf(FILE* stream, const char* format, ...) __attribute__((format(scanf, 2, 3)));
int sscanf(const char* s, const char* format, ...) __attribute__((format(scanf, 2, 3)));
int vscanf(const char* format, __mos_va_list args) __attribute__((format(scanf, 1, 0)));
int vfscanf(FILE* stream, const char* format, __mos_va_list args)
    __attribute__((format(scanf, 2, 0)));
int vsscanf(const char* s, const char* format, __mos_va_list args)
    __attribute__((format(scanf, 2, 0)));

/* Writes "prefix: " (when prefix is neither null nor empty), strerror(errno) and a newline to
 * stderr. */
void perror(const char* prefix);

/* Defined by the process layer (they need the file system or other processes). */
int remove(const char* path);
int rename(const char* from, const char* to);
int renameat(int from_dir, const char* from, int to_dir, const char* to);
FILE* tmpfile(void);
FILE* popen(const char* command, const char* mode);
int pclose(FILE* stream);

#ifdef __cplusplus
}
#endif

#endif
