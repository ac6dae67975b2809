// pipe(2): a FIFO node on a tmpfs that belongs to the VFS and sits in no namespace, opened once
// for reading and once for writing, then unlinked: the two open files share the FIFO's pipe,
// and nothing else can ever open it.
#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <k/format.hpp>

namespace mos::vfs {

Result<Vfs::PipeEnds> Vfs::open_pipe(const Credentials& credentials, std::uint32_t flags) noexcept {
  using namespace open_flags;
  if ((flags & ~(kNonBlocking | kCloseOnExec)) != 0) return Error::InvalidArgument;
  Context context;
  char name[32];
  std::size_t name_length = 0;
  {
    sched::MutexGuard guard(lock_);
    if (!pipe_mount_) {
      RefPtr<TmpFs> file_system = MOS_TRY(TmpFs::create());
      RefPtr<Dentry> root = MOS_TRY(new_dentry(nullptr, "/", file_system->root()));
      Name source = MOS_TRY(Name::copy("pipefs"));
      auto* mount = new (std::nothrow)
          Mount(static_cast<RefPtr<TmpFs>&&>(file_system), static_cast<RefPtr<Dentry>&&>(root),
                static_cast<Name&&>(source), 0);
      if (mount == nullptr) return Error::NoMemory;
      pipe_mount_ = RefPtr<Mount>::adopt(mount);
    }
    context.root = Path(pipe_mount_, RefPtr<Dentry>(&pipe_mount_->root()));
    context.cwd = context.root;
    name_length = format_to_buffer(std::span<char>(name, sizeof name), "pipe:{}", ++pipes_made_);
  }
  context.credentials = credentials;
  context.credentials.uid = 0;  // The pipe's node is the VFS's, not the caller's.
  context.credentials.gid = 0;
  context.credentials.groups = {};
  const std::string_view node(name, name_length);
  MOS_TRY(make_node(context, node, mode_of(FileType::Fifo, 0600)));
  // Opening the reading end first, without waiting, lets the writing end open at once.
  auto read_end = open(context, node, kReadOnly | kNonBlocking, 0);
  auto write_end = read_end ? open(context, node, kWriteOnly | kNonBlocking, 0)
                            : Result<RefPtr<OpenFile>>(read_end.error());
  (void)unlink(context, node);
  if (!read_end) return read_end.error();
  if (!write_end) return write_end.error();
  const std::uint32_t blocking = flags & kNonBlocking;
  (*read_end)->set_status_flags(blocking);
  (*write_end)->set_status_flags(blocking);
  return PipeEnds{static_cast<RefPtr<OpenFile>&&>(*read_end),
                  static_cast<RefPtr<OpenFile>&&>(*write_end)};
}

}  // namespace mos::vfs
