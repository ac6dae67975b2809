// The monotonic clock and one-shot timer on a PC (libk's timer contract): the TSC as the clock,
// the local APIC timer in one-shot mode as the timer, both calibrated against the PIT. Linked
// into images with the sched component (it maps device memory through libmm).
//
// timer_init: reads the MADT (where the local and I/O APICs are), remaps and masks the legacy
// PICs, masks every I/O APIC input (drivers route theirs later), enables the local APIC,
// checks that the TSC is invariant, and measures the TSC and the APIC timer over 10 ms of PIT
// channel 0. Under QEMU with -icount all three count virtual time, so the numbers are exact.
#include <k/log.hpp>
#include <k/platform/timer.hpp>

#include <mm/kernel_memory.hpp>

#include <x86_64/acpi.hpp>
#include <x86_64/port_io.hpp>
#include <x86_64/tick_rate.hpp>

#include "apic.hpp"
#include "cpu.hpp"
#include "interrupts.hpp"
#include "kernel_entry.hpp"

#include <atomic>

namespace mos::platform {
namespace {

using x86_64::TickRate;

constexpr std::uint32_t kApicBaseMsr = 0x1b;
constexpr std::uint64_t kApicGlobalEnable = 1u << 11;
constexpr std::uint64_t kDefaultIoApic = 0xfec00000;

// PIT channel 0 counts down at 1.193182 MHz; its count is read back with the latch command.
// (Channel 2 and its gate at port 0x61 would need the PC speaker, which microvm lacks.)
constexpr std::uint64_t kPitHz = 1'193'182;
constexpr std::uint16_t kPitTicks = 11'932;  // 10 ms.
constexpr std::uint16_t kPitChannel0 = 0x40, kPitCommand = 0x43;

struct Calibration {
  std::uint64_t tsc_hz = 0;
  std::uint64_t apic_hz = 0;
};

// Reads ACPI tables by mapping them (they often lie in memory the direct map leaves out).
Result<std::span<const std::byte>> map_table(PhysAddr address, std::uint64_t length) noexcept {
  VirtAddr mapped = MOS_TRY(mm::kernel_map_mmio(address, length, mm::CachePolicy::WriteBack));
  return std::span<const std::byte>(mapped.as_ptr<const std::byte>(), length);
}

std::uint16_t read_pit_count(x86_64::PortIoSpace& ports) noexcept {
  ports.write8(kPitCommand, 0x00);  // Latch channel 0.
  const std::uint8_t low = ports.read8(kPitChannel0);
  const std::uint8_t high = ports.read8(kPitChannel0);
  return static_cast<std::uint16_t>(low | (high << 8));
}

Result<Calibration> calibrate(x86_64::LocalApic& apic) noexcept {
  x86_64::PortIoSpace ports;
  // Channel 0, lobyte/hibyte, mode 0 (interrupt on terminal count: IRQ 0 is masked), from
  // 0xffff down: 55 ms before it wraps, of which we use 10.
  ports.write8(kPitCommand, 0x30);
  ports.write8(kPitChannel0, 0xff);
  ports.write8(kPitChannel0, 0xff);
  const std::uint16_t start = read_pit_count(ports);
  apic.start_free_running(0xffffffff);
  const std::uint64_t tsc_start = x86_64::cpu::rdtsc();
  std::uint16_t elapsed = 0;
  for (std::uint64_t spins = 0; elapsed < kPitTicks; ++spins) {
    // A PIT that never moves (absent: its ports read 0xff) would hold us here for ever.
    if (spins > 10'000'000) return Error::NoDevice;
    elapsed = static_cast<std::uint16_t>(start - read_pit_count(ports));
  }
  const std::uint64_t tsc_ticks = x86_64::cpu::rdtsc() - tsc_start;
  const std::uint64_t apic_ticks = 0xffffffffu - apic.timer_current();
  apic.stop_timer();
  Calibration c;
  c.tsc_hz = tsc_ticks * kPitHz / elapsed;
  c.apic_hz = apic_ticks * kPitHz / elapsed;
  return c;
}

struct X86Timer {
  static inline x86_64::LocalApic apic_;
  static inline TickRate tsc_rate_;
  static inline TickRate apic_rate_;
  static inline std::uint64_t tsc_base_ = 0;
  static inline bool armed_ = false;
  static inline std::uint64_t deadline_ns_ = 0;
  static inline std::atomic<TimerHandler> handler_{nullptr};

