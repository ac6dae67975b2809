// libk's platform contract on x86_64 hardware (as QEMU emulates it).
#include "console.hpp"
#include "cpu.hpp"
#include "symbols.hpp"

#include <x86_64/backtrace.hpp>
#include <x86_64/early_uart.hpp>
#include <x86_64/exception_report.hpp>
#include <x86_64/port_io.hpp>

#include <k/platform/console.hpp>
#include <k/platform/cpu.hpp>
#include <k/platform/cycle_counter.hpp>
#include <k/platform/interrupts.hpp>
#include <k/platform/machine.hpp>
#include <k/platform/tlb.hpp>

#include "kernel_map.hpp"

#include <atomic>

namespace mos::platform {
namespace {

using x86_64::EarlyUart;
using x86_64::PortIoSpace;

constexpr std::uint64_t kRflagsInterruptEnable = 1 << 9;
// QEMU's isa-debug-exit device: writing v makes QEMU exit with (v << 1) | 1. We write
// status + 1 so that QEMU's own failure status (1) never looks like an image's success.
constexpr std::uint16_t kDebugExitPort = 0xf4;
// QEMU's debug console: the runner learns from one byte here that the console is reading.
constexpr std::uint16_t kDebugConsolePort = 0xe9;
constexpr std::uint8_t kConsoleReadyByte = 'R';

// constinit: console_init() runs before the global constructors and must not be undone by them.
constinit EarlyUart<PortIoSpace> g_uart{PortIoSpace{}};
std::atomic<bool> g_console_ready_sent{false};

class UartSink final : public OutputSink {
 public:
  void write(std::string_view text) noexcept override { g_uart.write(text); }
};
UartSink g_uart_sink;

struct X86Interrupts {
  static InterruptState save_and_disable() noexcept {
    bool was = (x86_64::cpu::read_rflags() & kRflagsInterruptEnable) != 0;
    x86_64::cpu::disable_interrupts();
    return was ? InterruptState::Enabled : InterruptState::Disabled;
  }
  static void restore(InterruptState state) noexcept {
    if (state == InterruptState::Enabled) x86_64::cpu::enable_interrupts();
  }
  static bool enabled() noexcept {
    return (x86_64::cpu::read_rflags() & kRflagsInterruptEnable) != 0;
  }
};
static_assert(InterruptControl<X86Interrupts>);

struct X86Cpu {
  static void relax() noexcept { x86_64::cpu::pause(); }
};
static_assert(CpuHints<X86Cpu>);

struct SerialConsole {
  static void announce_input() noexcept {
    if (!g_console_ready_sent.exchange(true)) {
      PortIoSpace{}.write8(kDebugConsolePort, kConsoleReadyByte);
    }
  }
  static void write(std::string_view text) noexcept { g_uart.write(text); }
  static std::size_t read(std::span<char> buffer) noexcept {
    if (buffer.empty()) return 0;
    announce_input();
    // Polling: the interrupt-driven UART driver arrives with libdrv.
    for (;;) {
      std::size_t n = g_uart.read_available(buffer);
      if (n > 0) return n;
      x86_64::cpu::pause();
    }
  }
};
static_assert(ConsoleDevice<SerialConsole>);

struct X86Machine {
  [[noreturn]] static void shutdown(ExitStatus status) noexcept {
    x86_64::cpu::disable_interrupts();
    PortIoSpace{}.write32(kDebugExitPort, static_cast<std::uint32_t>(status) + 1);
    // Without the debug-exit device (real hardware, another VMM) the machine halts for good.
    g_uart.write("\nmosaic: halted\n");
    for (;;) x86_64::cpu::halt();
  }
  [[noreturn]] static void stop_after_panic() noexcept {
    std::uint64_t frames[32];
    std::size_t count = x86_64::walk_frame_pointers(x86_64::cpu::read_rbp(), frames,
                                                    x86_64::kernel_stack_readable);
    x86_64::write_backtrace(g_uart_sink, x86_64::kernel_symbols(), {frames, count});
    shutdown(kExitPanic);
  }
};
static_assert(MachineControl<X86Machine>);

struct Tsc {
  static std::uint64_t read() noexcept { return x86_64::cpu::rdtsc(); }
};
static_assert(CycleCounterSource<Tsc>);

struct X86Tlb {
  static void invalidate_page(VirtAddr page) noexcept {
    asm volatile("invlpg (%0)" : : "r"(page.value()) : "memory");
  }
  static void invalidate_all() noexcept { x86_64::cpu::flush_tlb(); }
};
static_assert(TlbControl<X86Tlb>);

}  // namespace

void tlb_invalidate_page(VirtAddr page) noexcept { X86Tlb::invalidate_page(page); }
void tlb_invalidate_all() noexcept { X86Tlb::invalidate_all(); }
InterruptState interrupts_save_and_disable() noexcept { return X86Interrupts::save_and_disable(); }
void interrupts_restore(InterruptState state) noexcept { X86Interrupts::restore(state); }
bool interrupts_enabled() noexcept { return X86Interrupts::enabled(); }
void cpu_relax() noexcept { X86Cpu::relax(); }
void console_write(std::string_view text) noexcept { SerialConsole::write(text); }
std::size_t console_read(std::span<char> buffer) noexcept { return SerialConsole::read(buffer); }
void console_announce_input() noexcept { SerialConsole::announce_input(); }
void shutdown(ExitStatus status) noexcept { X86Machine::shutdown(status); }
void stop_after_panic() noexcept { X86Machine::stop_after_panic(); }
std::uint64_t cycle_counter() noexcept { return Tsc::read(); }

std::uint8_t port_read8(std::uint16_t port) noexcept { return x86_64::PortIoSpace{}.read8(port); }
std::uint16_t port_read16(std::uint16_t port) noexcept {
  return x86_64::PortIoSpace{}.read16(port);
}
std::uint32_t port_read32(std::uint16_t port) noexcept {
  return x86_64::PortIoSpace{}.read32(port);
}
void port_write8(std::uint16_t port, std::uint8_t value) noexcept {
  x86_64::PortIoSpace{}.write8(port, value);
}
void port_write16(std::uint16_t port, std::uint16_t value) noexcept {
  x86_64::PortIoSpace{}.write16(port, value);
}
void port_write32(std::uint16_t port, std::uint32_t value) noexcept {
  x86_64::PortIoSpace{}.write32(port, value);
}

}  // namespace mos::platform

namespace mos::x86_64 {

void console_init() noexcept { (void)platform::g_uart.init(); }

OutputSink& console_sink() noexcept { return platform::g_uart_sink; }

}  // namespace mos::x86_64
