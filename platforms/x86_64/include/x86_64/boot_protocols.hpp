#pragma once
/// Parsers for the two ways an x86_64 loader hands over: Multiboot2 (GRUB) and PVH (a VMM's
/// direct kernel boot, Xen's hvm_start_info). Each turns the loader's structures into a
/// mos::BootInfo. Every byte is untrusted: a malformed structure gives a BootInfoError naming the
/// problem and where it lies, never a crash or a read outside what the caller handed in. Plain
/// portable code: it builds in the kernel and on the host, where tests feed it built, captured
/// and corrupted blocks.

#include <k/address.hpp>
#include <k/boot_info.hpp>
#include <k/error.hpp>
#include <k/format.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace mos::x86_64 {

/// What eax holds when a Multiboot2 loader enters the kernel ([multiboot2] 3.3).
inline constexpr std::uint32_t kMultiboot2LoaderMagic = 0x36d76289;

/// The first field of a PVH start info ([xen] arch-x86/hvm/start_info.h).
inline constexpr std::uint32_t kPvhStartInfoMagic = 0x336ec578;

/// Why a boot information structure was rejected.
struct BootInfoError {
  /// Error::BadMessage for a malformed structure, Error::NoBufferSpace for more than BootInfo
  /// holds, or the PhysicalReader's error for memory it could not read.
  Error code = Error::BadMessage;
  /// A static sentence naming the problem, e.g. "tag runs past the end of the block".
  std::string_view what;
  /// Where the problem lies: for Multiboot2 a byte offset in the block, for PVH a physical
  /// address (the data is spread over several places there).
  std::uint64_t offset = 0;
  /// Which parser rejected it, so that the message says what `offset` means.
  BootInfo::Protocol protocol = BootInfo::Protocol::Multiboot2;
};

/// A callable object that reads physical memory: `(PhysAddr, std::uint64_t length) noexcept` to
/// a Result of the bytes. (A plain function has no object to refer to; wrap it in a lambda.)
template <class F>
concept PhysicalReadFunction =
    !std::is_function_v<F> && std::is_nothrow_invocable_r_v<Result<std::span<const std::byte>>,
                                                            const F&, PhysAddr, std::uint64_t>;

/// Read access to physical memory for the parsers, as a non-owning function reference (no
/// allocation, no std::function). The kernel backs it with the early direct map; tests with a
/// simulated RAM buffer. A read returns exactly `length` bytes at `address`, valid until the
/// parser returns, or an error (normally Error::BadAddress) when any of them is not readable.
class PhysicalReader {
 public:
  /// The reading function; `context` is what the reader was created with.
  using Function = Result<std::span<const std::byte>> (*)(const void* context, PhysAddr address,
                                                          std::uint64_t length) noexcept;

  /// Reads through `function`, passing `context` along.
  constexpr PhysicalReader(Function function, const void* context) noexcept
      : function_(function), context_(context) {}

  /// Refers to `callable` (a lambda, say), which must outlive the reader: pass a lambda straight
  /// into a parse call, or keep it in a named variable.
  template <PhysicalReadFunction F>
  constexpr PhysicalReader(const F& callable) noexcept  // NOLINT: implicit like a function_ref
      : function_([](const void* context, PhysAddr address, std::uint64_t length) noexcept {
          return (*static_cast<const F*>(context))(address, length);
        }),
        context_(&callable) {}

  /// Reads `length` bytes at `address`. A reader that answers with a span of another size is
  /// treated as failing (Error::Io), so that a parser never trusts more bytes than it asked for.
  Result<std::span<const std::byte>> read(PhysAddr address, std::uint64_t length) const noexcept {
    Result<std::span<const std::byte>> bytes = function_(context_, address, length);
    if (bytes.has_value() && bytes->size() != length) return Error::Io;
    return bytes;
  }

 private:
  Function function_;
  const void* context_;
};

/// The largest Multiboot2 block the reader form accepts; GRUB's are a few KiB.
inline constexpr std::uint32_t kMaxMultiboot2Size = 1024 * 1024;

/// Parses a Multiboot2 boot information block that the caller has mapped as `block`; the block
/// lies at physical address `block_address` (recorded as BootInfo::info_start/info_end).
/// `block` may extend past the block's total_size. Strings are copied (module and loader names
/// may be truncated; a command line that does not fit is an error); module contents are not
/// read. From an old-RSDP tag only the RSDT is known, so AcpiRoot::revision is 0 then; a
/// new-RSDP tag wins over an old one. [multiboot2] 3.6
Result<BootInfo, BootInfoError> parse_multiboot2(std::span<const std::byte> block,
                                                 PhysAddr block_address) noexcept;

/// Like the span form, reading the block at `block_address` through `reader`: first its header,
/// then total_size bytes (at most kMaxMultiboot2Size).
Result<BootInfo, BootInfoError> parse_multiboot2(PhysAddr block_address,
                                                 PhysicalReader reader) noexcept;

/// How far the PVH parser looks for the NUL that ends a string (a command line).
inline constexpr std::uint64_t kMaxPvhStringBytes = 4096;

/// Parses a PVH start info at physical address `start_info_address`, reading it and everything
/// it points to (module list, memory map, strings, RSDP) through `reader`. BootInfo::info_start
/// and info_end cover the start info structure itself. A version 0 start info has no memory map;
/// the BootInfo's map is then empty and the caller must find one elsewhere. Strings are looked
/// for up to kMaxPvhStringBytes. [xen] arch-x86/hvm/start_info.h
Result<BootInfo, BootInfoError> parse_pvh(PhysAddr start_info_address,
                                          PhysicalReader reader) noexcept;

}  // namespace mos::x86_64

namespace mos {

/// Prints e.g. "malformed multiboot2 info at offset 0x48: tag runs past the end of the block
/// (EBADMSG)", or "... PVH start info at address 0x...: ..." for PVH.
template <>
struct Formatter<x86_64::BootInfoError> {
  static void format(OutputSink& sink, const x86_64::BootInfoError& e, const FormatSpec&) noexcept {
    std::string_view adjective = e.code == Error::BadMessage ? "malformed " : "";
    if (e.protocol == BootInfo::Protocol::Multiboot2) {
      format_to(sink, "{}multiboot2 info at offset {:#x}: {} ({})", adjective, e.offset, e.what,
                e.code);
    } else {
      format_to(sink, "{}PVH start info at address {:#x}: {} ({})", adjective, e.offset, e.what,
                e.code);
    }
  }
};

}  // namespace mos
