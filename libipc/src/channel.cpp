#include <ipc/channel.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::ipc {

Result<RefPtr<Channel>> Channel::create(std::size_t max_messages,
                                        std::size_t max_message_bytes) noexcept {
  if (max_messages == 0 || max_messages > kMaxMessages || max_message_bytes > kMaxMessageBytes) {
    return Error::InvalidArgument;
  }
  auto* slots = new (std::nothrow) Slot[max_messages];
  // A channel of empty messages (notifications) needs no payload space.
  std::byte* data = max_message_bytes == 0
                        ? nullptr
                        : new (std::nothrow) std::byte[max_messages * max_message_bytes];
  auto* channel = slots != nullptr && (data != nullptr || max_message_bytes == 0)
                      ? new (std::nothrow) Channel(slots, data, max_messages, max_message_bytes)
                      : nullptr;
  if (channel == nullptr) {
    delete[] slots;
    delete[] data;
    return Error::NoMemory;
  }
  return RefPtr<Channel>::adopt(channel);
}

// Queued messages' capabilities go with the slots, outside any lock (nothing else can reach a
// channel whose last reference went).
Channel::~Channel() {
  delete[] slots_;
  delete[] data_;
}

Result<void> Channel::send(std::span<const std::byte> message, Blocking blocking,
                           sched::Deadline deadline, const CancelToken* via) noexcept {
  MessageCapabilities none;
  return send(message, none, blocking, deadline, via);
}

Result<void> Channel::send(std::span<const std::byte> message, MessageCapabilities& capabilities,
                           Blocking blocking, sched::Deadline deadline,
                           const CancelToken* via) noexcept {
  if (message.size() > max_bytes_) return Error::MessageTooLong;
  sched::SchedulerGuard guard;
  for (;;) {
    if (via != nullptr && via->cancelled()) return Error::BadFileDescriptor;
    if (readers_ == 0) return Error::BrokenPipe;
    if (count_ < max_messages_) break;
    if (blocking == Blocking::No) return Error::TryAgain;
    MOS_TRY(waiting_writers_.wait(guard, deadline));
  }
  const std::size_t slot = (head_ + count_) % max_messages_;
  memory_copy(payload(slot), message.data(), message.size());
  slots_[slot].bytes = message.size();
  // Moving references: no count changes, so nothing is released under the lock.
  slots_[slot].capabilities = static_cast<MessageCapabilities&&>(capabilities);
  capabilities.clear();
  ++count_;
  waiting_readers_.wake_all(guard);  // All: one may give up (revoked, buffer too small).
  notify_locked(guard);
  return {};
}

Result<Received> Channel::receive(std::span<std::byte> buffer, Blocking blocking,
                                  sched::Deadline deadline, const CancelToken* via) noexcept {
  Received received;
  sched::SchedulerGuard guard;
  for (;;) {
    if (via != nullptr && via->cancelled()) return Error::BadFileDescriptor;
    if (count_ > 0) break;
    if (writers_ == 0) return Error::BrokenPipe;
    if (blocking == Blocking::No) return Error::TryAgain;
    MOS_TRY(waiting_readers_.wait(guard, deadline));
  }
  Slot& slot = slots_[head_];
  if (slot.bytes > buffer.size()) return Error::MessageTooLong;
  memory_copy(buffer.data(), payload(head_), slot.bytes);
  received.bytes = slot.bytes;
  received.capabilities = static_cast<MessageCapabilities&&>(slot.capabilities);
  slot.capabilities.clear();
  head_ = (head_ + 1) % max_messages_;
  --count_;
  waiting_writers_.wake_all(guard);
  notify_locked(guard);
  return received;
}

PollEvents Channel::poll_locked() const noexcept {
  PollEvents events = PollEvents::None;
  if (count_ > 0) events = events | PollEvents::Readable;
  if (writers_ == 0) events = events | PollEvents::Hangup;
  if (count_ < max_messages_) events = events | PollEvents::Writable;
  if (readers_ == 0) events = events | PollEvents::Error;
  return events;
}

}  // namespace mos::ipc
