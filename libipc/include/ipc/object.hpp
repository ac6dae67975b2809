#pragma once
/// What every IPC object is: reference counted (RefPtr), typed, attached to by the endpoints that
/// use it (capabilities with their rights), pollable, and able to wake every waiter so that each
/// re-checks whether it may still wait (when the capability it waits through is revoked).
///
/// Locking: libipc's objects keep their state under the scheduler lock (sched::SchedulerGuard),
/// like libsched's primitives, so a condition check and the sleep on it are one step. Methods
/// named `..._locked` take the guard as proof that it is held.

#include <ipc/rights.hpp>

#include <sched/scheduler.hpp>
#include <sched/wait_queue.hpp>

#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>

#include <cstdint>

namespace mos::ipc {

/// The kinds of object.
enum class ObjectType : std::uint8_t { Pipe, Channel, EventCounter, Semaphore, SharedMemory };

/// What poll can wait for, and what it found (POLLIN, POLLOUT, POLLHUP, POLLERR).
enum class PollEvents : std::uint8_t {
  None = 0,
  Readable = 1u << 0,  ///< A read would not block.
  Writable = 1u << 1,  ///< A write would not block.
  Hangup = 1u << 2,    ///< The other side is gone (no writers left: reads see end of file).
  Error = 1u << 3,     ///< Writing is over for good (no readers left).
};
constexpr PollEvents operator|(PollEvents a, PollEvents b) noexcept {
  return static_cast<PollEvents>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr PollEvents operator&(PollEvents a, PollEvents b) noexcept {
  return static_cast<PollEvents>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
constexpr bool any(PollEvents e) noexcept { return e != PollEvents::None; }

/// Whether an operation may wait (POSIX O_NONBLOCK is No).
enum class Blocking : bool { No, Yes };

/// Something that can cancel the operations made through it: a capability, once revoked. An
/// operation that waits re-checks it each time it wakes, and the revoker wakes every waiter of
/// the object (IpcObject::interrupt_locked).
class CancelToken {
 public:
  virtual bool cancelled() const noexcept = 0;

 protected:
  ~CancelToken() = default;
};

/// A waiter of poll(), registered on each object it watches.
struct PollObserver {
  ListNode node;
  sched::WaitQueue* queue = nullptr;  ///< Where the poller sleeps.
  bool* fired = nullptr;              ///< Set when something changed.
};

/// The base of every IPC object; see the file comment.
class IpcObject : public RefCounted {
 public:
  /// What kind of object this is.
  virtual ObjectType type() const noexcept = 0;

  /// An endpoint with `rights` now uses the object (a pipe counts readers and writers this way).
  virtual void attach_locked(sched::SchedulerGuard& guard, Rights rights) noexcept;
  /// An endpoint with `rights` is gone (closed or revoked).
  virtual void detach_locked(sched::SchedulerGuard& guard, Rights rights) noexcept;
  /// Wakes every thread waiting on the object, which then re-checks its cancel token and its
  /// condition (and goes back to sleep if both still say so).
  virtual void interrupt_locked(sched::SchedulerGuard& guard) noexcept;
  /// What a poll of the object finds now.
  virtual PollEvents poll_locked() const noexcept = 0;

  /// attach_locked and detach_locked, taking the lock.
  void attach(Rights rights) noexcept;
  void detach(Rights rights) noexcept;

  /// Registers and unregisters a poll observer.
  void observe_locked(PollObserver& observer) noexcept { observers_.push_back(observer); }
  void unobserve_locked(PollObserver& observer) noexcept { observers_.erase(observer); }

 protected:
  IpcObject() noexcept = default;
  ~IpcObject() override;

  /// Tells the poll observers that poll_locked may say something new.
  void notify_locked(sched::SchedulerGuard& guard) noexcept;

 private:
  IntrusiveList<PollObserver, &PollObserver::node> observers_;
};

/// The base of objects with a reading end and a writing end (pipes, channels): counts the
/// endpoints attached with Read and with Write, and holds the threads waiting to read and to
/// write. The last reader going wakes the waiting writers (to fail), the last writer going the
/// waiting readers (to see the end); a revocation wakes both.
class TwoEndedObject : public IpcObject {
 public:
  /// Endpoints attached with Read, and with Write.
  std::uint32_t readers() const noexcept { return readers_; }
  std::uint32_t writers() const noexcept { return writers_; }

  void attach_locked(sched::SchedulerGuard& guard, Rights rights) noexcept override;
  void detach_locked(sched::SchedulerGuard& guard, Rights rights) noexcept override;
  void interrupt_locked(sched::SchedulerGuard& guard) noexcept override;

 protected:
  TwoEndedObject() noexcept = default;

  std::uint32_t readers_ = 0;
  std::uint32_t writers_ = 0;
  sched::WaitQueue waiting_readers_;
  sched::WaitQueue waiting_writers_;
};

/// One endpoint for the life of a scope: attaches `rights` to the object, detaches when it goes.
/// For kernel code that uses an object directly, without capabilities.
class Endpoint {
 public:
  Endpoint() noexcept = default;
  Endpoint(RefPtr<IpcObject> object, Rights rights) noexcept
      : object_(static_cast<RefPtr<IpcObject>&&>(object)), rights_(rights) {
    if (object_) object_->attach(rights_);
  }
  Endpoint(Endpoint&& other) noexcept
      : object_(static_cast<RefPtr<IpcObject>&&>(other.object_)), rights_(other.rights_) {}
  Endpoint& operator=(Endpoint&& other) noexcept {
    if (this != &other) {
      close();
      object_ = static_cast<RefPtr<IpcObject>&&>(other.object_);
      rights_ = other.rights_;
    }
    return *this;
  }
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;
  ~Endpoint() { close(); }

  /// Detaches now (idempotent).
  void close() noexcept {
    if (object_) {
      object_->detach(rights_);
      object_.reset();
    }
  }

 private:
  RefPtr<IpcObject> object_;
  Rights rights_ = Rights::None;
};

}  // namespace mos::ipc
