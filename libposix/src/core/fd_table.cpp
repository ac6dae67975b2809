#include <posix/fd_table.hpp>

namespace mos::posix {

Result<RefPtr<vfs::OpenFile>> FdTable::get(int fd) const noexcept {
  if (fd < 0 || fd >= kMaxFds) return Error::BadFileDescriptor;
  SpinLockGuard guard(lock_);
  if (!entries_[fd].file) return Error::BadFileDescriptor;
  return entries_[fd].file;
}

Result<int> FdTable::install(RefPtr<vfs::OpenFile> file, CloseOnExec cloexec, int minimum,
                             int limit) noexcept {
  if (minimum < 0 || minimum >= kMaxFds) return Error::InvalidArgument;
  if (limit > kMaxFds) limit = kMaxFds;
  SpinLockGuard guard(lock_);
  for (int fd = minimum; fd < limit; ++fd) {
    if (!entries_[fd].file) {
      entries_[fd] = Entry{static_cast<RefPtr<vfs::OpenFile>&&>(file), cloexec};
      return fd;
    }
  }
  return Error::TooManyOpenFiles;
}

Result<void> FdTable::install_at(int fd, RefPtr<vfs::OpenFile> file, CloseOnExec cloexec) noexcept {
  if (fd < 0 || fd >= kMaxFds) return Error::BadFileDescriptor;
  Entry old;  // Released after the lock, as dup2 closes the old file "atomically".
  SpinLockGuard guard(lock_);
  old = static_cast<Entry&&>(entries_[fd]);
  entries_[fd] = Entry{static_cast<RefPtr<vfs::OpenFile>&&>(file), cloexec};
  return {};
}

Result<void> FdTable::close(int fd) noexcept {
  if (fd < 0 || fd >= kMaxFds) return Error::BadFileDescriptor;
  Entry old;
  SpinLockGuard guard(lock_);
  if (!entries_[fd].file) return Error::BadFileDescriptor;
  old = static_cast<Entry&&>(entries_[fd]);
  entries_[fd] = Entry{};
  return {};
}

Result<CloseOnExec> FdTable::close_on_exec(int fd) const noexcept {
  if (fd < 0 || fd >= kMaxFds) return Error::BadFileDescriptor;
  SpinLockGuard guard(lock_);
  if (!entries_[fd].file) return Error::BadFileDescriptor;
  return entries_[fd].cloexec;
}

Result<void> FdTable::set_close_on_exec(int fd, CloseOnExec cloexec) noexcept {
  if (fd < 0 || fd >= kMaxFds) return Error::BadFileDescriptor;
  SpinLockGuard guard(lock_);
  if (!entries_[fd].file) return Error::BadFileDescriptor;
  entries_[fd].cloexec = cloexec;
  return {};
}

void FdTable::copy_from(const FdTable& other, bool drop_cloexec) noexcept {
  for (int fd = 0; fd < kMaxFds; ++fd) {
    Entry from;
    {
      SpinLockGuard guard(other.lock_);
      from = Entry{other.entries_[fd].file, other.entries_[fd].cloexec};
    }
    if (drop_cloexec && from.cloexec == CloseOnExec::Yes) from = Entry{};
    Entry old;
    SpinLockGuard guard(lock_);
    old = static_cast<Entry&&>(entries_[fd]);
    entries_[fd] = static_cast<Entry&&>(from);
  }
}

void FdTable::close_all() noexcept {
  for (int fd = 0; fd < kMaxFds; ++fd) (void)close(fd);
}

void FdTable::close_on_exec_all() noexcept {
  for (int fd = 0; fd < kMaxFds; ++fd) {
    auto cloexec = close_on_exec(fd);
    if (cloexec && *cloexec == CloseOnExec::Yes) (void)close(fd);
  }
}

int FdTable::count() const noexcept {
  SpinLockGuard guard(lock_);
  int open = 0;
  for (const Entry& entry : entries_) open += entry.file ? 1 : 0;
  return open;
}

int FdTable::end() const noexcept {
  SpinLockGuard guard(lock_);
  for (int fd = kMaxFds; fd > 0; --fd) {
    if (entries_[fd - 1].file) return fd;
  }
  return 0;
}

}  // namespace mos::posix
