// The Multiboot2 boot information parser. [multiboot2] 3.6
//
// The block is a header {u32 total_size, u32 reserved} followed by 8-byte aligned tags
// {u32 type, u32 size, payload}, the last one the end tag {0, 8}. Every length read from the
// block is checked against the bytes that remain before it is used.

#include <x86_64/boot_protocols.hpp>

#include "boot_parsing.hpp"

namespace mos::x86_64 {
namespace {

using detail::load_u32;
using detail::load_u64;
using detail::load_u8;

using Bytes = std::span<const std::byte>;

// Tag types. [multiboot2] 3.6.2 - 3.6.18
constexpr std::uint32_t kTagEnd = 0;
constexpr std::uint32_t kTagCommandLine = 1;
constexpr std::uint32_t kTagLoaderName = 2;
constexpr std::uint32_t kTagModule = 3;
constexpr std::uint32_t kTagMemoryMap = 6;
constexpr std::uint32_t kTagFramebuffer = 8;
constexpr std::uint32_t kTagAcpiOld = 14;
constexpr std::uint32_t kTagAcpiNew = 15;

constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kTagHeaderSize = 8;
constexpr std::size_t kTagAlignment = 8;
constexpr std::size_t kModuleFixedSize = 16;       // Header, mod_start, mod_end. 3.6.6
constexpr std::size_t kMemoryMapFixedSize = 16;    // Header, entry_size, entry_version. 3.6.8
constexpr std::size_t kMemoryMapEntrySize = 24;    // base, length, type, reserved.
constexpr std::size_t kFramebufferFixedSize = 31;  // Through the reserved byte. 3.6.12

BootInfoError malformed(std::string_view what, std::uint64_t offset) noexcept {
  return {Error::BadMessage, what, offset, BootInfo::Protocol::Multiboot2};
}

BootInfoError no_room(std::string_view what, std::uint64_t offset) noexcept {
  return {Error::NoBufferSpace, what, offset, BootInfo::Protocol::Multiboot2};
}

// One tag: its type, its offset in the block, and its bytes including the header.
struct Tag {
  std::uint32_t type;
  std::size_t offset;
  Bytes bytes;
};

// Which single-instance tags were met, so that a second one is reported instead of silently
// overriding (or, for the memory map, doubling) the first.
struct Seen {
  bool command_line = false;
  bool loader_name = false;
  bool memory_map = false;
  bool framebuffer = false;
  bool acpi_old = false;
  bool acpi_new = false;
};

Result<void, BootInfoError> mark_seen(bool& seen, const Tag& tag) noexcept {
  if (seen) return malformed("tag type appears more than once", tag.offset);
  seen = true;
  return {};
}

// The NUL-terminated string that starts at `from` in the tag, without its NUL.
Result<std::string_view, BootInfoError> tag_string(const Tag& tag, std::size_t from) noexcept {
  for (std::size_t i = from; i < tag.bytes.size(); ++i) {
    if (tag.bytes[i] == std::byte{0}) {
      return std::string_view(reinterpret_cast<const char*>(tag.bytes.data() + from), i - from);
    }
  }
  return malformed("string is not NUL-terminated within its tag", tag.offset + from);
}

Result<void, BootInfoError> parse_command_line(const Tag& tag, BootInfo& info) noexcept {
  std::string_view text = MOS_TRY(tag_string(tag, kTagHeaderSize));
  // A cut command line would silently drop options, so it is an error, unlike a cut name.
  if (!info.command_line.assign(text)) {
    return no_room("command line is longer than BootInfo holds", tag.offset + kTagHeaderSize);
  }
  return {};
}

Result<void, BootInfoError> parse_loader_name(const Tag& tag, BootInfo& info) noexcept {
  std::string_view text = MOS_TRY(tag_string(tag, kTagHeaderSize));
  (void)info.loader_name.assign(text);
  return {};
}

// [multiboot2] 3.6.6
Result<void, BootInfoError> parse_module(const Tag& tag, BootInfo& info) noexcept {
  if (tag.bytes.size() < kModuleFixedSize) {
    return malformed("module tag is shorter than its fixed fields", tag.offset);
  }
  std::uint32_t start = load_u32(tag.bytes, 8);
  std::uint32_t end = load_u32(tag.bytes, 12);
  if (end < start) return malformed("module ends before it starts", tag.offset + 12);
  std::string_view text = MOS_TRY(tag_string(tag, kModuleFixedSize));
  if (info.modules.full()) return no_room("more modules than BootInfo holds", tag.offset);
  BootModule module;
  module.start = PhysAddr(start);
  module.end = PhysAddr(end);
  (void)module.command_line.assign(text);
  (void)info.modules.push_back(module);
  return {};
}

// [multiboot2] 3.6.8
Result<void, BootInfoError> parse_memory_map(const Tag& tag, BootInfo& info) noexcept {
  if (tag.bytes.size() < kMemoryMapFixedSize) {
    return malformed("memory-map tag is shorter than its fixed fields", tag.offset);
  }
  std::uint32_t entry_size = load_u32(tag.bytes, 8);
  // entry_version (offset 12) is 0 today; later versions only append fields, which entry_size
  // lets us step over.
  if (entry_size < kMemoryMapEntrySize) {
    return malformed("memory-map entry_size is smaller than 24", tag.offset + 8);
  }
  if (entry_size % 8 != 0) {
    return malformed("memory-map entry_size is not a multiple of 8", tag.offset + 8);
  }
  std::size_t entries_bytes = tag.bytes.size() - kMemoryMapFixedSize;
  if (entries_bytes % entry_size != 0) {
    return malformed("memory-map entries do not fill the tag exactly", tag.offset);
  }
  for (std::size_t at = kMemoryMapFixedSize; at < tag.bytes.size(); at += entry_size) {
    MemoryRegion region;
    region.base = PhysAddr(load_u64(tag.bytes, at));
    region.length = load_u64(tag.bytes, at + 8);
    region.kind = detail::region_kind(load_u32(tag.bytes, at + 16));
    if (detail::range_wraps(region.base.value(), region.length)) {
      return malformed("memory region runs past the end of the address space", tag.offset + at);
    }
    // An empty region describes nothing (QEMU's PVH map ends with one); leave it out.
    if (region.length == 0) continue;
    if (!info.memory_map.push_back(region)) {
      return no_room("more memory regions than BootInfo holds", tag.offset + at);
    }
  }
  return {};
}

// [multiboot2] 3.6.12. The colour information after the fixed fields is not kept: BootInfo has
// no place for it, and the console only uses 32-bit RGB modes it knows.
Result<void, BootInfoError> parse_framebuffer(const Tag& tag, BootInfo& info) noexcept {
  if (tag.bytes.size() < kFramebufferFixedSize) {
    return malformed("framebuffer tag is shorter than its fixed fields", tag.offset);
  }
  Framebuffer fb;
  fb.address = PhysAddr(load_u64(tag.bytes, 8));
  fb.pitch = load_u32(tag.bytes, 16);
  fb.width = load_u32(tag.bytes, 20);
  fb.height = load_u32(tag.bytes, 24);
  fb.bits_per_pixel = load_u8(tag.bytes, 28);
  switch (load_u8(tag.bytes, 29)) {
    case 0:
      fb.kind = Framebuffer::Kind::Indexed;
      break;
    case 1:
      fb.kind = Framebuffer::Kind::Rgb;
      break;
    case 2:
      fb.kind = Framebuffer::Kind::EgaText;
      break;
    default:
      return malformed("framebuffer type is not 0, 1 or 2", tag.offset + 29);
  }
  info.framebuffer = fb;
  return {};
}

// [multiboot2] 3.6.16: a copy of an ACPI 1.0 RSDP. Only the RSDT is known from it, so the root
// says revision 0 even when the firmware's RSDP is newer (the new-RSDP tag then also exists).
Result<void, BootInfoError> parse_acpi_old(const Tag& tag, BootInfo& info) noexcept {
  Bytes rsdp = tag.bytes.subspan(kTagHeaderSize);
  std::uint64_t at = tag.offset + kTagHeaderSize;
  if (rsdp.size() < detail::kRsdpV1Size) {
    return malformed("old-RSDP tag is shorter than an ACPI 1.0 RSDP", tag.offset);
  }
  AcpiRoot root;
  if (auto checked = detail::check_rsdp_v1(rsdp, root); !checked) {
    return malformed(checked.error(), at);
  }
  root.revision = 0;
  // A new-RSDP tag says more; keep it whichever order the tags come in.
  if (!info.acpi) info.acpi = root;
  return {};
}

// [multiboot2] 3.6.17: a copy of an ACPI 2.0+ RSDP, all `length` bytes of it.
Result<void, BootInfoError> parse_acpi_new(const Tag& tag, BootInfo& info) noexcept {
  Bytes rsdp = tag.bytes.subspan(kTagHeaderSize);
  std::uint64_t at = tag.offset + kTagHeaderSize;
  if (rsdp.size() < detail::kRsdpV2Size) {
    return malformed("new-RSDP tag is shorter than an ACPI 2.0 RSDP", tag.offset);
  }
  AcpiRoot root;
  if (auto checked = detail::check_rsdp_v1(rsdp, root); !checked) {
    return malformed(checked.error(), at);
  }
  if (root.revision < 2) return malformed("new-RSDP tag holds an ACPI 1.0 RSDP", at + 15);
  std::uint32_t length = detail::rsdp_length(rsdp);
  if (length < detail::kRsdpV2Size) return malformed("RSDP length is smaller than 36", at + 20);
  if (length > rsdp.size()) return malformed("RSDP length runs past the end of its tag", at + 20);
  if (auto checked = detail::check_rsdp_v2(rsdp.first(length), root); !checked) {
    return malformed(checked.error(), at);
  }
  info.acpi = root;
  return {};
}

Result<void, BootInfoError> parse_tag(const Tag& tag, BootInfo& info, Seen& seen) noexcept {
  switch (tag.type) {
    case kTagCommandLine:
      MOS_TRY(mark_seen(seen.command_line, tag));
      return parse_command_line(tag, info);
    case kTagLoaderName:
      MOS_TRY(mark_seen(seen.loader_name, tag));
      return parse_loader_name(tag, info);
    case kTagModule:
      return parse_module(tag, info);
    case kTagMemoryMap:
      MOS_TRY(mark_seen(seen.memory_map, tag));
      return parse_memory_map(tag, info);
    case kTagFramebuffer:
      MOS_TRY(mark_seen(seen.framebuffer, tag));
      return parse_framebuffer(tag, info);
    case kTagAcpiOld:
      MOS_TRY(mark_seen(seen.acpi_old, tag));
      return parse_acpi_old(tag, info);
    case kTagAcpiNew:
      MOS_TRY(mark_seen(seen.acpi_new, tag));
      return parse_acpi_new(tag, info);
    default:
      // Basic meminfo (4) says less than the memory map; other tags are not needed (yet).
      return {};
  }
}

// Fills `info` from the block; on error `info` holds a partial result the caller drops.
Result<void, BootInfoError> parse_into(Bytes block, PhysAddr block_address,
                                       BootInfo& info) noexcept {
  if (block.size() < kHeaderSize) return malformed("block is smaller than its 8-byte header", 0);
  std::uint32_t total_size = load_u32(block, 0);
  if (total_size < kHeaderSize + kTagHeaderSize) {
    return malformed("total_size is smaller than the header and an end tag", 0);
  }
  if (total_size > block.size()) return malformed("total_size is larger than the block", 0);
  if (detail::range_wraps(block_address.value(), total_size)) {
    return malformed("block runs past the end of the address space", 0);
  }
  block = block.first(total_size);
  info.protocol = BootInfo::Protocol::Multiboot2;
  info.info_start = block_address;
  info.info_end = block_address + total_size;

  Seen seen;
  std::size_t offset = kHeaderSize;
  for (;;) {
    if (offset > block.size() || block.size() - offset < kTagHeaderSize) {
      return malformed("no end tag before total_size",
                       offset < block.size() ? offset : block.size());
    }
    std::uint32_t type = load_u32(block, offset);
    std::uint32_t size = load_u32(block, offset + 4);
    if (size < kTagHeaderSize) {
      return malformed("tag size is smaller than its 8-byte header", offset);
    }
    if (size > block.size() - offset) {
      return malformed("tag runs past the end of the block", offset);
    }
    Tag tag{type, offset, block.subspan(offset, size)};
    if (type == kTagEnd) {
      if (size != kTagHeaderSize) return malformed("end tag size is not 8", offset);
      return {};
    }
    MOS_TRY(parse_tag(tag, info, seen));
    // Cannot overflow: size is at most total_size, itself a 32-bit value.
    offset += align_up(size, kTagAlignment);
  }
}

}  // namespace

Result<BootInfo, BootInfoError> parse_multiboot2(std::span<const std::byte> block,
                                                 PhysAddr block_address) noexcept {
  // The BootInfo is built in the Result itself: it is several KiB, and early kernel stacks are
  // small, so it must not be built elsewhere and then copied.
  Result<BootInfo, BootInfoError> result;
  if (auto parsed = parse_into(block, block_address, *result); !parsed) result = parsed.error();
  return result;
}

Result<BootInfo, BootInfoError> parse_multiboot2(PhysAddr block_address,
                                                 PhysicalReader reader) noexcept {
  Result<std::span<const std::byte>> header = reader.read(block_address, kHeaderSize);
  if (!header) {
    return BootInfoError{header.error(), "block header is not readable", 0,
                         BootInfo::Protocol::Multiboot2};
  }
  std::uint32_t total_size = load_u32(*header, 0);
  if (total_size < kHeaderSize + kTagHeaderSize) {
    return malformed("total_size is smaller than the header and an end tag", 0);
  }
  if (total_size > kMaxMultiboot2Size) {
    return malformed("total_size is larger than the parser accepts", 0);
  }
  Result<std::span<const std::byte>> block = reader.read(block_address, total_size);
  if (!block) {
    return BootInfoError{block.error(), "block is not readable up to total_size", 0,
                         BootInfo::Protocol::Multiboot2};
  }
  return parse_multiboot2(*block, block_address);
}

}  // namespace mos::x86_64
