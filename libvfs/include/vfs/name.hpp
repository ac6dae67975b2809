#pragma once
/// Name: an owned copy of a file name (one path component) on the kernel heap. Directory
/// entries and dentries keep their names this way; making one can fail (Error::NoMemory).

#include <k/result.hpp>
#include <k/string.hpp>

#include <cstddef>
#include <new>
#include <string_view>
#include <utility>

namespace mos::vfs {

/// See the file comment.
class Name {
 public:
  constexpr Name() noexcept = default;
  /// A copy of `text`. Error::NoMemory.
  static Result<Name> copy(std::string_view text) noexcept {
    Name name;
    if (!text.empty()) {
      name.data_ = new (std::nothrow) char[text.size()];
      if (name.data_ == nullptr) return Error::NoMemory;
      memory_copy(name.data_, text.data(), text.size());
    }
    name.size_ = text.size();
    return name;
  }
  Name(Name&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  Name& operator=(Name&& other) noexcept {
    if (this != &other) {
      delete[] data_;
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  Name(const Name&) = delete;
  Name& operator=(const Name&) = delete;
  ~Name() { delete[] data_; }

  std::string_view view() const noexcept { return {data_, size_}; }
  operator std::string_view() const noexcept { return view(); }

 private:
  char* data_ = nullptr;
  std::size_t size_ = 0;
};

/// Three-way comparison of names in byte order: how directories and the dentry cache sort them.
inline int compare_names(std::string_view a, std::string_view b) noexcept {
  const int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace mos::vfs
