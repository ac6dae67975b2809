#pragma once
/// A message channel: a bounded queue of messages (at most max_messages queued, each at most
/// max_message_bytes), first in, first out, with boundaries kept: one send is one receive.
/// Messages may carry capabilities (at most kMaxMessageCapabilities), which is how a capability
/// travels from one domain to another. Endpoints attach with Write (senders) and Read
/// (receivers):
/// - send waits while the queue is full (or Error::TryAgain when it may not wait);
/// - receive waits while it is empty; a message larger than the buffer offered is
///   Error::MessageTooLong and stays queued;
/// - once every receiver is gone, send is Error::BrokenPipe; once every sender is gone, receive
///   delivers what is queued, then Error::BrokenPipe;
/// - waits end with Error::TimedOut at their deadline, or Error::BadFileDescriptor when the
///   capability they were made through is revoked.
/// Readiness for poll: Readable when a message is queued (Hangup: no sender left), Writable when
/// one fits (Error: no receiver left).

#include <ipc/capability.hpp>
#include <ipc/object.hpp>

#include <sched/time.hpp>
#include <sched/wait_queue.hpp>

#include <k/fixed_vector.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace mos::ipc {

/// The most capabilities one message carries.
inline constexpr std::size_t kMaxMessageCapabilities = 4;

/// Capabilities travelling with a message.
using MessageCapabilities = FixedVector<RefPtr<Capability>, kMaxMessageCapabilities>;

/// What receive got: the message's size, and the capabilities it carried.
struct Received {
  std::size_t bytes = 0;
  MessageCapabilities capabilities;
};

/// See the file comment.
class Channel final : public TwoEndedObject {
 public:
  static constexpr ObjectType kType = ObjectType::Channel;
  /// The largest message a channel may be made for.
  static constexpr std::size_t kMaxMessageBytes = 64 * 1024;
  /// The most messages a channel may be made to queue.
  static constexpr std::size_t kMaxMessages = 4096;

  /// A channel queueing up to `max_messages` messages of up to `max_message_bytes` each.
  /// Error::InvalidArgument for a limit of 0 or beyond the maxima, Error::NoMemory.
  static Result<RefPtr<Channel>> create(std::size_t max_messages,
                                        std::size_t max_message_bytes) noexcept;

  ObjectType type() const noexcept override { return kType; }

  /// Queues `message` with `capabilities` (moved in; on error they stay with the caller).
  /// Error::MessageTooLong beyond max_message_bytes; see the file comment for the rest.
  Result<void> send(std::span<const std::byte> message, MessageCapabilities& capabilities,
                    Blocking blocking, sched::Deadline deadline = sched::Deadline::never(),
                    const CancelToken* via = nullptr) noexcept;
  /// send without capabilities.
  Result<void> send(std::span<const std::byte> message, Blocking blocking,
                    sched::Deadline deadline = sched::Deadline::never(),
                    const CancelToken* via = nullptr) noexcept;
  /// Takes the oldest message into `buffer`; see the file comment.
  Result<Received> receive(std::span<std::byte> buffer, Blocking blocking,
                           sched::Deadline deadline = sched::Deadline::never(),
                           const CancelToken* via = nullptr) noexcept;

  std::size_t max_message_bytes() const noexcept { return max_bytes_; }
  std::size_t max_messages() const noexcept { return max_messages_; }
  /// Messages queued now.
  std::size_t queued() const noexcept { return count_; }

  PollEvents poll_locked() const noexcept override;

 private:
  struct Slot {
    std::size_t bytes = 0;
    MessageCapabilities capabilities;
  };
  Channel(Slot* slots, std::byte* data, std::size_t max_messages, std::size_t max_bytes) noexcept
      : slots_(slots), data_(data), max_messages_(max_messages), max_bytes_(max_bytes) {}
  ~Channel() override;

  std::byte* payload(std::size_t slot) noexcept { return data_ + slot * max_bytes_; }

  Slot* slots_;
  std::byte* data_;
  std::size_t max_messages_;
  std::size_t max_bytes_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace mos::ipc
