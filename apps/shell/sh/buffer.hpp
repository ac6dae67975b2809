#pragma once
/// Small containers for the shell: it runs in the kernel image, where there is no <string> or
/// <vector>; everything here allocates with malloc/realloc and reports failure instead of
/// throwing (the shell treats an allocation failure as fatal for the current command).

#include <stdlib.h>
#include <string.h>
#include <cstddef>

namespace mos::sh {

/// Duplicates `s` (may be null: returns null). Aborts the process on exhaustion.
char* dup_str(const char* s);
/// Duplicates the first `n` bytes of `s` into a NUL-terminated string.
char* dup_mem(const char* s, size_t n);
/// malloc that never returns null (the shell cannot continue without memory).
void* must_alloc(size_t n);
/// realloc that never returns null.
void* must_realloc(void* p, size_t n);

/// The heap block behind StrBuf and Vec: malloc'd storage that moves (never copies) and is
/// freed with its owner.
template <typename T>
class HeapBlock {
 protected:
  HeapBlock() = default;
  HeapBlock(const HeapBlock&) = delete;
  HeapBlock& operator=(const HeapBlock&) = delete;
  HeapBlock(HeapBlock&& o) noexcept : data_(o.data_), len_(o.len_), cap_(o.cap_) { o.forget(); }
  HeapBlock& operator=(HeapBlock&& o) noexcept {
    if (this != &o) {
      free(data_);
      data_ = o.data_;
      len_ = o.len_;
      cap_ = o.cap_;
      o.forget();
    }
    return *this;
  }
  ~HeapBlock() { free(data_); }

  /// Lets go of the storage without freeing it (it has a new owner).
  void forget() {
    data_ = nullptr;
    len_ = cap_ = 0;
  }

  T* data_ = nullptr;
  size_t len_ = 0;
  size_t cap_ = 0;
};

/// A growable byte string, always NUL-terminated when data() is non-null.
class StrBuf : private HeapBlock<char> {
 public:
  StrBuf() = default;
  StrBuf(StrBuf&& o) noexcept = default;
  StrBuf& operator=(StrBuf&& o) noexcept = default;

  /// Appends one byte.
  void push(char c) {
    reserve(len_ + 1);
    data_[len_++] = c;
    data_[len_] = '\0';
  }
  /// Appends `n` bytes.
  void append(const char* s, size_t n) {
    if (n == 0) {
      reserve(len_);
      return;
    }
    reserve(len_ + n);
    memcpy(data_ + len_, s, n);
    len_ += n;
    data_[len_] = '\0';
  }
  /// Appends a NUL-terminated string.
  void append(const char* s) { append(s, strlen(s)); }
  /// Appends a decimal number.
  void append_long(long v);
  /// Inserts `n` bytes at `pos`.
  void insert(size_t pos, const char* s, size_t n);
  /// Removes `n` bytes at `pos`.
  void erase(size_t pos, size_t n);
  /// Drops everything after the first `n` bytes.
  void truncate(size_t n) {
    if (n < len_) {
      len_ = n;
      data_[len_] = '\0';
    }
  }
  void clear() { truncate(0); }
  /// The contents, "" when empty (never null).
  const char* c_str() const { return data_ ? data_ : ""; }
  char* data() { return data_; }
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  char operator[](size_t i) const { return data_[i]; }
  char& operator[](size_t i) { return data_[i]; }
  char back() const { return data_[len_ - 1]; }
  /// Gives up the heap string (malloc'd, NUL-terminated; "" if empty) to the caller.
  char* release();

 private:
  void reserve(size_t n);
};

/// A growable array of relocatable values (pointers, small structs, structs holding a Vec):
/// elements are moved with memcpy/realloc and never destroyed by the Vec (the owner of elements
/// that own memory frees it first).
template <typename T>
class Vec : private HeapBlock<T> {
 public:
  Vec() = default;
  Vec(Vec&& o) noexcept = default;
  Vec& operator=(Vec&& o) noexcept = default;

  void push(const T& v) {
    if (len_ == cap_) {
      cap_ = cap_ ? cap_ * 2 : 4;
      data_ = static_cast<T*>(must_realloc(data_, cap_ * sizeof(T)));
    }
    memcpy(static_cast<void*>(data_ + len_), &v, sizeof(T));
    ++len_;
  }
  void pop() { --len_; }
  void erase(size_t i) {
    memmove(static_cast<void*>(data_ + i), data_ + i + 1, (len_ - i - 1) * sizeof(T));
    --len_;
  }
  void insert(size_t i, const T& v) {
    push(v);
    memmove(static_cast<void*>(data_ + i + 1), data_ + i, (len_ - i - 1) * sizeof(T));
    memcpy(static_cast<void*>(data_ + i), &v, sizeof(T));
  }
  void clear() { len_ = 0; }
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[len_ - 1]; }
  const T& back() const { return data_[len_ - 1]; }
  T* begin() { return data_; }
  T* end() { return data_ + len_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + len_; }
  T* data() { return data_; }

 private:
  using HeapBlock<T>::data_;
  using HeapBlock<T>::len_;
  using HeapBlock<T>::cap_;
};

/// Frees every string of `v` and empties it.
void free_strings(Vec<char*>& v);
/// A null-terminated argv-style copy of `v` (the strings are shared, the array is malloc'd).
char** to_argv(Vec<char*>& v);

/// Writes all of `n` bytes to `fd`, retrying on EINTR and short writes; false on error.
bool write_all(int fd, const char* s, size_t n);
/// Writes a NUL-terminated string to `fd`.
inline bool write_str(int fd, const char* s) {
  return write_all(fd, s, strlen(s));
}

}  // namespace mos::sh
