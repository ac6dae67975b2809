#pragma once
/// Names for IPC objects, as POSIX gives them to shared memory and semaphores (shm_open,
/// sem_open): a name is "/" followed by 1..kMaxNameBytes-1 characters, none of them "/". A
/// registry holds a reference on each named object until the name is removed (unlink); the
/// object itself lives on while anything else refers to it. The kernel (libposix) owns one
/// registry per kind of object. Synchronised (a SpinLock).

#include <k/error.hpp>
#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>
#include <k/string.hpp>

#include <cstddef>
#include <new>
#include <string_view>

namespace mos::ipc {

/// The longest name, its "/" included (POSIX NAME_MAX).
inline constexpr std::size_t kMaxNameBytes = 255;

/// Whether `name` is a valid object name: Error::InvalidArgument for one that does not start
/// with "/", is "/" alone or has another "/", Error::NameTooLong beyond kMaxNameBytes.
inline Result<void> check_object_name(std::string_view name) noexcept {
  if (name.size() > kMaxNameBytes) return Error::NameTooLong;
  if (name.size() < 2 || name[0] != '/') return Error::InvalidArgument;
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (name[i] == '/' || name[i] == '\0') return Error::InvalidArgument;
  }
  return {};
}

/// Names of objects of type T; see the file comment.
template <class T>
class Registry {
 public:
  constexpr Registry() noexcept = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry() {
    while (Entry* e = entries_.pop_front()) delete e;
  }

  /// Names `object`. Error::Exists if the name is taken, the name's errors, Error::NoMemory.
  Result<void> add(std::string_view name, RefPtr<T> object) noexcept {
    MOS_TRY(check_object_name(name));
    auto* entry = new (std::nothrow) Entry;
    if (entry == nullptr) return Error::NoMemory;
    memory_copy(entry->name, name.data(), name.size());
    entry->length = name.size();
    entry->object = static_cast<RefPtr<T>&&>(object);
    {
      SpinLockGuard guard(lock_);
      if (find_locked(name) == nullptr) {
        entries_.push_back(*entry);
        return {};
      }
    }
    delete entry;  // Drops the reference outside the lock.
    return Error::Exists;
  }

  /// The object named `name`. Error::NoEntry, or the name's errors.
  Result<RefPtr<T>> find(std::string_view name) const noexcept {
    MOS_TRY(check_object_name(name));
    SpinLockGuard guard(lock_);
    const Entry* entry = find_locked(name);
    if (entry == nullptr) return Error::NoEntry;
    return entry->object;
  }

  /// Removes the name (unlink); the object lives on while anything else refers to it.
  /// Error::NoEntry, or the name's errors.
  Result<void> remove(std::string_view name) noexcept {
    MOS_TRY(check_object_name(name));
    Entry* entry;
    {
      SpinLockGuard guard(lock_);
      entry = find_locked(name);
      if (entry == nullptr) return Error::NoEntry;
      entries_.erase(*entry);
    }
    delete entry;  // Drops the reference outside the lock.
    return {};
  }

  /// How many names there are.
  std::size_t size() const noexcept {
    SpinLockGuard guard(lock_);
    return entries_.size();
  }

 private:
  struct Entry {
    ListNode node;
    char name[kMaxNameBytes];
    std::size_t length = 0;
    RefPtr<T> object;
  };

  Entry* find_locked(std::string_view name) const noexcept {
    for (const Entry& e : entries_) {
      if (std::string_view(e.name, e.length) == name) return const_cast<Entry*>(&e);
    }
    return nullptr;
  }

  mutable SpinLock lock_;
  IntrusiveList<Entry, &Entry::node> entries_;
};

}  // namespace mos::ipc
