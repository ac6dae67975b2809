#pragma once
/// A fixed-capacity FIFO with its elements stored inline: no allocation, so usable for console
/// input, log buffers and device queues before any heap exists. Pushing onto a full buffer is an
/// error the caller handles, never an overwrite.

#include <k/error.hpp>
#include <k/panic.hpp>
#include <k/result.hpp>
#include <k/string.hpp>

#include <bit>
#include <cstddef>
#include <new>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

namespace mos {

/// Up to N elements of T in first-in, first-out order. N must be a power of two, so that a
/// position is a mask away from its slot. Not synchronised: the owner names the lock that
/// protects it (interrupt handlers included).
template <class T, std::size_t N>
class RingBuffer {
  static_assert(N > 0 && std::has_single_bit(N), "RingBuffer capacity must be a power of two");

 public:
  /// The standard container member types.
  using value_type = T;
  using size_type = std::size_t;

  /// An empty buffer.
  constexpr RingBuffer() noexcept = default;
  /// Copies `other`'s elements, oldest first.
  RingBuffer(const RingBuffer& other) noexcept(std::is_nothrow_copy_constructible_v<T>) {
    for (std::size_t i = 0; i < other.size(); ++i) new (slot(tail_++)) T(other[i]);
  }
  /// Moves `other`'s elements, oldest first, leaving `other` empty.
  RingBuffer(RingBuffer&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    take_from(other);
  }
  /// Replaces the contents with copies of `other`'s elements.
  RingBuffer& operator=(const RingBuffer& other) {
    if (this != &other) {
      clear();
      for (std::size_t i = 0; i < other.size(); ++i) new (slot(tail_++)) T(other[i]);
    }
    return *this;
  }
  /// Replaces the contents with `other`'s elements, leaving `other` empty.
  RingBuffer& operator=(RingBuffer&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      clear();
      take_from(other);
    }
    return *this;
  }
  /// Destroys the elements still in the buffer.
  ~RingBuffer() { clear(); }

  /// Appends a copy of `value`; Error::NoBufferSpace when full.
  Result<void> push(const T& value) { return emplace(value); }
  /// Appends `value`; Error::NoBufferSpace when full.
  Result<void> push(T&& value) { return emplace(std::move(value)); }
  /// Constructs an element at the back; Error::NoBufferSpace when full.
  template <class... Args>
  Result<void> emplace(Args&&... args) {
    if (full()) return Error::NoBufferSpace;
    new (slot(tail_)) T(std::forward<Args>(args)...);
    ++tail_;
    return {};
  }

  /// Removes and returns the oldest element, or nothing when empty.
  std::optional<T> pop() noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (empty()) return std::nullopt;
    T* oldest = element(head_);
    std::optional<T> value(std::move(*oldest));
    oldest->~T();
    ++head_;
    return value;
  }
  /// The oldest element, or nullptr when empty; it stays in the buffer.
  T* peek() noexcept { return empty() ? nullptr : element(head_); }
  /// The oldest element, or nullptr when empty; it stays in the buffer.
  const T* peek() const noexcept { return empty() ? nullptr : element(head_); }

  /// The element `i` places behind the oldest (0 is the oldest); `i` must be below size().
  T& operator[](std::size_t i) noexcept {
    MOS_ASSERT(i < size());
    return *element(head_ + i);
  }
  /// The element `i` places behind the oldest (0 is the oldest); `i` must be below size().
  const T& operator[](std::size_t i) const noexcept {
    MOS_ASSERT(i < size());
    return *element(head_ + i);
  }

  /// Appends as many of `values`, in order, as there is room for; returns how many.
  std::size_t write(std::span<const T> values) noexcept
    requires std::is_trivially_copyable_v<T>
  {
    std::size_t count = smaller(values.size(), N - size());
    // At most two contiguous pieces: up to the end of the storage, then from its start.
    std::size_t first = smaller(count, N - (tail_ & kMask));
    memory_copy(slot(tail_), values.data(), first * sizeof(T));
    memory_copy(slot(0), values.data() + first, (count - first) * sizeof(T));
    tail_ += count;
    return count;
  }
  /// Removes up to `out.size()` of the oldest elements into `out`, in order; returns how many.
  std::size_t read(std::span<T> out) noexcept
    requires std::is_trivially_copyable_v<T>
  {
    std::size_t count = smaller(out.size(), size());
    std::size_t first = smaller(count, N - (head_ & kMask));
    memory_copy(out.data(), slot(head_), first * sizeof(T));
    memory_copy(out.data() + first, slot(0), (count - first) * sizeof(T));
    head_ += count;
    return count;
  }

  /// Destroys every element.
  void clear() noexcept {
    while (!empty()) element(head_++)->~T();
  }

  /// The number of elements.
  std::size_t size() const noexcept { return tail_ - head_; }
  /// Whether there are no elements.
  bool empty() const noexcept { return head_ == tail_; }
  /// Whether there is no room for another element.
  bool full() const noexcept { return size() == N; }
  /// The most elements the buffer holds.
  static constexpr std::size_t capacity() noexcept { return N; }

 private:
  static constexpr std::size_t kMask = N - 1;

  // std::min would pull in <algorithm> for one comparison.
  static constexpr std::size_t smaller(std::size_t a, std::size_t b) noexcept {
    return a < b ? a : b;
  }

  // head_ and tail_ count pushes and pops without wrapping at N: size is their difference and a
  // slot is a position masked by N - 1. They wrap at 2^64, which N divides, so masking stays
  // right across that wrap too.
  void* slot(std::size_t position) noexcept { return storage_ + (position & kMask) * sizeof(T); }
  const void* slot(std::size_t position) const noexcept {
    return storage_ + (position & kMask) * sizeof(T);
  }
  T* element(std::size_t position) noexcept {
    return std::launder(static_cast<T*>(slot(position)));
  }
  const T* element(std::size_t position) const noexcept {
    return std::launder(static_cast<const T*>(slot(position)));
  }

  void take_from(RingBuffer& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    for (std::size_t i = 0; i < other.size(); ++i) new (slot(tail_++)) T(std::move(other[i]));
    other.clear();
  }

  // Zero-initialised so that a RingBuffer can be constinit.
  alignas(T) unsigned char storage_[N * sizeof(T)] = {};
  std::size_t head_ = 0;  // Position of the oldest element.
  std::size_t tail_ = 0;  // Position after the newest element.
};

}  // namespace mos
