#pragma once
/// The initramfs: a cpio newc archive (a GRUB module, or linked into the image) unpacked into
/// the namespace at boot, as Linux unpacks its initramfs into rootfs: directories, regular files
/// with their contents, symlinks, hard links, FIFOs, sockets and device nodes, each with its
/// mode, owner and modification time. An entry may replace an earlier one of another type (so
/// archives can be layered); a directory that exists already is kept and takes the entry's
/// attributes.
///
/// A malformed archive, or an entry the file system refuses (no space, a missing parent),
/// stops the unpacking with a CpioError that names the entry: what was unpacked before it stays.

#include <vfs/cpio.hpp>
#include <vfs/vfs.hpp>

#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::vfs {

/// What unpacking made.
struct InitramfsStats {
  std::size_t directories = 0;
  std::size_t files = 0;
  std::size_t symlinks = 0;
  std::size_t hard_links = 0;
  std::size_t nodes = 0;  ///< FIFOs, sockets and device nodes.
  std::uint64_t bytes = 0;  ///< File contents written.
};

/// Unpacks `archive` into `vfs` below `at` (the root unless given), as root with umask 0.
Result<InitramfsStats, CpioError> unpack_initramfs(Vfs& vfs, std::span<const std::byte> archive,
                                                   const Path* at = nullptr) noexcept;

/// The initramfs linked into the image (an image's `'initramfs': {'embed': true}`, through
/// tools/make_initramfs.py --embed-asm), or an empty span when the image has none.
std::span<const std::byte> embedded_initramfs() noexcept;

}  // namespace mos::vfs
