#pragma once
/// An event flag threads wait for. With Reset::Manual, set() wakes every waiter and the event
/// stays set until reset(); with Reset::Auto, set() wakes one waiter (or, if none waits, stays
/// set until one wait() consumes it). set() may be called from an interrupt handler.

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/result.hpp>

#include <cstdint>

namespace mos::sched {

/// See the file comment.
class Event {
 public:
  /// Whether a successful wait clears the event.
  enum class Reset : std::uint8_t { Manual, Auto };

  constexpr explicit Event(Reset reset = Reset::Manual) noexcept : reset_(reset) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  /// Waits until the event is set, until `deadline` at most (Error::TimedOut).
  Result<void> wait(Deadline deadline = Deadline::never()) noexcept;
  /// Sets the event (see the file comment for whom it wakes).
  void set() noexcept;
  /// Clears the event.
  void reset() noexcept;
  /// Whether it is set now.
  bool is_set() const noexcept { return set_; }

 private:
  Reset reset_;
  bool set_ = false;
  WaitQueue waiters_;
};

}  // namespace mos::sched
