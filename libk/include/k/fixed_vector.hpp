#pragma once
/// A vector with its capacity fixed at compile time and its elements stored inline: no
/// allocation, so usable before any heap exists. Insertion is fallible and reports a full vector.

#include <k/error.hpp>
#include <k/panic.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace mos {

/// Up to N elements of T, stored inline.
template <class T, std::size_t N>
class FixedVector {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  constexpr FixedVector() noexcept = default;
  FixedVector(const FixedVector& other) noexcept(std::is_nothrow_copy_constructible_v<T>) {
    for (const T& v : other) new (slot(size_++)) T(v);
  }
  FixedVector(FixedVector&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    for (T& v : other) new (slot(size_++)) T(std::move(v));
    other.clear();
  }
  FixedVector& operator=(const FixedVector& other) {
    if (this != &other) {
      clear();
      for (const T& v : other) new (slot(size_++)) T(v);
    }
    return *this;
  }
  FixedVector& operator=(FixedVector&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      clear();
      for (T& v : other) new (slot(size_++)) T(std::move(v));
      other.clear();
    }
    return *this;
  }
  ~FixedVector() { clear(); }

  /// Appends a copy of `value`; Error::NoBufferSpace when full.
  Result<void> push_back(const T& value) { return emplace_back(value); }
  /// Appends `value`; Error::NoBufferSpace when full.
  Result<void> push_back(T&& value) { return emplace_back(std::move(value)); }
  /// Constructs an element at the end; Error::NoBufferSpace when full.
  template <class... Args>
  Result<void> emplace_back(Args&&... args) {
    if (size_ == N) return Error::NoBufferSpace;
    new (slot(size_)) T(std::forward<Args>(args)...);
    ++size_;
    return {};
  }
  /// Inserts before `pos`, shifting later elements; Error::NoBufferSpace when full.
  Result<void> insert(const_iterator pos, T value) {
    MOS_ASSERT(pos >= begin() && pos <= end());
    if (size_ == N) return Error::NoBufferSpace;
    auto index = static_cast<std::size_t>(pos - begin());
    new (slot(size_)) T(std::move(value));
    ++size_;
    for (std::size_t i = size_ - 1; i > index; --i) std::swap(data()[i], data()[i - 1]);
    return {};
  }
  /// Removes the element at `pos`, shifting later elements down; returns the next position.
  iterator erase(const_iterator pos) noexcept {
    MOS_ASSERT(pos >= begin() && pos < end());
    auto index = static_cast<std::size_t>(pos - begin());
    for (std::size_t i = index; i + 1 < size_; ++i) data()[i] = std::move(data()[i + 1]);
    pop_back();
    return begin() + index;
  }
  /// Removes the last element; the vector must not be empty.
  void pop_back() noexcept {
    MOS_ASSERT(size_ > 0);
    data()[--size_].~T();
  }
  void clear() noexcept {
    while (size_ > 0) data()[--size_].~T();
  }

  T& operator[](std::size_t i) noexcept {
    MOS_ASSERT(i < size_);
    return data()[i];
  }
  const T& operator[](std::size_t i) const noexcept {
    MOS_ASSERT(i < size_);
    return data()[i];
  }
  T& front() noexcept { return (*this)[0]; }
  const T& front() const noexcept { return (*this)[0]; }
  T& back() noexcept { return (*this)[size_ - 1]; }
  const T& back() const noexcept { return (*this)[size_ - 1]; }

  T* data() noexcept { return std::launder(reinterpret_cast<T*>(storage_)); }
  const T* data() const noexcept { return std::launder(reinterpret_cast<const T*>(storage_)); }
  iterator begin() noexcept { return data(); }
  iterator end() noexcept { return data() + size_; }
  const_iterator begin() const noexcept { return data(); }
  const_iterator end() const noexcept { return data() + size_; }
  std::span<T> span() noexcept { return {data(), size_}; }
  std::span<const T> span() const noexcept { return {data(), size_}; }

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == N; }
  static constexpr std::size_t capacity() noexcept { return N; }

 private:
  void* slot(std::size_t i) noexcept { return storage_ + i * sizeof(T); }

  // Zero-initialised so that a FixedVector can be constinit (a global filled before constructors
  // run, say); the bytes themselves carry no meaning until an element is constructed there.
  alignas(T) unsigned char storage_[N * sizeof(T)] = {};
  std::size_t size_ = 0;
};

}  // namespace mos
