// The monotonic clock and one-shot timer inside a Linux process: virtual time. The clock is
// CLOCK_MONOTONIC plus the time idle periods skipped: when every thread waits (idle_wait), time
// jumps to the armed deadline instead of passing, as under QEMU's -icount with sleep=off, so a
// test that sleeps for seconds takes no time. A periodic SIGALRM (every kTickNs of real time)
// stands in for the timer interrupt while threads are busy.
#include <k/panic.hpp>
#include <k/platform/timer.hpp>

#include "host_interrupts.hpp"

#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

namespace mos::platform {
namespace {

constexpr std::uint64_t kTickNs = 1'000'000;

struct HostTimer {
  static inline std::atomic<std::uint64_t> skipped_ns_{0};
  static inline std::atomic<std::uint64_t> start_ns_{0};
  static inline volatile bool armed_ = false;
  static inline volatile std::uint64_t deadline_ns_ = 0;
  static inline TimerHandler handler_ = nullptr;

  static std::uint64_t real_ns() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
  }

  static void on_signal(int, siginfo_t*, void* context) {
    const int saved_errno = errno;
    host::raise_interrupt(context);
    errno = saved_errno;
  }

  static Result<void> init() noexcept {
    if (start_ns_.load() != 0) return {};
    start_ns_.store(real_ns());
    struct sigaction action {};
    action.sa_sigaction = &on_signal;
    // SA_NODEFER: a handler may switch threads and never return to this frame for a long time;
    // the signal must stay deliverable to the thread switched to.
    action.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (::sigaction(SIGALRM, &action, nullptr) != 0) return Error::NoDevice;
    itimerval tick{};
    tick.it_interval.tv_usec = static_cast<suseconds_t>(kTickNs / 1000);
    tick.it_value = tick.it_interval;
    if (::setitimer(ITIMER_REAL, &tick, nullptr) != 0) return Error::NoDevice;
    return {};
  }
  static std::uint64_t now() noexcept { return real_ns() - start_ns_.load() + skipped_ns_.load(); }
  static void set_handler(TimerHandler handler) noexcept { handler_ = handler; }
  static void arm(std::uint64_t deadline) noexcept {
    deadline_ns_ = deadline;
    armed_ = true;
  }
  static void disarm() noexcept { armed_ = false; }
  static void idle_wait() noexcept {
    // Like `sti; hlt`: nothing to do until an interrupt. With none pending, virtual time skips
    // ahead to the armed deadline; with none armed either, nothing can ever happen.
    if (!host::interrupt_pending()) {
      if (!armed_) {
        MOS_PANIC("host: every thread waits and no timer is armed: a deadlock");
      }
      const std::uint64_t t = now();
      if (deadline_ns_ > t) skipped_ns_.fetch_add(deadline_ns_ - t);
    }
    host::deliver_interrupt();
  }
};
static_assert(TimerDevice<HostTimer>);

}  // namespace

Result<void> timer_init() noexcept { return HostTimer::init(); }
std::uint64_t monotonic_ns() noexcept { return HostTimer::now(); }
void timer_set_handler(TimerHandler handler) noexcept { HostTimer::set_handler(handler); }
void timer_arm(std::uint64_t deadline_ns) noexcept { HostTimer::arm(deadline_ns); }
void timer_disarm() noexcept { HostTimer::disarm(); }
void idle_wait() noexcept { HostTimer::idle_wait(); }

void host::run_interrupt_handlers() noexcept {
  if (!HostTimer::armed_ || HostTimer::now() < HostTimer::deadline_ns_) return;
  HostTimer::armed_ = false;
  if (HostTimer::handler_ != nullptr) HostTimer::handler_();
}

}  // namespace mos::platform
