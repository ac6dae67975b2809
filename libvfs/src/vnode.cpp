// The defaults of Vnode's operations: what a file system that does not implement one says, by
// the vnode's type (so that, e.g., reading a directory is EISDIR and looking up in a file is
// ENOTDIR, whichever file system it is).
#include <vfs/file_system.hpp>
#include <vfs/vnode.hpp>

namespace mos::vfs {

Vnode::Vnode(FileSystem& file_system, std::uint64_t inode, const Attributes& attributes) noexcept
    : file_system_(file_system), inode_(inode), type_(type_of(attributes.mode)),
      attributes_(attributes) {}

Vnode::~Vnode() = default;

namespace {

// What a directory operation on something else says.
Error not_a_directory_error() noexcept { return Error::NotDirectory; }

}  // namespace

Result<RefPtr<Vnode>> Vnode::lookup(std::string_view) noexcept {
  return is_directory() ? Error::NoEntry : not_a_directory_error();
}
Result<RefPtr<Vnode>> Vnode::create(std::string_view, const NodeSpec&) noexcept {
  return is_directory() ? Error::NotSupported : not_a_directory_error();
}
Result<void> Vnode::link(std::string_view, Vnode&, Timespec) noexcept {
  return is_directory() ? Error::NotSupported : not_a_directory_error();
}
Result<void> Vnode::unlink(std::string_view, Vnode&, Timespec) noexcept {
  return is_directory() ? Error::NotSupported : not_a_directory_error();
}
Result<void> Vnode::rename(std::string_view, Vnode&, Vnode&, std::string_view, Vnode*,
                           Timespec) noexcept {
  return is_directory() ? Error::NotSupported : not_a_directory_error();
}
Result<bool> Vnode::is_empty() noexcept {
  if (!is_directory()) return not_a_directory_error();
  return true;
}
Result<void> Vnode::read_directory(std::uint64_t&, DirectorySink&) noexcept {
  return is_directory() ? Result<void>{} : Result<void>{not_a_directory_error()};
}
Result<std::size_t> Vnode::read(std::uint64_t, std::span<std::byte>) noexcept {
  return is_directory() ? Error::IsDirectory : Error::InvalidArgument;
}
Result<std::size_t> Vnode::write(std::uint64_t, std::span<const std::byte>) noexcept {
  return is_directory() ? Error::IsDirectory : Error::InvalidArgument;
}
Result<void> Vnode::resize(std::uint64_t) noexcept {
  return is_directory() ? Error::IsDirectory : Error::InvalidArgument;
}
Result<std::size_t> Vnode::read_link(std::span<char>) noexcept { return Error::InvalidArgument; }

}  // namespace mos::vfs
