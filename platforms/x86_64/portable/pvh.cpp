// The PVH start info parser. [xen] arch-x86/hvm/start_info.h
//
// The start info is a fixed structure that points, by physical address, to a module list, a
// command line, an RSDP and (version 1) a memory map. Everything is read through the caller's
// PhysicalReader, in pieces no larger than what is known to exist, so that a bad address or count
// becomes an error from the reader instead of a stray access.

#include <x86_64/boot_protocols.hpp>

#include "boot_parsing.hpp"

namespace mos::x86_64 {
namespace {

using detail::load_u32;
using detail::load_u64;

using Bytes = std::span<const std::byte>;

// Layout of struct hvm_start_info.
constexpr std::uint64_t kStartInfoV0Size = 40;  // Through rsdp_paddr.
constexpr std::uint64_t kStartInfoV1Size = 56;  // Adds memmap_paddr, memmap_entries, reserved.
constexpr std::size_t kMagicOffset = 0;
constexpr std::size_t kVersionOffset = 4;
constexpr std::size_t kModuleCountOffset = 12;
constexpr std::size_t kModuleListOffset = 16;
constexpr std::size_t kCommandLineOffset = 24;
constexpr std::size_t kRsdpOffset = 32;
constexpr std::size_t kMemoryMapOffset = 40;
constexpr std::size_t kMemoryMapCountOffset = 48;

// struct hvm_modlist_entry {u64 paddr, size, cmdline_paddr, reserved}.
constexpr std::uint64_t kModuleEntrySize = 32;
// struct hvm_memmap_table_entry {u64 addr, size; u32 type, reserved}.
constexpr std::uint64_t kMemoryMapEntrySize = 24;

// The RSDP's length field is 36 in every ACPI version so far; a far larger one is garbage, and
// reading it would only map memory for nothing.
constexpr std::uint64_t kMaxRsdpLength = 4096;

constexpr std::uint64_t kPageSize = 4096;

// What BootInfo's command line holds, NUL included.
constexpr std::size_t kCommandLineBytes = 512;

// What a BootModule's name holds, NUL included; longer names are cut.
constexpr std::size_t kModuleNameBytes = 128;

BootInfoError error(Error code, std::string_view what, std::uint64_t address) noexcept {
  return {code, what, address, BootInfo::Protocol::Pvh};
}

BootInfoError malformed(std::string_view what, std::uint64_t address) noexcept {
  return error(Error::BadMessage, what, address);
}

// Reads [address, address + length) through the reader; `what` names the data for the error.
Result<Bytes, BootInfoError> read(PhysicalReader reader, std::uint64_t address,
                                  std::uint64_t length, std::string_view what) noexcept {
  if (detail::range_wraps(address, length)) {
    return malformed("data runs past the end of the physical address space", address);
  }
  Result<Bytes> bytes = reader.read(PhysAddr(address), length);
  if (!bytes) return error(bytes.error(), what, address);
  return *bytes;
}

// Reads the NUL-terminated string at `address`, copying as much as fits into `out`, and returns
// its length (without the NUL), which may exceed out.size(). Reads page by page, because the
// string's end is unknown and the page after it may not be readable.
Result<std::size_t, BootInfoError> read_string(PhysicalReader reader, std::uint64_t address,
                                               std::span<char> out, std::string_view unreadable,
                                               std::string_view unterminated) noexcept {
  std::size_t length = 0;
  while (length < kMaxPvhStringBytes) {
    if (detail::range_wraps(address, length)) {
      return malformed("string runs past the end of the physical address space", address);
    }
    std::uint64_t at = address + length;
    std::uint64_t chunk = kPageSize - at % kPageSize;
    if (chunk > kMaxPvhStringBytes - length) chunk = kMaxPvhStringBytes - length;
    Bytes bytes = MOS_TRY(read(reader, at, chunk, unreadable));
    for (std::byte b : bytes) {
      if (b == std::byte{0}) return length;
      if (length < out.size()) out[length] = static_cast<char>(b);
      ++length;
    }
  }
  return malformed(unterminated, address);
}

Result<void, BootInfoError> parse_command_line(PhysicalReader reader, std::uint64_t address,
                                               BootInfo& info) noexcept {
  // "0 ... should be treated as not present".
  if (address == 0) return {};
  char text[kCommandLineBytes];
  std::size_t length = MOS_TRY(read_string(reader, address, text, "command line is not readable",
                                           "command line is not NUL-terminated within 4096 bytes"));
  // A cut command line would silently drop options, so it is an error.
  if (length > sizeof text || !info.command_line.assign({text, length})) {
    return error(Error::NoBufferSpace, "command line is longer than BootInfo holds", address);
  }
  return {};
}

Result<void, BootInfoError> parse_modules(PhysicalReader reader, Bytes start, PhysAddr where,
                                          BootInfo& info) noexcept {
  std::uint32_t count = load_u32(start, kModuleCountOffset);
  std::uint64_t list = load_u64(start, kModuleListOffset);
  if (count == 0) return {};
  // Checked before reading, so that a huge count cannot make us read a huge range.
  if (count > BootInfo::kMaxModules) {
    return error(Error::NoBufferSpace, "more modules than BootInfo holds",
                 (where + kModuleCountOffset).value());
  }
  if (list == 0)
    return malformed("modules are listed at address 0", (where + kModuleListOffset).value());
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint64_t at = list + i * kModuleEntrySize;
    // Each entry is read afresh: the previous span is only valid until the next read.
    Bytes entry = MOS_TRY(read(reader, at, kModuleEntrySize, "module list is not readable"));
    std::uint64_t paddr = load_u64(entry, 0);
    std::uint64_t size = load_u64(entry, 8);
    std::uint64_t command_line = load_u64(entry, 16);
    if (paddr == 0) return malformed("module lies at address 0", at);
    if (detail::range_wraps(paddr, size)) {
      return malformed("module runs past the end of the address space", at + 8);
    }
    BootModule module;
    module.start = PhysAddr(paddr);
    module.end = PhysAddr(paddr + size);
    if (command_line != 0) {
      char text[kModuleNameBytes];
      std::size_t length =
          MOS_TRY(read_string(reader, command_line, text, "module command line is not readable",
                              "module command line is not NUL-terminated within 4096 bytes"));
      // Module names may be cut; BootString keeps what fits.
      (void)module.command_line.assign({text, length < sizeof text ? length : sizeof text});
    }
    (void)info.modules.push_back(module);
  }
  return {};
}

Result<void, BootInfoError> parse_memory_map(PhysicalReader reader, Bytes start, PhysAddr where,
                                             BootInfo& info) noexcept {
  std::uint64_t table = load_u64(start, kMemoryMapOffset);
  std::uint32_t count = load_u32(start, kMemoryMapCountOffset);
  if (count == 0) return {};
  if (count > BootInfo::kMaxMemoryRegions) {
    return error(Error::NoBufferSpace, "more memory regions than BootInfo holds",
                 (where + kMemoryMapCountOffset).value());
  }
  if (table == 0) {
    return malformed("memory map lies at address 0", (where + kMemoryMapOffset).value());
  }
  Bytes entries =
      MOS_TRY(read(reader, table, count * kMemoryMapEntrySize, "memory map is not readable"));
  for (std::uint32_t i = 0; i < count; ++i) {
    std::size_t at = i * kMemoryMapEntrySize;
    MemoryRegion region;
    region.base = PhysAddr(load_u64(entries, at));
    region.length = load_u64(entries, at + 8);
    region.kind = detail::region_kind(load_u32(entries, at + 16));
    if (detail::range_wraps(region.base.value(), region.length)) {
      return malformed("memory region runs past the end of the address space", table + at);
    }
    // An empty region describes nothing (QEMU's PVH map ends with one); leave it out.
    if (region.length == 0) continue;
    (void)info.memory_map.push_back(region);
  }
  return {};
}

// [acpi] 5.2.5.3: the 20-byte ACPI 1.0 part first, then, for revision 2 and later, the whole
// `length` bytes that the extended checksum covers.
Result<void, BootInfoError> parse_rsdp(PhysicalReader reader, std::uint64_t address,
                                       BootInfo& info) noexcept {
  if (address == 0) return {};
  AcpiRoot root;
  root.rsdp_address = PhysAddr(address);
  Bytes v1 = MOS_TRY(read(reader, address, detail::kRsdpV1Size, "RSDP is not readable"));
  if (auto checked = detail::check_rsdp_v1(v1, root); !checked) {
    return malformed(checked.error(), address);
  }
  if (root.revision >= 2) {
    Bytes v2 = MOS_TRY(read(reader, address, detail::kRsdpV2Size, "RSDP is not readable"));
    std::uint32_t length = detail::rsdp_length(v2);
    if (length < detail::kRsdpV2Size || length > kMaxRsdpLength) {
      return malformed("RSDP length is not between 36 and 4096", address + 20);
    }
    Bytes whole = MOS_TRY(read(reader, address, length, "RSDP is not readable"));
    if (auto checked = detail::check_rsdp_v2(whole, root); !checked) {
      return malformed(checked.error(), address);
    }
  }
  info.acpi = root;
  return {};
}

// Fills `info`; on error `info` holds a partial result the caller drops.
Result<void, BootInfoError> parse_into(PhysAddr where, PhysicalReader reader,
                                       BootInfo& info) noexcept {
  Bytes start =
      MOS_TRY(read(reader, where.value(), kStartInfoV0Size, "start info is not readable"));
  if (load_u32(start, kMagicOffset) != kPvhStartInfoMagic) {
    return malformed("magic is not 0x336ec578", where.value());
  }
  // "New versions are guaranteed to be backwards-compatible", so a later version is read as 1.
  std::uint32_t version = load_u32(start, kVersionOffset);
  std::uint64_t size = version >= 1 ? kStartInfoV1Size : kStartInfoV0Size;
  start = MOS_TRY(read(reader, where.value(), size, "start info is not readable"));

  info.protocol = BootInfo::Protocol::Pvh;
  info.info_start = where;
  info.info_end = where + size;

  // Work on a copy: the reads below may replace the mapping behind `start`.
  std::byte fixed[kStartInfoV1Size] = {};
  for (std::size_t i = 0; i < start.size(); ++i) fixed[i] = start[i];
  start = Bytes(fixed, start.size());

  MOS_TRY(parse_command_line(reader, load_u64(start, kCommandLineOffset), info));
  MOS_TRY(parse_modules(reader, start, where, info));
  if (version >= 1) MOS_TRY(parse_memory_map(reader, start, where, info));
  MOS_TRY(parse_rsdp(reader, load_u64(start, kRsdpOffset), info));
  return {};
}

}  // namespace

Result<BootInfo, BootInfoError> parse_pvh(PhysAddr start_info_address,
                                          PhysicalReader reader) noexcept {
  // Built in place, as for Multiboot2: a BootInfo is several KiB.
  Result<BootInfo, BootInfoError> result;
  if (auto parsed = parse_into(start_info_address, reader, *result); !parsed) {
    result = parsed.error();
  }
  return result;
}

}  // namespace mos::x86_64