  static Result<void> init() noexcept {
    const BootInfo& boot = x86_64::boot_info();
    x86_64::MadtInfo madt;
    if (boot.acpi) {
      auto read = x86_64::read_madt(*boot.acpi, [](PhysAddr a, std::uint64_t n) noexcept {
        return map_table(a, n);
      });
      if (read) {
        madt = std::move(read).value();
      } else {
        log::warn("timer: no usable MADT ({}); assuming a PC's defaults", read.error());
      }
    }
    if (madt.io_apics.empty() && !boot.acpi) {
      (void)madt.io_apics.push_back({0, PhysAddr(kDefaultIoApic), 0});
    }
    if (!boot.acpi || madt.has_8259) x86_64::mask_legacy_pic(x86_64::kPicVectorBase);

    // The local APIC: where the MSR says (the MADT agrees on every PC), enabled globally.
    const std::uint64_t base_msr = x86_64::cpu::read_msr(kApicBaseMsr);
    const PhysAddr apic_phys(base_msr & ~std::uint64_t{0xfff});
    if ((base_msr & kApicGlobalEnable) == 0) {
      x86_64::cpu::write_msr(kApicBaseMsr, base_msr | kApicGlobalEnable);
    }
    VirtAddr apic_virt = MOS_TRY(mm::kernel_map_mmio(apic_phys, 4096, mm::CachePolicy::Uncached));
    apic_ = x86_64::LocalApic(apic_virt);
    apic_.enable(x86_64::kSpuriousVector);
    x86_64::InterruptControllers& controllers = x86_64::interrupt_controllers();
    controllers.local = apic_;
    for (const x86_64::IoApicInfo& io : madt.io_apics) {
      auto mapped = mm::kernel_map_mmio(io.address, 4096, mm::CachePolicy::Uncached);
      if (!mapped) return mapped.error();
      x86_64::IoApic io_apic(*mapped);
      io_apic.mask_all();
      (void)controllers.io_apics.push_back({io_apic, io.gsi_base, io_apic.inputs()});
    }
    controllers.madt = madt;
    controllers.ready = true;

    const bool invariant = (x86_64::cpu::cpuid(0x80000000).eax >= 0x80000007) &&
                           (x86_64::cpu::cpuid(0x80000007).edx & (1u << 8)) != 0;
    Calibration c = MOS_TRY(calibrate(apic_));
    if (c.tsc_hz < TickRate::kMinHz || c.apic_hz < 1000) {
      log::error("timer: calibration against the PIT gave TSC {} Hz, APIC timer {} Hz", c.tsc_hz,
                 c.apic_hz);
      return Error::NoDevice;
    }
    tsc_rate_ = TickRate(c.tsc_hz);
    apic_rate_ = TickRate(c.apic_hz);
    tsc_base_ = x86_64::cpu::rdtsc();
    x86_64::set_interrupt_handler(x86_64::kLapicTimerVector, &on_interrupt);
    log::info("timer: TSC {} kHz ({}), local APIC {} timer {} kHz, {} I/O APIC(s) masked",
              c.tsc_hz / 1000, invariant ? "invariant" : "not invariant per CPUID", apic_.id(),
              c.apic_hz / 1000, madt.io_apics.size());
    return {};
  }

  static std::uint64_t now() noexcept { return tsc_rate_.to_ns(x86_64::cpu::rdtsc() - tsc_base_); }
  static void set_handler(TimerHandler handler) noexcept {
    handler_.store(handler, std::memory_order_release);
  }
  static void arm(std::uint64_t deadline) noexcept {
    deadline_ns_ = deadline;
    armed_ = true;
    program();
  }
  static void disarm() noexcept {
    armed_ = false;
    apic_.stop_timer();
  }
  static void idle_wait() noexcept {
    // sti takes effect after the next instruction: no interrupt can slip in before the hlt.
    asm volatile("sti; hlt; cli" ::: "memory");
  }

  // Programs the APIC timer for the deadline; one that has passed fires at the next tick.
  static void program() noexcept {
    const std::uint64_t t = now();
    std::uint64_t ticks = deadline_ns_ > t ? apic_rate_.to_ticks(deadline_ns_ - t) : 1;
    if (ticks == 0) ticks = 1;
    if (ticks > 0xffffffffu) ticks = 0xffffffffu;  // Fires early; on_interrupt re-arms.
    apic_.start_one_shot(x86_64::kLapicTimerVector, static_cast<std::uint32_t>(ticks));
  }

  static void on_interrupt(std::uint8_t) noexcept {
    apic_.eoi();  // First: the handler may switch threads and not come back here for long.
    if (!armed_) return;
    if (now() < deadline_ns_) {
      program();
      return;
    }
    armed_ = false;
    if (TimerHandler handler = handler_.load(std::memory_order_acquire)) handler();
  }
};
static_assert(TimerDevice<X86Timer>);

}  // namespace

Result<void> timer_init() noexcept { return X86Timer::init(); }
std::uint64_t monotonic_ns() noexcept { return X86Timer::now(); }
void timer_set_handler(TimerHandler handler) noexcept { X86Timer::set_handler(handler); }
void timer_arm(std::uint64_t deadline_ns) noexcept { X86Timer::arm(deadline_ns); }
void timer_disarm() noexcept { X86Timer::disarm(); }
void idle_wait() noexcept { X86Timer::idle_wait(); }

}  // namespace mos::platform
