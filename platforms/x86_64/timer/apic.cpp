#include "apic.hpp"

#include <x86_64/port_io.hpp>

namespace mos::x86_64 {
namespace {

constexpr std::uint32_t kLvtMasked = 1u << 16;
constexpr std::uint32_t kDivideBy16 = 0x3;

}  // namespace

void LocalApic::enable(std::uint8_t spurious_vector) noexcept {
  write(kTaskPriority, 0);
  write(kLvtTimer, kLvtMasked);
  write(kSpurious, 0x100u | spurious_vector);  // Bit 8: APIC software enable.
}

void LocalApic::start_free_running(std::uint32_t count) noexcept {
  write(kTimerDivide, kDivideBy16);
  write(kLvtTimer, kLvtMasked);
  write(kTimerInitialCount, count);
}

void LocalApic::start_one_shot(std::uint8_t vector, std::uint32_t count) noexcept {
  write(kTimerDivide, kDivideBy16);
  write(kLvtTimer, vector);  // One-shot mode, unmasked.
  write(kTimerInitialCount, count);
}

void IoApic::mask_all() noexcept {
  const std::uint32_t n = inputs();
  for (std::uint32_t i = 0; i < n; ++i) {
    write(kRedirectionTable + 2 * i, kMasked);
    write(kRedirectionTable + 2 * i + 1, 0);
  }
}

void IoApic::route(std::uint32_t input, std::uint8_t vector, Polarity polarity, Trigger trigger,
                   std::uint8_t destination) noexcept {
  // [82093AA] 3.2.4: vector 7:0, delivery mode 10:8 (000 fixed), destination mode 11 (0
  // physical), polarity 13 (1 low), trigger 15 (1 level), mask 16; destination in 63:56.
  std::uint32_t low = vector;
  if (polarity == Polarity::ActiveLow) low |= 1u << 13;
  if (trigger == Trigger::Level) low |= 1u << 15;
  write(kRedirectionTable + 2 * input, kMasked);
  write(kRedirectionTable + 2 * input + 1, static_cast<std::uint32_t>(destination) << 24);
  write(kRedirectionTable + 2 * input, low);
}

InterruptControllers& interrupt_controllers() noexcept {
  static constinit InterruptControllers controllers;
  return controllers;
}

void mask_legacy_pic(std::uint8_t base) noexcept {
  PortIoSpace ports;
  constexpr std::uint16_t kMasterCommand = 0x20, kMasterData = 0x21;
  constexpr std::uint16_t kSlaveCommand = 0xa0, kSlaveData = 0xa1;
  ports.write8(kMasterCommand, 0x11);  // ICW1: initialise, ICW4 follows.
  ports.write8(kSlaveCommand, 0x11);
  ports.write8(kMasterData, base);     // ICW2: vector base.
  ports.write8(kSlaveData, static_cast<std::uint8_t>(base + 8));
  ports.write8(kMasterData, 0x04);     // ICW3: slave on IRQ 2.
  ports.write8(kSlaveData, 0x02);
  ports.write8(kMasterData, 0x01);     // ICW4: 8086 mode.
  ports.write8(kSlaveData, 0x01);
  ports.write8(kMasterData, 0xff);     // Mask everything.
  ports.write8(kSlaveData, 0xff);
}

}  // namespace mos::x86_64
