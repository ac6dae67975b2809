// Interrupts inside a Linux process. "Interrupts enabled" is a flag of the (one) OS thread the
// scheduler's threads share; the timer's signal is the only interrupt source. A signal that
// arrives while interrupts are disabled, or while the interrupted code is not this program's
// own (the C library, the sanitizer runtime: code that may hold locks a switched-to thread would
// need), is kept pending and delivered as soon as interrupts are enabled again or at the next
// signal that finds the program's own code running.
#include <k/platform/interrupts.hpp>

#include "host_interrupts.hpp"

#include <signal.h>
#include <ucontext.h>

#include <cstdint>

extern "C" {
// From the linker: the bounds of the executable's code.
extern const char __executable_start[];
extern const char etext[];
}

namespace mos::platform {
namespace {

struct HostInterrupts {
  static inline thread_local volatile bool enabled_ = true;
  static inline thread_local volatile sig_atomic_t pending_ = 0;

  static InterruptState save_and_disable() noexcept {
    const bool was = enabled_;
    enabled_ = false;
    return was ? InterruptState::Enabled : InterruptState::Disabled;
  }
  static void restore(InterruptState state) noexcept {
    if (state != InterruptState::Enabled) return;
    enabled_ = true;
    if (pending_) host::deliver_interrupt();
  }
  static bool enabled() noexcept { return enabled_; }
};
static_assert(InterruptControl<HostInterrupts>);

}  // namespace

InterruptState interrupts_save_and_disable() noexcept { return HostInterrupts::save_and_disable(); }
void interrupts_restore(InterruptState state) noexcept { HostInterrupts::restore(state); }
bool interrupts_enabled() noexcept { return HostInterrupts::enabled(); }

namespace host {

void deliver_interrupt() noexcept {
  // As an interrupt gate: handled with interrupts off, and the interrupted state comes back
  // afterwards (for a handler that switched threads, when this thread is resumed).
  const bool was = HostInterrupts::enabled_;
  HostInterrupts::enabled_ = false;
  HostInterrupts::pending_ = 0;
  run_interrupt_handlers();
  HostInterrupts::enabled_ = was;
}

void raise_interrupt(const void* signal_context) noexcept {
  const auto* context = static_cast<const ucontext_t*>(signal_context);
  const auto pc = static_cast<std::uintptr_t>(context->uc_mcontext.gregs[REG_RIP]);
  const bool own_code = pc >= reinterpret_cast<std::uintptr_t>(__executable_start) &&
                        pc < reinterpret_cast<std::uintptr_t>(etext);
  if (!HostInterrupts::enabled_ || !own_code) {
    HostInterrupts::pending_ = 1;
    return;
  }
  deliver_interrupt();
}

void mark_interrupt_pending() noexcept { HostInterrupts::pending_ = 1; }

bool interrupt_pending() noexcept { return HostInterrupts::pending_ != 0; }

}  // namespace host
}  // namespace mos::platform
