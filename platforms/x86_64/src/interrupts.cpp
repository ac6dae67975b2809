#include "interrupts.hpp"

#include <x86_64/trap_frame.hpp>

#include <atomic>

namespace mos::x86_64 {
namespace {

std::atomic<InterruptHandler> g_handlers[256];
std::atomic<std::uint64_t> g_stray{0};

}  // namespace

void set_interrupt_handler(std::uint8_t vector, InterruptHandler handler) noexcept {
  g_handlers[vector].store(handler, std::memory_order_release);
}

std::uint64_t stray_interrupts() noexcept { return g_stray.load(std::memory_order_relaxed); }

extern "C" void mos_x86_64_interrupt(TrapFrame* frame) {
  const auto vector = static_cast<std::uint8_t>(frame->vector);
  InterruptHandler handler = g_handlers[vector].load(std::memory_order_acquire);
  if (handler == nullptr) {
    // Spurious APIC interrupts and masked-PIC spurious IRQs 7 and 15 land here; they need no
    // EOI and change nothing.
    g_stray.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  handler(vector);
}

}  // namespace mos::x86_64
