// Open FIFOs: every opener of the node shares the node's pipe; opening waits for the other end
// unless O_NONBLOCK (POSIX), and the pipe goes with the last opener.
#include "files.hpp"

#include <vfs/vfs.hpp>

#include <ipc/pipe.hpp>
#include <ipc/poll.hpp>

#include <new>

namespace mos::vfs {
namespace {

using namespace open_flags;

class FifoFile final : public OpenFile {
 public:
  using OpenFile::write;
  using OpenFile::write_at;
  FifoFile(Vfs& vfs, Path path, std::uint32_t flags, const Credentials& opener,
           RefPtr<ipc::Pipe> pipe, ipc::Rights rights) noexcept
      : OpenFile(vfs, static_cast<Path&&>(path), flags, opener), pipe_(static_cast<RefPtr<ipc::Pipe>&&>(pipe)),
        end_(pipe_, rights) {}

  ~FifoFile() override {
    Fifo& fifo = vnode().fifo();
    sched::MutexGuard guard(fifo.lock);
    end_.close();
    if (pipe_->readers() == 0 && pipe_->writers() == 0 && fifo.pipe == pipe_) fifo.pipe.reset();
  }

  Result<std::size_t> read(std::span<std::byte> out) noexcept override {
    if (!readable()) return Error::BadFileDescriptor;
    return pipe_->read(out, blocking());
  }
  Result<std::size_t> write(std::span<const std::byte> data, const Credentials&) noexcept override {
    if (!writable()) return Error::BadFileDescriptor;
    return pipe_->write(data, blocking());
  }
  // Linux's system calls refuse a negative offset or an unknown whence before asking the file.
  Result<std::size_t> read_at(std::int64_t offset, std::span<std::byte>) noexcept override {
    return offset < 0 ? Error::InvalidArgument : Error::IllegalSeek;
  }
  Result<std::size_t> write_at(std::int64_t offset, std::span<const std::byte>,
                                       const Credentials&) noexcept override {
    return offset < 0 ? Error::InvalidArgument : Error::IllegalSeek;
  }
  Result<std::int64_t> seek(std::int64_t, Whence whence) noexcept override {
    return valid_whence(whence) ? Error::IllegalSeek : Error::InvalidArgument;
  }
  ipc::PollEvents poll() noexcept override {
    ipc::PollItem item{pipe_.get(), watched(), ipc::PollEvents::None};
    (void)ipc::poll(std::span(&item, 1), sched::Deadline::at(0));
    return item.revents;
  }
  ipc::IpcObject* poll_object() noexcept override { return pipe_.get(); }

 private:
  ipc::Blocking blocking() const noexcept {
    return non_blocking() ? ipc::Blocking::No : ipc::Blocking::Yes;
  }
  ipc::PollEvents watched() const noexcept {
    ipc::PollEvents events = ipc::PollEvents::None;
    if (readable()) events = events | ipc::PollEvents::Readable;
    if (writable()) events = events | ipc::PollEvents::Writable;
    return events;
  }

  RefPtr<ipc::Pipe> pipe_;
  ipc::Endpoint end_;
};

}  // namespace

Result<RefPtr<OpenFile>> open_fifo(Vfs& vfs, Path path, std::uint32_t flags,
                                   const Credentials& opener) noexcept {
  Fifo& fifo = path.vnode().fifo();
  const std::uint32_t access = flags & kAccessMode;
  const bool reads = access == kReadOnly || access == kReadWrite;
  const bool writes = access == kWriteOnly || access == kReadWrite;
  const bool non_blocking = (flags & kNonBlocking) != 0;
  sched::MutexGuard guard(fifo.lock);
  if (!fifo.pipe) {
    fifo.pipe = MOS_TRY(ipc::Pipe::create());
  }
  RefPtr<ipc::Pipe> pipe = fifo.pipe;
  // A writer that may not wait needs a reader there already (ENXIO, as POSIX says).
  if (writes && !reads && non_blocking && pipe->readers() == 0) return Error::NoDeviceOrAddress;
  ipc::Rights rights = ipc::Rights::None;
  if (reads) rights = rights | ipc::Rights::Read;
  if (writes) rights = rights | ipc::Rights::Write;
  auto* file = new (std::nothrow) FifoFile(vfs, static_cast<Path&&>(path), flags, opener, pipe, rights);
  if (file == nullptr) return Error::NoMemory;
  RefPtr<OpenFile> opened = RefPtr<OpenFile>::adopt(file);
  if (reads) ++fifo.reader_opens;
  if (writes) ++fifo.writer_opens;
  fifo.partner_arrived.notify_all();
  // A reader waits for a writer to come, a writer for a reader (O_RDWR never waits).
  if (!non_blocking && reads != writes) {
    const std::uint64_t seen = reads ? fifo.writer_opens : fifo.reader_opens;
    while ((reads ? pipe->writers() : pipe->readers()) == 0 &&
           (reads ? fifo.writer_opens : fifo.reader_opens) == seen) {
      MOS_TRY(fifo.partner_arrived.wait(fifo.lock, sched::Deadline::never(),
                                        sched::Interruptible::Yes));
    }
  }
  return opened;
}

}  // namespace mos::vfs
