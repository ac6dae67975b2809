// The <stdio.h> entry points over libc::Stream: opening memory streams, closing, character and
// block I/O, positions, buffering, perror.

#include "c_stream.hpp"
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <posix/libc/memory_stream.hpp>
#include <posix/libc/stream_registry.hpp>

#include <k/string.hpp>

#include <stdio.h>

using mos::Error;
using mos::Result;
using mos::posix::c_api::as_file;
using mos::posix::c_api::as_stream;
using mos::posix::c_api::fail_with;
namespace libc = mos::posix::libc;

namespace {

// A null stream (stdout after fclose(stdout), say) fails with EBADF instead of crashing.
bool check(FILE* file) {
  if (file != nullptr) return true;
  errno = EBADF;
  return false;
}

int status_of(const Result<void>& result) {
  if (result) return 0;
  errno = mos::errno_value(result.error());
  return EOF;
}

}  // namespace

extern "C" {

FILE* fmemopen(void* buffer, size_t size, const char* mode) {
  Result<libc::Stream*> stream =
      libc::open_memory_stream(buffer, size, mode, &libc::current_stream_registry());
  if (!stream) return fail_with(stream.error(), static_cast<FILE*>(nullptr));
  return as_file(*stream);
}

FILE* open_memstream(char** buffer, size_t* size) {
  Result<libc::Stream*> stream =
      libc::open_dynamic_memory_stream(buffer, size, &libc::current_stream_registry());
  if (!stream) return fail_with(stream.error(), static_cast<FILE*>(nullptr));
  return as_file(*stream);
}

int fclose(FILE* file) {
  if (!check(file)) return EOF;
  return status_of(libc::Stream::close(as_stream(file)));
}

int fflush(FILE* file) {
  if (file == nullptr) return status_of(libc::current_stream_registry().flush_all());
  return status_of(as_stream(file)->flush());
}

int fileno(FILE* file) {
  if (!check(file)) return -1;
  const int fd = as_stream(file)->fd();
  if (fd < 0) errno = EBADF;
  return fd;
}

int fgetc(FILE* file) {
  if (!check(file)) return EOF;
  libc::Stream* stream = as_stream(file);
  const bool had_error = stream->error();
  const int c = stream->get();
  if (c == EOF && stream->error() && !had_error) errno = mos::errno_value(stream->last_error());
  return c;
}

int getc(FILE* file) { return fgetc(file); }
int getchar(void) { return fgetc(stdin); }
int getc_unlocked(FILE* file) { return fgetc(file); }
int getchar_unlocked(void) { return fgetc(stdin); }

int ungetc(int c, FILE* file) {
  if (!check(file)) return EOF;
  return as_stream(file)->unget(c);
}

char* fgets(char* s, int size, FILE* file) {
  if (!check(file)) return nullptr;
  libc::Stream* stream = as_stream(file);
  const bool had_error = stream->error();
  char* result = stream->get_line(s, size);
  if (result == nullptr && stream->error() && !had_error) {
    errno = mos::errno_value(stream->last_error());
  }
  return result;
}

int fputc(int c, FILE* file) {
  if (!check(file)) return EOF;
  libc::Stream* stream = as_stream(file);
  const int result = stream->put(c);
  if (result == EOF) errno = mos::errno_value(stream->last_error());
  return result;
}

int putc(int c, FILE* file) { return fputc(c, file); }
int putchar(int c) { return fputc(c, stdout); }
int putc_unlocked(int c, FILE* file) { return fputc(c, file); }
int putchar_unlocked(int c) { return fputc(c, stdout); }

int fputs(const char* s, FILE* file) {
  if (!check(file)) return EOF;
  libc::Stream* stream = as_stream(file);
  const size_t length = mos::string_length(s);
  if (stream->write(s, length) != length) return fail_with(stream->last_error(), EOF);
  return 1;
}

int puts(const char* s) {
  FILE* file = stdout;
  if (fputs(s, file) == EOF) return EOF;
  return fputc('\n', file) == EOF ? EOF : 1;
}

size_t fread(void* data, size_t size, size_t count, FILE* file) {
  if (!check(file) || size == 0 || count == 0) return 0;
  if (count > static_cast<size_t>(-1) / size) return fail_with(Error::Overflow, size_t{0});
  libc::Stream* stream = as_stream(file);
  const bool had_error = stream->error();
  const size_t got = stream->read(data, size * count);
  if (stream->error() && !had_error) errno = mos::errno_value(stream->last_error());
  return got / size;
}

size_t fwrite(const void* data, size_t size, size_t count, FILE* file) {
  if (!check(file) || size == 0 || count == 0) return 0;
  if (count > static_cast<size_t>(-1) / size) return fail_with(Error::Overflow, size_t{0});
  libc::Stream* stream = as_stream(file);
  const size_t put = stream->write(data, size * count);
  if (put != size * count) errno = mos::errno_value(stream->last_error());
  return put / size;
}

ssize_t getdelim(char** line, size_t* capacity, int delimiter, FILE* file) {
  if (!check(file)) return -1;
  libc::Stream* stream = as_stream(file);
  const bool had_error = stream->error();
  const long length = stream->get_delimited(line, capacity, delimiter);
  if (length < 0 && ((stream->error() && !had_error) || line == nullptr || capacity == nullptr)) {
    errno = mos::errno_value(stream->last_error());
  }
  return length;
}

ssize_t getline(char** line, size_t* capacity, FILE* file) {
  return getdelim(line, capacity, '\n', file);
}

int fseeko(FILE* file, off_t offset, int whence) {
  if (!check(file)) return -1;
  if (whence < SEEK_SET || whence > SEEK_END) return fail_with(Error::InvalidArgument, -1);
  return status_of(as_stream(file)->seek(offset, static_cast<libc::Whence>(whence)));
}

int fseek(FILE* file, long offset, int whence) { return fseeko(file, offset, whence); }

off_t ftello(FILE* file) {
  if (!check(file)) return -1;
  Result<std::int64_t> position = as_stream(file)->tell();
  if (!position) return fail_with(position.error(), off_t{-1});
  return *position;
}

long ftell(FILE* file) { return ftello(file); }

void rewind(FILE* file) {
  if (!check(file)) return;
  (void)as_stream(file)->seek(0, libc::Whence::Set);
  as_stream(file)->clear_error();
}

int fgetpos(FILE* file, fpos_t* position) {
  const off_t offset = ftello(file);
  if (offset < 0) return -1;
  position->__position = offset;
  return 0;
}

int fsetpos(FILE* file, const fpos_t* position) {
  return fseeko(file, position->__position, SEEK_SET);
}

int feof(FILE* file) { return check(file) && as_stream(file)->eof() ? 1 : 0; }
int ferror(FILE* file) { return check(file) && as_stream(file)->error() ? 1 : 0; }

void clearerr(FILE* file) {
  if (check(file)) as_stream(file)->clear_error();
}

int setvbuf(FILE* file, char* buffer, int mode, size_t size) {
  if (!check(file)) return -1;
  if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) {
    return fail_with(Error::InvalidArgument, -1);
  }
  Result<void> result =
      as_stream(file)->set_buffer(buffer, static_cast<libc::BufferMode>(mode), size);
  if (!result) return fail_with(result.error(), -1);
  return 0;
}

void setbuf(FILE* file, char* buffer) {
  (void)setvbuf(file, buffer, buffer != nullptr ? _IOFBF : _IONBF, BUFSIZ);
}

void setlinebuf(FILE* file) { (void)setvbuf(file, nullptr, _IOLBF, 0); }

void flockfile(FILE*) {}
int ftrylockfile(FILE*) { return 0; }
void funlockfile(FILE*) {}

void perror(const char* prefix) {
  const char* message = strerror(errno);
  FILE* file = stderr;
  if (file == nullptr) return;
  if (prefix != nullptr && *prefix != '\0') {
    fputs(prefix, file);
    fputs(": ", file);
  }
  fputs(message, file);
  fputc('\n', file);
}

}  // extern "C"
