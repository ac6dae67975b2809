// StreamRegistry: a process's list of open streams (see posix/libc/stream_registry.hpp).

#include <posix/libc/stream_registry.hpp>

namespace mos::posix::libc {

Stream* StreamRegistry::standard(int fd) const noexcept {
  return fd >= 0 && fd < 3 ? standard_[fd] : nullptr;
}

bool StreamRegistry::standard_closed(int fd) const noexcept {
  return fd >= 0 && fd < 3 && standard_closed_[fd];
}

void StreamRegistry::set_standard(int fd, Stream* stream) noexcept {
  if (fd < 0 || fd >= 3) return;
  standard_[fd] = stream;
  standard_closed_[fd] = false;
}

void StreamRegistry::add(Stream& stream) noexcept {
  stream.registry_ = this;
  stream.previous_ = nullptr;
  stream.next_ = head_;
  if (head_ != nullptr) head_->previous_ = &stream;
  head_ = &stream;
}

void StreamRegistry::remove(Stream& stream) noexcept {
  if (stream.previous_ != nullptr) {
    stream.previous_->next_ = stream.next_;
  } else {
    head_ = stream.next_;
  }
  if (stream.next_ != nullptr) stream.next_->previous_ = stream.previous_;
  stream.next_ = stream.previous_ = nullptr;
  stream.registry_ = nullptr;
  for (int fd = 0; fd < 3; ++fd) {
    if (standard_[fd] == &stream) {
      standard_[fd] = nullptr;
      standard_closed_[fd] = true;
    }
  }
}

Result<void> StreamRegistry::flush_all() noexcept {
  Result<void> result;
  for (Stream* stream = head_; stream != nullptr; stream = stream->next_) {
    if (!stream->has_pending_output()) continue;
    Result<void> flushed = stream->flush();
    if (result && !flushed) result = flushed;
  }
  return result;
}

void StreamRegistry::flush_line_buffered() noexcept {
  for (Stream* stream = head_; stream != nullptr; stream = stream->next_) {
    if (stream->buffer_mode() == BufferMode::Line && stream->has_pending_output()) {
      (void)stream->flush();  // The error stays in the stream's indicator.
    }
  }
}

Result<void> StreamRegistry::close_all() noexcept {
  Result<void> result;
  while (head_ != nullptr) {
    Result<void> closed = Stream::close(head_);
    if (result && !closed) result = closed;
  }
  return result;
}

std::size_t StreamRegistry::size() const noexcept {
  std::size_t count = 0;
  for (Stream* stream = head_; stream != nullptr; stream = stream->next_) ++count;
  return count;
}

}  // namespace mos::posix::libc
