#include "common.hpp"

#include <errno.h>
#include <string.h>
#include <unistd.h>

namespace mos::programs::text {

void print_bad_option(const char* prog) {
  // getopt already printed its own message when opterr is set; the programs clear opterr so
  // that the message has one format everywhere.
  if (optopt != 0) {
    fprintf(stderr, "%s: invalid option -- '%c'\n", prog, optopt);
  } else {
    fprintf(stderr, "%s: invalid option\n", prog);
  }
}

ByteBuffer::~ByteBuffer() { free(data_); }

bool ByteBuffer::reserve(size_t capacity) {
  if (capacity <= capacity_) return true;
  size_t grown_capacity = capacity_ == 0 ? 64 : capacity_;
  while (grown_capacity < capacity) grown_capacity *= 2;
  char* grown = static_cast<char*>(realloc(data_, grown_capacity));
  if (grown == nullptr) {
    ok_ = false;
    return false;
  }
  data_ = grown;
  capacity_ = grown_capacity;
  return true;
}

bool ByteBuffer::append(const char* bytes, size_t size) {
  if (!reserve(size_ + size + 1)) return false;
  memcpy(data_ + size_, bytes, size);
  size_ += size;
  data_[size_] = '\0';
  return true;
}

bool ByteBuffer::append(const char* string) { return append(string, strlen(string)); }

void ByteBuffer::truncate(size_t size) {
  if (size < size_) {
    size_ = size;
    data_[size_] = '\0';
  }
}

void ByteBuffer::swap(ByteBuffer& other) {
  char* data = data_;
  const size_t size = size_;
  const size_t capacity = capacity_;
  const bool ok = ok_;
  data_ = other.data_;
  size_ = other.size_;
  capacity_ = other.capacity_;
  ok_ = other.ok_;
  other.data_ = data;
  other.size_ = size;
  other.capacity_ = capacity;
  other.ok_ = ok;
}

FILE* open_input(const char* prog, const char* path, bool quiet) {
  if (strcmp(path, "-") == 0) return stdin;
  FILE* file = fopen(path, "r");
  if (file == nullptr && !quiet) report_error(prog, path, errno);
  return file;
}

void close_input(FILE* file) {
  if (file != nullptr && file != stdin) fclose(file);
}

bool read_line(FILE* file, ByteBuffer& line, bool* had_newline) {
  line.clear();
  char* raw = nullptr;
  size_t capacity = 0;
  const ssize_t length = getline(&raw, &capacity, file);
  if (length < 0) {
    free(raw);
    return false;
  }
  size_t size = static_cast<size_t>(length);
  const bool newline = size > 0 && raw[size - 1] == '\n';
  if (newline) --size;
  line.append(raw, size);
  free(raw);
  if (had_newline != nullptr) *had_newline = newline;
  return true;
}

bool read_all(FILE* file, ByteBuffer& out) {
  char chunk[4096];
  for (;;) {
    const size_t got = fread(chunk, 1, sizeof chunk, file);
    if (got > 0 && !out.append(chunk, got)) {
      errno = ENOMEM;
      return false;
    }
    if (got < sizeof chunk) return !ferror(file);
  }
}

void write_out(const char* bytes, size_t size) {
  if (size > 0) fwrite(bytes, 1, size, stdout);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int simple_escape(char letter) {
  switch (letter) {
    case 'a': return '\a';
    case 'b': return '\b';
    case 'e': return 0x1b;
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    case '\\': return '\\';
    default: return -1;
  }
}

bool parse_size(const char* text, size_t* value) {
  if (*text < '0' || *text > '9') return false;
  size_t result = 0;
  for (; *text != '\0'; ++text) {
    if (*text < '0' || *text > '9') return false;
    const size_t digit = static_cast<size_t>(*text - '0');
    if (result > (static_cast<size_t>(-1) - digit) / 10) return false;
    result = result * 10 + digit;
  }
  *value = result;
  return true;
}

}  // namespace mos::programs::text
