// The terminal as a device: reading (canonical lines, VMIN/VTIME), writing, settings.
// [posix termios] 11.1.7 (non-canonical input), [linux] n_tty.c n_tty_read, n_tty_write.
#include <drv/tty.hpp>

#include <sched/scheduler.hpp>
#include <sched/time.hpp>

#include <vfs/types.hpp>

#include <k/scope_guard.hpp>

#include <new>
#include <utility>

namespace mos::drv {

Result<RefPtr<Tty>> Tty::create(TerminalOutput& output, const Termios& termios,
                                const WindowSize& size) noexcept {
  auto* tty = new (std::nothrow) Tty(output, termios, size);
  if (tty == nullptr) return Error::NoMemory;
  return RefPtr<Tty>::adopt(tty);
}

void Tty::set_signal_target(TtySignalTarget* target) noexcept {
  SpinLockGuard guard(lock_);
  signal_target_ = target;
}

void Tty::raise(int signal) noexcept {
  TtySignalTarget* target = nullptr;
  std::int32_t group = 0;
  {
    SpinLockGuard guard(lock_);
    target = signal_target_;
    group = foreground_;
  }
  if (target != nullptr) target->signal_foreground(signal, group);
}

void Tty::wake_readers() noexcept {
  sched::SchedulerGuard scheduler;
  readers_.wake_all(scheduler);
}

std::size_t Tty::available_locked() const noexcept {
  return queue_.size() - eof_marks_;
}

std::size_t Tty::copy_line_locked(std::span<char> out, bool& finished) noexcept {
  finished = false;
  std::size_t n = 0;
  while (!queue_.empty()) {
    const InputByte b = *queue_.peek();
    // A mark is looked at before the buffer is found full, so a line that exactly fills the
    // buffer takes its EOF mark along (else the next read would see a false end of file).
    if ((b.flags & kEofMark) != 0) {
      (void)queue_.pop();
      --eof_marks_;
      if ((b.flags & kDelimiter) != 0) {
        --lines_;
        finished = true;
        break;
      }
      continue;
    }
    if (n == out.size()) break;
    (void)queue_.pop();
    out[n++] = b.ch;
    if ((b.flags & kDelimiter) != 0) {
      --lines_;
      finished = true;
      break;
    }
  }
  return n;
}

std::size_t Tty::copy_raw_locked(std::span<char> out) noexcept {
  std::size_t n = 0;
  while (n < out.size() && !queue_.empty()) {
    const InputByte b = *queue_.pop();
    if ((b.flags & kDelimiter) != 0) --lines_;
    if ((b.flags & kEofMark) != 0) {
      --eof_marks_;
      continue;
    }
    out[n++] = b.ch;
  }
  return n;
}

bool Tty::readable_locked() const noexcept {
  return (termios_.c_lflag & lflag::kIcanon) != 0 ? lines_ > 0 : available_locked() > 0;
}

void Tty::resume_held_input() noexcept {
  InputSource* source = nullptr;
  {
    SpinLockGuard guard(lock_);
    // Once a read has made some room, or nothing is left that a reader could take: held input
    // comes in now (and, if it is more than the room, is held back again).
    const std::size_t room = kInputCapacity - (queue_.size() + line_length_);
    if (held_source_ != nullptr && (room >= kResumeRoom || !readable_locked())) {
      source = std::exchange(held_source_, nullptr);
    }
  }
  if (source != nullptr) source->resume_input();
}

Result<std::size_t> Tty::read(std::uint64_t, std::span<std::byte> out_bytes,
                              std::uint32_t flags) noexcept {
  if (out_bytes.empty()) return std::size_t{0};
  std::span<char> out(reinterpret_cast<char*>(out_bytes.data()), out_bytes.size());
  auto result = read_input(out, (flags & vfs::open_flags::kNonBlocking) != 0);
  resume_held_input();
  return result;
}

Result<std::size_t> Tty::read_input(std::span<char> out, bool nonblocking) noexcept {
  // Held across each check and the sleep after it, so input cannot slip in between.
  sched::SchedulerGuard scheduler;

  std::uint8_t vmin = 0;
  std::uint8_t vtime = 0;
  {
    SpinLockGuard guard(lock_);
    // Canonical mode ignores VMIN and VTIME: a read waits for a line, as with VMIN 1, VTIME 0.
    const bool canonical = (termios_.c_lflag & lflag::kIcanon) != 0;
    vmin = canonical ? 1 : termios_.c_cc[cc::kVmin];
    vtime = canonical ? 0 : termios_.c_cc[cc::kVtime];
  }
  // [linux] n_tty_read: with VMIN > 0, wait for VMIN bytes (or the buffer's size), the first
  // without limit and each further one within VTIME of the previous; with VMIN = 0, wait up to
  // VTIME for one byte, or not at all if VTIME is 0.
  const std::uint64_t interval = std::uint64_t{vtime} * 100 * sched::kNanosPerMilli;
  const std::size_t minimum = vmin > 0 ? vmin : 1;
  const bool immediate = vmin == 0 && vtime == 0;
  sched::Deadline deadline =
      (vmin == 0 && vtime > 0) ? sched::Deadline::after(interval) : sched::Deadline::never();
  std::size_t copied = 0;
  for (;;) {
    std::size_t n = 0;
    {
      SpinLockGuard guard(lock_);
      if ((termios_.c_lflag & lflag::kIcanon) != 0 && copied == 0) {
        if (lines_ > 0) {
          bool finished = false;
          return copy_line_locked(out, finished);
        }
      } else {
        n = copy_raw_locked(out.subspan(copied));
        copied += n;
        if (copied >= minimum || copied == out.size()) return copied;
      }
    }
    if (n > 0) {
      if (vmin > 0 && vtime > 0) deadline = sched::Deadline::after(interval);
      continue;  // Look again: more may have come while copying.
    }
    if (immediate) return copied;
    if (nonblocking) {
      if (copied > 0) return copied;
      return Error::TryAgain;
    }
    if (auto hook = std::exchange(first_wait_hook_, nullptr)) hook();
    if (auto waited = readers_.wait(scheduler, deadline); !waited) {
      if (waited.error() == Error::TimedOut || copied > 0) return copied;
      return waited.error();
    }
  }
}

Result<std::size_t> Tty::write(std::uint64_t, std::span<const std::byte> data_bytes,
                               std::uint32_t flags) noexcept {
  std::span<const char> data(reinterpret_cast<const char*>(data_bytes.data()), data_bytes.size());
  const bool nonblocking = (flags & vfs::open_flags::kNonBlocking) != 0;
  if (nonblocking) {
    if (!write_lock_.try_lock()) return Error::TryAgain;
  } else {
    MOS_TRY(write_lock_.lock());
  }
  ScopeGuard unlock([this] { (void)write_lock_.unlock(); });
  std::size_t done = 0;
  char buffer[256];
  while (done < data.size()) {
    std::size_t consumed = 0;
    {
      SpinLockGuard guard(lock_);
      const std::size_t room = output_.output_room();
      const std::size_t limit = room < sizeof buffer ? room : sizeof buffer;
      std::size_t used = 0;
      while (done + consumed < data.size()) {
        char piece[kMaxExpansion];
        const std::size_t column = column_;
        const std::size_t n =
            translate_locked(static_cast<std::uint8_t>(data[done + consumed]), piece);
        if (used + n > limit) {
          column_ = column;  // Not sent: as if never translated.
          break;
        }
        for (std::size_t i = 0; i < n; ++i) buffer[used++] = piece[i];
        ++consumed;
      }
      // The room was measured under lock_, and everything that writes to output_ holds lock_;
      // the device only frees room meanwhile, so all of it is taken.
      if (used > 0) (void)output_.output(std::span<const char>(buffer, used));
    }
    // Whatever the device answered while it was written to (outside lock_ now).
    deliver_deferred();
    done += consumed;
    if (consumed > 0) continue;
    if (nonblocking) {
      if (done > 0) return done;
      return Error::TryAgain;
    }
    if (auto waited = output_.wait_for_room(kMaxExpansion, sched::Deadline::never()); !waited) {
      if (done > 0) return done;
      return waited.error();
    }
  }
  return done;
}

ipc::PollEvents Tty::poll() noexcept {
  ipc::PollEvents events = ipc::PollEvents::None;
  {
    SpinLockGuard guard(lock_);
    if ((termios_.c_lflag & lflag::kIcanon) != 0) {
      if (lines_ > 0) events = events | ipc::PollEvents::Readable;
    } else {
      // [linux] input_available_p(poll): with VTIME 0, a read waits for VMIN bytes.
      const std::uint8_t vmin = termios_.c_cc[cc::kVmin];
      const std::size_t wanted = termios_.c_cc[cc::kVtime] == 0 && vmin > 0 ? vmin : 1;
      if (available_locked() >= wanted) events = events | ipc::PollEvents::Readable;
    }
  }
  if (output_.output_room() > 0) events = events | ipc::PollEvents::Writable;
  return events;
}

Result<std::int64_t> Tty::seek(std::int64_t, std::int64_t, vfs::Whence) noexcept {
  return Error::IllegalSeek;
}

Termios Tty::termios() const noexcept {
  SpinLockGuard guard(lock_);
  return termios_;
}

Result<void> Tty::set_termios(const Termios& termios, When when) noexcept {
  if (when != When::Now) MOS_TRY(output_.drain(sched::Deadline::never()));
  {
    SpinLockGuard guard(lock_);
    const bool was_canonical = (termios_.c_lflag & lflag::kIcanon) != 0;
    termios_ = termios;
    if (when == When::DrainFlush) flush_input_locked();
    const bool canonical = (termios_.c_lflag & lflag::kIcanon) != 0;
    if (canonical != was_canonical) canonical_changed_locked(canonical);
  }
  // Readers re-check: a mode switch can make input readable; a flush makes room.
  wake_readers();
  resume_held_input();
  return {};
}

WindowSize Tty::window_size() const noexcept {
  SpinLockGuard guard(lock_);
  return size_;
}

void Tty::set_window_size(const WindowSize& size) noexcept {
  bool changed = false;
  {
    SpinLockGuard guard(lock_);
    changed = !(size_ == size);
    size_ = size;
  }
  if (changed) raise(tty_signal::kSigwinch);
}

std::int32_t Tty::foreground_group() const noexcept {
  SpinLockGuard guard(lock_);
  return foreground_;
}

Result<void> Tty::set_foreground_group(std::int32_t group) noexcept {
  if (group < 0) return Error::InvalidArgument;
  SpinLockGuard guard(lock_);
  foreground_ = group;
  return {};
}

std::size_t Tty::readable_bytes() const noexcept {
  SpinLockGuard guard(lock_);
  return available_locked();
}

void Tty::flush(Queue queue) noexcept {
  if (queue != Queue::Output) {
    SpinLockGuard guard(lock_);
    flush_input_locked();
  }
  if (queue != Queue::Input) output_.discard_output();
  resume_held_input();
}

TtyStats Tty::stats() const noexcept {
  SpinLockGuard guard(lock_);
  return stats_;
}

}  // namespace mos::drv
