#include <ipc/pipe.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::ipc {
namespace {

constexpr std::size_t kMaxPipeCapacity = 16 * 1024 * 1024;

}  // namespace

Result<RefPtr<Pipe>> Pipe::create(std::size_t capacity) noexcept {
  if (capacity == 0 || capacity > kMaxPipeCapacity) return Error::InvalidArgument;
  auto* buffer = new (std::nothrow) std::byte[capacity];
  if (buffer == nullptr) return Error::NoMemory;
  auto* pipe = new (std::nothrow) Pipe(buffer, capacity);
  if (pipe == nullptr) {
    delete[] buffer;
    return Error::NoMemory;
  }
  return RefPtr<Pipe>::adopt(pipe);
}

Pipe::~Pipe() { delete[] buffer_; }

void Pipe::put(std::span<const std::byte> data) noexcept {
  std::size_t tail = (head_ + count_) % capacity_;
  const std::size_t first = data.size() < capacity_ - tail ? data.size() : capacity_ - tail;
  memory_copy(buffer_ + tail, data.data(), first);
  memory_copy(buffer_, data.data() + first, data.size() - first);
  count_ += data.size();
}

void Pipe::take(std::span<std::byte> out) noexcept {
  const std::size_t first = out.size() < capacity_ - head_ ? out.size() : capacity_ - head_;
  memory_copy(out.data(), buffer_ + head_, first);
  memory_copy(out.data() + first, buffer_, out.size() - first);
  head_ = (head_ + out.size()) % capacity_;
  count_ -= out.size();
}

Result<std::size_t> Pipe::read(std::span<std::byte> buffer, Blocking blocking,
                               sched::Deadline deadline, const CancelToken* via) noexcept {
  if (buffer.empty()) return std::size_t{0};
  sched::SchedulerGuard guard;
  for (;;) {
    if (via != nullptr && via->cancelled()) return Error::BadFileDescriptor;
    if (count_ > 0) break;
    if (writers_ == 0) return std::size_t{0};  // End of file.
    if (blocking == Blocking::No) return Error::TryAgain;
    MOS_TRY(waiting_readers_.wait(guard, deadline));
  }
  const std::size_t n = buffer.size() < count_ ? buffer.size() : count_;
  take(buffer.first(n));
  waiting_writers_.wake_all(guard);
  notify_locked(guard);
  return n;
}

Result<std::size_t> Pipe::write(std::span<const std::byte> data, Blocking blocking,
                                sched::Deadline deadline, const CancelToken* via) noexcept {
  if (data.empty()) return std::size_t{0};
  sched::SchedulerGuard guard;
  // Atomic up to PIPE_BUF, and never more than the whole buffer (which could never fit).
  const bool atomic = data.size() <= kPipeBuf && data.size() <= capacity_;
  std::size_t written = 0;
  // An interrupted write reports what went in, if anything did; else why it stopped.
  auto stopped = [&written](Error why) -> Result<std::size_t> {
    if (written > 0) return written;
    return why;
  };
  while (written < data.size()) {
    if (via != nullptr && via->cancelled()) return stopped(Error::BadFileDescriptor);
    if (readers_ == 0) return stopped(Error::BrokenPipe);
    const std::size_t left = data.size() - written;
    // An atomic write waits until all of it fits; a larger one takes whatever room there is.
    const std::size_t chunk = atomic ? (room() >= left ? left : 0) : (room() < left ? room() : left);
    if (chunk > 0) {
      put(data.subspan(written, chunk));
      written += chunk;
      waiting_readers_.wake_all(guard);
      notify_locked(guard);
      continue;
    }
    if (blocking == Blocking::No) return stopped(Error::TryAgain);
    if (auto waited = waiting_writers_.wait(guard, deadline); !waited) {
      return stopped(waited.error());
    }
  }
  return written;
}

PollEvents Pipe::poll_locked() const noexcept {
  PollEvents events = PollEvents::None;
  if (count_ > 0) events = events | PollEvents::Readable;
  if (writers_ == 0) events = events | PollEvents::Hangup;
  const std::size_t atomic_room = capacity_ < kPipeBuf ? 1 : kPipeBuf;
  if (room() >= atomic_room) events = events | PollEvents::Writable;
  if (readers_ == 0) events = events | PollEvents::Error;
  return events;
}

}  // namespace mos::ipc
