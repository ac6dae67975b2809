#pragma once
/// POSIX permission checks on mode bits, owner, group and supplementary groups, with root's
/// exceptions (Linux's generic_permission with CAP_DAC_OVERRIDE and CAP_FOWNER for uid 0).

#include <vfs/types.hpp>
#include <vfs/vnode.hpp>

#include <k/fixed_vector.hpp>
#include <k/result.hpp>

#include <cstdint>

namespace mos::vfs {

/// Whether `credentials` may access a file with `attributes` for `wanted` (access_mode bits:
/// read, write, execute/search). Root may do anything, except execute a non-directory that has
/// no execute bit at all. Error::AccessDenied.
Result<void> check_access(const Credentials& credentials, const Attributes& attributes,
                          std::uint32_t wanted) noexcept;

/// Whether `credentials` owns the file or is root (what chmod, utimens with explicit times and
/// the sticky-bit rule need). Error::NotPermitted.
Result<void> check_owner(const Credentials& credentials, const Attributes& attributes) noexcept;

/// The sticky-directory rule: in a directory with the sticky bit, only the owner of an entry,
/// the owner of the directory or root may remove or rename it. Error::NotPermitted.
Result<void> check_sticky(const Credentials& credentials, const Attributes& directory,
                          const Attributes& entry) noexcept;

/// Linux's may_create_in_sticky, for open(O_CREAT) of a name that exists: in a sticky,
/// world-writable directory, an existing file owned by neither the caller nor the directory's
/// owner may not be opened that way (Error::AccessDenied), root included. FIFOs and regular
/// files are exempt, as with Linux's fs.protected_fifos and fs.protected_regular at 0 (libvfs
/// does not implement those protections).
Result<void> check_create_in_sticky(const Credentials& credentials, const Attributes& directory,
                                    const Attributes& existing) noexcept;

/// The mode a regular file keeps when `credentials` write or truncate it (Linux's
/// file_remove_privs): an unprivileged writer drops setuid, and setgid when the file's group may
/// execute it or the writer is not in the file's group. Root keeps both; other types keep all.
Mode mode_after_write(const Credentials& credentials, const Attributes& attributes) noexcept;

/// Linux's fs.protected_hardlinks (on in Debian): besides root and the owner, only a caller who
/// may read and write a regular file that is neither setuid nor setgid-executable may link to
/// it. Error::NotPermitted.
Result<void> check_may_link(const Credentials& credentials, const Attributes& target) noexcept;

/// A copy of credentials that an open file keeps (the opener's: Linux's f_cred), for the checks
/// its writes make. Up to kGroups supplementary groups are kept; beyond, the writer counts as
/// outside the others (which can only drop a setgid bit more often, never keep one wrongly).
class KeptCredentials {
 public:
  static constexpr std::size_t kGroups = 32;
  KeptCredentials() noexcept = default;
  explicit KeptCredentials(const Credentials& c) noexcept : uid_(c.uid), gid_(c.gid) {
    for (std::uint32_t g : c.groups) {
      if (!groups_.push_back(g)) break;
    }
  }
  Credentials view() const noexcept {
    return {uid_, gid_, std::span<const std::uint32_t>(groups_.data(), groups_.size())};
  }

 private:
  std::uint32_t uid_ = 0;
  std::uint32_t gid_ = 0;
  FixedVector<std::uint32_t, kGroups> groups_;
};

}  // namespace mos::vfs
