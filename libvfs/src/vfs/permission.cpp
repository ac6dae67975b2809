#include <vfs/permission.hpp>

namespace mos::vfs {

Result<void> check_access(const Credentials& credentials, const Attributes& attributes,
                          std::uint32_t wanted) noexcept {
  wanted &= access_mode::kRead | access_mode::kWrite | access_mode::kExecute;
  if (credentials.is_root()) {
    // Root searches every directory and reads and writes everything, but executes a file only
    // if someone may.
    const bool executes_file = (wanted & access_mode::kExecute) != 0 &&
                               type_of(attributes.mode) != FileType::Directory;
    if (executes_file && (attributes.mode & 0111) == 0) return Error::AccessDenied;
    return {};
  }
  std::uint32_t granted;
  if (credentials.uid == attributes.uid) {
    granted = (attributes.mode >> 6) & 7;
  } else if (credentials.in_group(attributes.gid)) {
    granted = (attributes.mode >> 3) & 7;
  } else {
    granted = attributes.mode & 7;
  }
  if ((granted & wanted) != wanted) return Error::AccessDenied;
  return {};
}

Result<void> check_owner(const Credentials& credentials, const Attributes& attributes) noexcept {
  if (credentials.is_root() || credentials.uid == attributes.uid) return {};
  return Error::NotPermitted;
}

Result<void> check_sticky(const Credentials& credentials, const Attributes& directory,
                          const Attributes& entry) noexcept {
  if ((directory.mode & kSticky) == 0 || credentials.is_root()) return {};
  if (credentials.uid == entry.uid || credentials.uid == directory.uid) return {};
  return Error::NotPermitted;
}

Result<void> check_create_in_sticky(const Credentials& credentials, const Attributes& directory,
                                    const Attributes& existing) noexcept {
  const FileType type = type_of(existing.mode);
  if (type == FileType::Fifo || type == FileType::Regular) return {};
  if ((directory.mode & kSticky) == 0 || (directory.mode & 0002) == 0) return {};
  if (existing.uid == directory.uid || credentials.uid == existing.uid) return {};
  return Error::AccessDenied;
}

Mode mode_after_write(const Credentials& credentials, const Attributes& attributes) noexcept {
  Mode mode = attributes.mode;
  if (credentials.is_root() || type_of(mode) != FileType::Regular) return mode;
  mode &= ~kSetUid;
  if ((mode & 0010) != 0 || !credentials.in_group(attributes.gid)) mode &= ~kSetGid;
  return mode;
}

Result<void> check_may_link(const Credentials& credentials, const Attributes& target) noexcept {
  if (credentials.is_root() || credentials.uid == target.uid) return {};
  if (type_of(target.mode) != FileType::Regular) return Error::NotPermitted;
  if ((target.mode & kSetUid) != 0) return Error::NotPermitted;
  if ((target.mode & (kSetGid | 0010)) == (kSetGid | 0010)) return Error::NotPermitted;
  if (!check_access(credentials, target, access_mode::kRead | access_mode::kWrite)) {
    return Error::NotPermitted;
  }
  return {};
}

}  // namespace mos::vfs
