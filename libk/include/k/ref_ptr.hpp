#pragma once
/// Intrusive reference counting: RefCounted<T> keeps the count inside the object, and RefPtr<T>
/// holds one reference. When the last reference goes, the object's `destroy()` runs (a virtual
/// deleter chosen by the object, so that objects can come from any allocator). Counts are
/// atomic: references may be taken and dropped on any CPU and in interrupt handlers.

#include <k/panic.hpp>

#include <atomic>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace mos {

/// A base with an intrusive reference count. The count starts at 1: the creator's reference,
/// which RefPtr::adopt takes over.
class RefCounted {
 public:
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

  /// Takes one more reference.
  void acquire() noexcept {
    const auto old = count_.fetch_add(1, std::memory_order_relaxed);
    MOS_ASSERT(old > 0);  // Reviving a dead object is a use after free.
  }
  /// Drops a reference; the last one destroys the object.
  void release() noexcept {
    const auto old = count_.fetch_sub(1, std::memory_order_acq_rel);
    MOS_ASSERT(old > 0);
    if (old == 1) destroy();
  }
  /// The count now (for tests and assertions).
  std::uint32_t references() const noexcept { return count_.load(std::memory_order_relaxed); }

 protected:
  constexpr RefCounted() noexcept = default;
  virtual ~RefCounted() = default;
  /// Frees the object once its count reached zero; by default `delete this`.
  virtual void destroy() noexcept { delete this; }

 private:
  std::atomic<std::uint32_t> count_{1};
};

/// One reference to a T (derived from RefCounted), or none.
template <class T>
class RefPtr {
 public:
  constexpr RefPtr() noexcept = default;
  /// Takes over the creator's reference of a new object (its count was 1).
  static RefPtr adopt(T* object) noexcept { return RefPtr(object, Adopt{}); }
  /// Takes another reference to `object` (nullptr: none).
  explicit RefPtr(T* object) noexcept : object_(object) {
    if (object_ != nullptr) object_->acquire();
  }
  RefPtr(const RefPtr& other) noexcept : RefPtr(other.object_) {}
  RefPtr(RefPtr&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  template <class U>
    requires std::is_convertible_v<U*, T*>
  RefPtr(RefPtr<U>&& other) noexcept : object_(other.leak()) {}  // NOLINT: implicit upcast
  template <class U>
    requires std::is_convertible_v<U*, T*>
  RefPtr(const RefPtr<U>& other) noexcept : RefPtr(other.get()) {}  // NOLINT: implicit upcast
  RefPtr& operator=(RefPtr other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  ~RefPtr() { reset(); }

  /// Drops the reference.
  void reset() noexcept {
    if (T* old = std::exchange(object_, nullptr)) old->release();
  }
  /// Gives up the reference without dropping it (the caller owns it now).
  T* leak() noexcept { return std::exchange(object_, nullptr); }

  T* get() const noexcept { return object_; }
  T& operator*() const noexcept { return *object_; }
  T* operator->() const noexcept { return object_; }
  explicit operator bool() const noexcept { return object_ != nullptr; }
  friend bool operator==(const RefPtr& a, const RefPtr& b) noexcept {
    return a.object_ == b.object_;
  }

 private:
  struct Adopt {};
  RefPtr(T* object, Adopt) noexcept : object_(object) {}

  T* object_ = nullptr;
};

}  // namespace mos
