#pragma once
/// A Channel carrying values of one trivially copyable type T, one per message: sizes are
/// checked when the code is compiled (T must fit a channel message), and a receive that finds a
/// message of another size (sent by someone using the channel untyped) is Error::BadMessage.

#include <ipc/channel.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>
#include <k/string.hpp>

#include <cstddef>
#include <span>
#include <type_traits>

namespace mos::ipc {

/// See the file comment.
template <class T>
class TypedChannel {
  static_assert(std::is_trivially_copyable_v<T>, "messages are copied as bytes");
  static_assert(sizeof(T) <= Channel::kMaxMessageBytes, "a message of T does not fit a channel");

 public:
  /// A new channel for up to `max_messages` values of T.
  static Result<TypedChannel> create(std::size_t max_messages) noexcept {
    return TypedChannel(MOS_TRY(Channel::create(max_messages, sizeof(T))));
  }
  /// A typed view of an existing channel, which must take messages of sizeof(T) bytes
  /// (Error::InvalidArgument otherwise).
  static Result<TypedChannel> of(RefPtr<Channel> channel) noexcept {
    if (channel->max_message_bytes() < sizeof(T)) return Error::InvalidArgument;
    return TypedChannel(static_cast<RefPtr<Channel>&&>(channel));
  }

  /// Sends a copy of `value`; as Channel::send.
  Result<void> send(const T& value, Blocking blocking = Blocking::Yes,
                    sched::Deadline deadline = sched::Deadline::never(),
                    const CancelToken* via = nullptr) const noexcept {
    return channel_->send(std::as_bytes(std::span(&value, 1)), blocking, deadline, via);
  }
  /// Receives a value; as Channel::receive, plus Error::BadMessage for a message that is not
  /// exactly one T (it is consumed).
  Result<T> receive(Blocking blocking = Blocking::Yes,
                    sched::Deadline deadline = sched::Deadline::never(),
                    const CancelToken* via = nullptr) const noexcept {
    alignas(T) std::byte bytes[sizeof(T)];
    Received got = MOS_TRY(channel_->receive(bytes, blocking, deadline, via));
    if (got.bytes != sizeof(T)) return Error::BadMessage;
    T value;
    memory_copy(&value, bytes, sizeof(T));
    return value;
  }

  /// The channel underneath (for capabilities, poll).
  const RefPtr<Channel>& channel() const noexcept { return channel_; }

 private:
  explicit TypedChannel(RefPtr<Channel> channel) noexcept
      : channel_(static_cast<RefPtr<Channel>&&>(channel)) {}

  RefPtr<Channel> channel_;
};

}  // namespace mos::ipc
