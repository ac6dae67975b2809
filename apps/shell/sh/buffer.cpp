#include "buffer.hpp"

#include <errno.h>
#include <unistd.h>

namespace mos::sh {

void* must_alloc(size_t n) {
  void* p = malloc(n ? n : 1);
  if (p == nullptr) {
    write_str(2, "sh: out of memory\n");
    abort();
  }
  return p;
}

void* must_realloc(void* p, size_t n) {
  void* q = realloc(p, n ? n : 1);
  if (q == nullptr) {
    write_str(2, "sh: out of memory\n");
    abort();
  }
  return q;
}

char* dup_mem(const char* s, size_t n) {
  char* p = static_cast<char*>(must_alloc(n + 1));
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char* dup_str(const char* s) {
  return s ? dup_mem(s, strlen(s)) : nullptr;
}

void StrBuf::reserve(size_t n) {
  if (n + 1 <= cap_) return;
  size_t cap = cap_ ? cap_ : 16;
  while (cap < n + 1) cap *= 2;
  data_ = static_cast<char*>(must_realloc(data_, cap));
  if (cap_ == 0) data_[0] = '\0';
  cap_ = cap;
}

void StrBuf::append_long(long v) {
  char tmp[24];
  size_t i = sizeof tmp;
  unsigned long u = v < 0 ? 0UL - static_cast<unsigned long>(v) : static_cast<unsigned long>(v);
  do {
    tmp[--i] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) tmp[--i] = '-';
  append(tmp + i, sizeof tmp - i);
}

void StrBuf::insert(size_t pos, const char* s, size_t n) {
  reserve(len_ + n);
  memmove(data_ + pos + n, data_ + pos, len_ - pos + 1);
  memcpy(data_ + pos, s, n);
  len_ += n;
}

void StrBuf::erase(size_t pos, size_t n) {
  if (pos >= len_) return;
  if (n > len_ - pos) n = len_ - pos;
  memmove(data_ + pos, data_ + pos + n, len_ - pos - n + 1);
  len_ -= n;
}

char* StrBuf::release() {
  if (data_ == nullptr) return dup_str("");
  char* p = data_;
  forget();
  return p;
}

void free_strings(Vec<char*>& v) {
  for (char* s : v) free(s);
  v.clear();
}

char** to_argv(Vec<char*>& v) {
  char** argv = static_cast<char**>(must_alloc((v.size() + 1) * sizeof(char*)));
  for (size_t i = 0; i < v.size(); ++i) argv[i] = v[i];
  argv[v.size()] = nullptr;
  return argv;
}

bool write_all(int fd, const char* s, size_t n) {
  while (n > 0) {
    const ssize_t w = write(fd, s, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    s += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace mos::sh
