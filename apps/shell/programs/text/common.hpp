#pragma once
/// Helpers shared by the text and process programs (apps/shell/programs/text): the invalid
/// option message, growable buffers over malloc, input files, backslash escapes. Error reports
/// ("NAME: message") come from common/report.hpp, shared with the file programs.
/// Everything here is reentrant: no globals, state lives in the caller's objects.

#include "common/report.hpp"

#include <stdio.h>
#include <stdlib.h>

namespace mos::programs::text {

/// Prints "PROG: invalid option -- 'C'" for getopt's '?' result, using optopt; the programs
/// clear opterr so that this is the only message.
void print_bad_option(const char* prog);

/// A growable byte string over malloc, always NUL-terminated after its bytes. Allocation failure
/// is sticky and reported by ok(); the bytes appended so far stay valid.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ~ByteBuffer();

  /// Appends `size` bytes; false (and ok() false) when memory runs out.
  bool append(const char* bytes, size_t size);
  /// Appends a NUL-terminated string.
  bool append(const char* string);
  /// Appends one byte.
  bool push(char byte) { return append(&byte, 1); }
  /// Forgets the contents, keeps the memory.
  void clear() { truncate(0); }
  /// Drops bytes from the end so that `size` remain.
  void truncate(size_t size);
  /// Swaps contents with another buffer (O(1)).
  void swap(ByteBuffer& other);

  /// The bytes, NUL-terminated (an empty string when nothing was appended).
  const char* data() const { return data_ != nullptr ? data_ : ""; }
  /// The bytes for in-place edits (nullptr while empty and never grown).
  char* mutable_data() { return data_; }
  size_t size() const { return size_; }
  bool ok() const { return ok_; }

 private:
  bool reserve(size_t capacity);

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool ok_ = true;
};

/// A growable array of trivially copyable values over malloc.
template <typename T>
class Array {
 public:
  Array() = default;
  Array(const Array&) = delete;
  Array& operator=(const Array&) = delete;
  ~Array() { ::free(items_); }

  /// Appends a value; false when memory runs out.
  bool push(const T& value) {
    if (size_ == capacity_) {
      const size_t capacity = capacity_ == 0 ? 16 : capacity_ * 2;
      void* grown = ::realloc(static_cast<void*>(items_), capacity * sizeof(T));
      if (grown == nullptr) return false;
      items_ = static_cast<T*>(grown);
      capacity_ = capacity;
    }
    items_[size_++] = value;
    return true;
  }
  /// Removes the last value.
  void pop() { --size_; }
  /// Forgets the values, keeps the memory.
  void clear() { size_ = 0; }
  T& operator[](size_t i) { return items_[i]; }
  const T& operator[](size_t i) const { return items_[i]; }
  T* data() { return items_; }
  size_t size() const { return size_; }

 private:
  T* items_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

/// Opens an input operand: "-" is stdin. Prints "PROG: PATH: error" and returns nullptr on
/// failure unless `quiet`.
FILE* open_input(const char* prog, const char* path, bool quiet = false);

/// Closes what open_input returned (stdin stays open).
void close_input(FILE* file);

/// Reads the next line of `file` into `line` (without the newline). Returns false at end of
/// input. `had_newline` (if not null) tells whether the line ended with '\n'.
bool read_line(FILE* file, ByteBuffer& line, bool* had_newline);

/// Appends a whole stream to `out`; false on a read error or when memory runs out.
bool read_all(FILE* file, ByteBuffer& out);

/// Writes bytes to stdout.
void write_out(const char* bytes, size_t size);

/// The value of a hexadecimal digit, or -1.
int hex_value(char c);

/// The character that a one-letter C escape (\n, \t, ...) stands for, or -1 when `letter` is
/// not one of a b e f n r t v and backslash.
int simple_escape(char letter);

/// Parses a decimal non-negative integer that must fill the whole string; false otherwise.
bool parse_size(const char* text, size_t* value);

}  // namespace mos::programs::text
