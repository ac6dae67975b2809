#pragma once
/// What the boot loader told the kernel, in a typed form independent of the boot protocol
/// (Multiboot2 from GRUB, or PVH from a VMM's direct boot). Everything is copied out of the
/// loader's structures, so those may be reclaimed once a BootInfo exists.

#include <k/address.hpp>
#include <k/fixed_vector.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace mos {

/// A fixed-capacity, always NUL-terminated copy of a string from the boot loader.
template <std::size_t N>
class BootString {
 public:
  /// Copies `s`, or as much of it as fits; returns false if it had to cut it.
  bool assign(std::string_view s) noexcept {
    std::size_t n = s.size() < N - 1 ? s.size() : N - 1;
    for (std::size_t i = 0; i < n; ++i) text_[i] = s[i];
    text_[n] = '\0';
    size_ = n;
    return n == s.size();
  }
  std::string_view view() const noexcept { return {text_, size_}; }
  const char* c_str() const noexcept { return text_; }

 private:
  char text_[N] = {};
  std::size_t size_ = 0;
};

/// One range of the physical memory map.
struct MemoryRegion {
  /// What the firmware says the range is (E820 / Multiboot2 types).
  enum class Kind : std::uint8_t { Usable, Reserved, AcpiReclaimable, AcpiNvs, Defective };

  PhysAddr base;
  std::uint64_t length = 0;
  Kind kind = Kind::Reserved;

  PhysAddr end() const noexcept { return base + length; }
};

/// A file the boot loader loaded next to the kernel (an initramfs, say).
struct BootModule {
  PhysAddr start;
  PhysAddr end;  ///< One past the last byte.
  BootString<128> command_line;
};

/// The framebuffer the loader set up, if any.
struct Framebuffer {
  enum class Kind : std::uint8_t { Indexed, Rgb, EgaText };

  PhysAddr address;
  std::uint32_t pitch = 0;  ///< Bytes per line.
  std::uint32_t width = 0;  ///< Pixels, or characters for EgaText.
  std::uint32_t height = 0;
  std::uint8_t bits_per_pixel = 0;
  Kind kind = Kind::Rgb;
};

/// The ACPI root pointer, as found or copied by the loader. Its checksum was verified.
struct AcpiRoot {
  std::uint8_t revision = 0;                ///< 0: ACPI 1.0 (RSDT only); 2 or more: has an XSDT.
  std::uint32_t rsdt_address = 0;           ///< Physical address of the RSDT.
  std::uint64_t xsdt_address = 0;           ///< Physical address of the XSDT (revision >= 2).
  std::optional<PhysAddr> rsdp_address;     ///< Where the RSDP lies, when the loader said so.
};

/// The kernel command line: words separated by spaces, each a flag (`echo`) or a `key=value`
/// option, as on Linux.
class CommandLine {
 public:
  constexpr explicit CommandLine(std::string_view text) noexcept : text_(text) {}

  /// Whether `word` appears as a whole word.
  constexpr bool has_flag(std::string_view word) const noexcept {
    bool found = false;
    for_each_word([&](std::string_view w) { found = found || w == word; });
    return found;
  }

  /// The value of the first `key=value` word (empty for `key=`), or nullopt when there is none.
  constexpr std::optional<std::string_view> option(std::string_view key) const noexcept {
    std::optional<std::string_view> value;
    if (key.empty()) return value;
    for_each_word([&](std::string_view w) {
      if (!value && w.size() > key.size() && w.substr(0, key.size()) == key &&
          w[key.size()] == '=') {
        value = w.substr(key.size() + 1);
      }
    });
    return value;
  }

 private:
  template <class F>
  constexpr void for_each_word(F&& f) const noexcept {
    std::string_view rest = text_;
    while (!rest.empty()) {
      std::size_t space = rest.find(' ');
      std::string_view word = rest.substr(0, space);
      if (!word.empty()) f(word);
      if (space == std::string_view::npos) break;
      rest.remove_prefix(space + 1);
    }
  }

  std::string_view text_;
};

/// Everything the kernel learns from its loader.
struct BootInfo {
  static constexpr std::size_t kMaxMemoryRegions = 128;
  static constexpr std::size_t kMaxModules = 16;

  enum class Protocol : std::uint8_t { Multiboot2, Pvh };

  Protocol protocol = Protocol::Multiboot2;
  FixedVector<MemoryRegion, kMaxMemoryRegions> memory_map;
  FixedVector<BootModule, kMaxModules> modules;
  BootString<512> command_line;
  BootString<64> loader_name;
  std::optional<Framebuffer> framebuffer;
  std::optional<AcpiRoot> acpi;
  /// Where the loader's own information block lies, so memory management can keep it until the
  /// BootInfo has been built and then reuse it.
  PhysAddr info_start;
  PhysAddr info_end;

  /// The command line, split into flags and options.
  CommandLine options() const noexcept { return CommandLine(command_line.view()); }

  /// Total bytes of usable RAM in the memory map.
  std::uint64_t usable_bytes() const noexcept {
    std::uint64_t total = 0;
    for (const MemoryRegion& r : memory_map) {
      if (r.kind == MemoryRegion::Kind::Usable) total += r.length;
    }
    return total;
  }
};

/// Prints a memory-region kind as a word ("usable", "reserved", ...).
template <>
struct Formatter<MemoryRegion::Kind> {
  static void format(OutputSink& sink, MemoryRegion::Kind kind, const FormatSpec& spec) noexcept {
    constexpr std::string_view kNames[] = {"usable", "reserved", "acpi-reclaimable", "acpi-nvs",
                                           "defective"};
    format_padded(sink, kNames[static_cast<int>(kind)], spec);
  }
};

}  // namespace mos
