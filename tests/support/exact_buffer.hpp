#pragma once
// ExactBuffer: a copy of some bytes in a heap block of exactly their size, so that a read past
// the end is a heap overflow AddressSanitizer reports (a std::vector's spare capacity would hide
// it). For parsers of untrusted input: boot information, archives.

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>

namespace mos::test {

class ExactBuffer {
 public:
  explicit ExactBuffer(std::span<const std::byte> bytes)
      : data_(std::make_unique<std::byte[]>(bytes.size())), size_(bytes.size()) {
    if (size_ > 0) std::memcpy(data_.get(), bytes.data(), size_);
  }
  std::span<const std::byte> span() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t size_;
};

}  // namespace mos::test
