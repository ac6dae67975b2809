#pragma once
// The POSIX functions the fd backend calls, declared here until <unistd.h> and <fcntl.h> exist
// in libposix/c/include (the process layer defines them). The declarations match POSIX and
// Linux's values for the O_* flags (which parse_open_mode produces). Once those headers exist,
// this file should include them instead.

#include <sys/types.h>

extern "C" {
ssize_t read(int fd, void* data, size_t n);
ssize_t write(int fd, const void* data, size_t n);
off_t lseek(int fd, off_t offset, int whence);
int close(int fd);
int open(const char* path, int flags, ...);
int isatty(int fd);
char* strerror(int number);
}
