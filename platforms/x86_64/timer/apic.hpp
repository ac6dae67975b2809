#pragma once
// The interrupt controllers of a PC: the local APIC (its timer, EOI), the I/O APICs (masked
// until drivers route their IRQs), and the legacy 8259 PICs (remapped away from the exception
// vectors and masked for good). [intel-sdm vol3] 11; 82093AA I/O APIC datasheet; 8259A
// datasheet

#include <k/address.hpp>
#include <k/fixed_vector.hpp>

#include <x86_64/acpi.hpp>

#include <cstdint>

namespace mos::x86_64 {

/// The local APIC of this CPU, through its MMIO registers (xAPIC mode).
class LocalApic {
 public:
  constexpr LocalApic() noexcept = default;
  /// Registers at `base` (mapped uncached).
  explicit LocalApic(VirtAddr base) noexcept : base_(base) {}

  /// Software-enables it with the spurious vector, accepts every priority, and masks the timer.
  void enable(std::uint8_t spurious_vector) noexcept;
  /// Ends the interrupt being serviced.
  void eoi() noexcept { write(kEoi, 0); }
  /// Its id.
  std::uint32_t id() const noexcept { return read(kId) >> 24; }

  /// Starts the timer counting down from `count` (divide by 16), masked: for calibration.
  void start_free_running(std::uint32_t count) noexcept;
  /// Starts the timer in one-shot mode: `vector` after `count` ticks (divide by 16).
  void start_one_shot(std::uint8_t vector, std::uint32_t count) noexcept;
  /// Stops the timer.
  void stop_timer() noexcept { write(kTimerInitialCount, 0); }
  /// What the timer has left to count.
  std::uint32_t timer_current() const noexcept { return read(kTimerCurrentCount); }

 private:
  static constexpr std::uint32_t kId = 0x20;
  static constexpr std::uint32_t kTaskPriority = 0x80;
  static constexpr std::uint32_t kEoi = 0xb0;
  static constexpr std::uint32_t kSpurious = 0xf0;
  static constexpr std::uint32_t kLvtTimer = 0x320;
  static constexpr std::uint32_t kTimerInitialCount = 0x380;
  static constexpr std::uint32_t kTimerCurrentCount = 0x390;
  static constexpr std::uint32_t kTimerDivide = 0x3e0;

  std::uint32_t read(std::uint32_t reg) const noexcept {
    return *(base_ + reg).as_ptr<volatile std::uint32_t>();
  }
  void write(std::uint32_t reg, std::uint32_t value) noexcept {
    *(base_ + reg).as_ptr<volatile std::uint32_t>() = value;
  }

  VirtAddr base_;
};

/// One I/O APIC, through its index/data register pair.
class IoApic {
 public:
  enum class Polarity : std::uint8_t { ActiveHigh, ActiveLow };
  enum class Trigger : std::uint8_t { Edge, Level };

  constexpr IoApic() noexcept = default;
  explicit IoApic(VirtAddr base) noexcept : base_(base) {}

  /// How many interrupt inputs (redirection entries) it has.
  std::uint32_t inputs() noexcept { return ((read(kVersion) >> 16) & 0xff) + 1; }
  /// Masks every input.
  void mask_all() noexcept;
  /// Delivers input `input` as `vector` to the local APIC `destination` (fixed delivery,
  /// physical destination), unmasked.
  void route(std::uint32_t input, std::uint8_t vector, Polarity polarity, Trigger trigger,
             std::uint8_t destination) noexcept;
  /// Masks input `input`.
  void mask(std::uint32_t input) noexcept { write(kRedirectionTable + 2 * input, kMasked); }

 private:
  static constexpr std::uint32_t kVersion = 0x01;
  static constexpr std::uint32_t kRedirectionTable = 0x10;
  static constexpr std::uint32_t kMasked = 1u << 16;

  std::uint32_t read(std::uint32_t reg) noexcept {
    *base_.as_ptr<volatile std::uint32_t>() = reg;
    return *(base_ + 0x10).as_ptr<volatile std::uint32_t>();
  }
  void write(std::uint32_t reg, std::uint32_t value) noexcept {
    *base_.as_ptr<volatile std::uint32_t>() = reg;
    *(base_ + 0x10).as_ptr<volatile std::uint32_t>() = value;
  }

  VirtAddr base_;
};

/// The interrupt controllers as timer_init found them, for routing device interrupts.
struct InterruptControllers {
  struct IoApicInput {
    IoApic io_apic;
    std::uint32_t gsi_base = 0;
    std::uint32_t inputs = 0;
  };
  LocalApic local;
  MadtInfo madt;
  FixedVector<IoApicInput, MadtInfo::kMaxIoApics> io_apics;
  bool ready = false;
};
InterruptControllers& interrupt_controllers() noexcept;

/// Remaps both 8259 PICs to vectors `base`..`base + 15` and masks all their inputs, so that a
/// stray legacy IRQ can never look like a CPU exception.
void mask_legacy_pic(std::uint8_t base) noexcept;

}  // namespace mos::x86_64
