#pragma once
/// The PC's CMOS real-time clock (MC146818 and its descendants): the date and time at boot.
/// Registers are read through the index/data ports 0x70/0x71; the clock may count in BCD or
/// binary and in 12- or 24-hour mode (status register B says which), and it updates its
/// registers once a second, so a read waits out an update in progress and reads until two
/// passes agree. Every wait is bounded: a missing or stuck clock gives an error, not a hang.
/// [mc146818] registers 0x00..0x0d; the century register is 0x32 as on QEMU and most PCs (the
/// ACPI FADT's "century" field names it; not consulted).

#include <drv/calendar.hpp>

#include <k/platform/io.hpp>
#include <k/result.hpp>

#include <cstdint>

namespace mos::drv {

/// The raw registers of one consistent read, before decoding.
struct CmosClockRegisters {
  std::uint8_t second, minute, hour, day, month, year, century, status_b;
  friend constexpr bool operator==(const CmosClockRegisters&,
                                   const CmosClockRegisters&) noexcept = default;
};

/// Decodes registers into a calendar time: BCD or binary, 12-hour with the PM bit, the century
/// register (or 20xx when it holds nothing usable). Error::BadMessage for digits or fields out
/// of range (a clock that was never set, or garbage).
Result<CalendarTime> decode_cmos_clock(const CmosClockRegisters& registers) noexcept;

/// See the file comment. `Io` is a platform::PortIo provider.
template <platform::PortIo Io>
class CmosRtc {
 public:
  explicit CmosRtc(Io io) noexcept : io_(io) {}

  /// The date and time now. Error::NoDevice if no clock answers (the ports read as all ones),
  /// Error::TimedOut if the registers never hold still, Error::BadMessage as decode_cmos_clock.
  Result<CalendarTime> read() noexcept {
    if (register_at(kStatusA) == 0xff && register_at(kStatusB) == 0xff) return Error::NoDevice;
    CmosClockRegisters last = MOS_TRY(read_once());
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      const CmosClockRegisters now = MOS_TRY(read_once());
      if (now == last) return decode_cmos_clock(now);
      last = now;
    }
    return Error::TimedOut;
  }

 private:
  static constexpr std::uint16_t kIndexPort = 0x70, kDataPort = 0x71;
  static constexpr std::uint8_t kStatusA = 0x0a, kStatusB = 0x0b, kCentury = 0x32;
  static constexpr std::uint8_t kUpdateInProgress = 0x80;
  static constexpr std::uint8_t kNmiDisable = 0x80;  // Kept set: NMIs stay off while we read.
  static constexpr int kAttempts = 8;
  // An update takes at most 2 ms after UIP rises; a generous bound on polls of status A.
  static constexpr int kUpdatePolls = 1'000'000;

  std::uint8_t register_at(std::uint8_t index) noexcept {
    io_.write8(kIndexPort, static_cast<std::uint8_t>(index | kNmiDisable));
    return io_.read8(kDataPort);
  }

  Result<CmosClockRegisters> read_once() noexcept {
    int polls = 0;
    while ((register_at(kStatusA) & kUpdateInProgress) != 0) {
      if (++polls == kUpdatePolls) return Error::TimedOut;
    }
    CmosClockRegisters r;
    r.second = register_at(0x00);
    r.minute = register_at(0x02);
    r.hour = register_at(0x04);
    r.day = register_at(0x07);
    r.month = register_at(0x08);
    r.year = register_at(0x09);
    r.century = register_at(kCentury);
    r.status_b = register_at(kStatusB);
    return r;
  }

  Io io_;
};

}  // namespace mos::drv
