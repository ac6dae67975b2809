// The host platform: libk's platform contract inside a Linux process, so that every library runs
// unchanged under the host test runner.
#include <k/platform/console.hpp>
#include <k/platform/cpu.hpp>
#include <k/platform/cycle_counter.hpp>
#include <k/platform/machine.hpp>
#include <k/platform/tlb.hpp>

#include "host_tlb.hpp"

#include <execinfo.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace mos::platform {
namespace {


struct HostCpu {
  static void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
};
static_assert(CpuHints<HostCpu>);

// The console is the process's stdin and stdout.
struct HostConsole {
  static void write(std::string_view text) noexcept {
    while (!text.empty()) {
      ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // Nowhere left to write; a console never fails its caller.
      text.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  static std::size_t read(std::span<char> buffer) noexcept {
    for (;;) {
      ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return 0;
    }
  }
};
static_assert(ConsoleDevice<HostConsole>);

struct HostMachine {
  [[noreturn]] static void shutdown(ExitStatus status) noexcept { std::exit(status); }
  [[noreturn]] static void stop_after_panic() noexcept {
    void* frames[64];
    int count = ::backtrace(frames, 64);
    HostConsole::write("backtrace:\n");
    ::backtrace_symbols_fd(frames, count, STDOUT_FILENO);
    // _exit: a panic must not run the destructors of the state it found broken.
    ::_exit(kExitPanic);
  }
};
static_assert(MachineControl<HostMachine>);

// Nanoseconds of the monotonic clock: the host has no stable cycle counter to expose.
struct HostCycleCounter {
  static std::uint64_t read() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
           static_cast<std::uint64_t>(ts.tv_nsec);
  }
};
static_assert(CycleCounterSource<HostCycleCounter>);

// Host tests run page tables on simulated RAM, which no TLB caches: invalidations are only
// counted, so tests can check that a change to a live mapping asks for one.
struct HostTlb {
  static inline std::atomic<std::uint64_t> invalidations_{0};
  static void invalidate_page(VirtAddr) noexcept { invalidations_.fetch_add(1); }
  static void invalidate_all() noexcept { invalidations_.fetch_add(1); }
};
static_assert(TlbControl<HostTlb>);

}  // namespace

std::uint64_t host::tlb_invalidations() noexcept { return HostTlb::invalidations_.load(); }

void tlb_invalidate_page(VirtAddr page) noexcept { HostTlb::invalidate_page(page); }
void tlb_invalidate_all() noexcept { HostTlb::invalidate_all(); }
void cpu_relax() noexcept { HostCpu::relax(); }
void console_write(std::string_view text) noexcept { HostConsole::write(text); }
std::size_t console_read(std::span<char> buffer) noexcept { return HostConsole::read(buffer); }
void console_announce_input() noexcept {}  // stdin is always ready.
void shutdown(ExitStatus status) noexcept { HostMachine::shutdown(status); }
void stop_after_panic() noexcept { HostMachine::stop_after_panic(); }
std::uint64_t cycle_counter() noexcept { return HostCycleCounter::read(); }

}  // namespace mos::platform
