#pragma once
/// Passing capabilities between domains over a channel, by handle: the sender's handles (each
/// with Grant) travel as derived capabilities, and land in the receiver's table as new handles.
/// Revoking a sent capability's origin revokes the copy the receiver got.

#include <ipc/capability.hpp>
#include <ipc/channel.hpp>

#include <sched/time.hpp>

#include <k/result.hpp>

#include <cstddef>
#include <span>

namespace mos::ipc {

/// What receive_with_handles got.
struct ReceivedWithHandles {
  std::size_t bytes = 0;
  std::size_t handles = 0;  ///< How many of the output handles were filled.
};

/// Sends `message` with derived copies of `handles` (at most kMaxMessageCapabilities) over the
/// channel behind `channel` (which needs Write). Each handle needs Grant (else
/// Error::NotPermitted; nothing is sent then); the copies keep the handles' rights.
Result<void> send_with_handles(HandleTable& table, Handle channel,
                               std::span<const std::byte> message,
                               std::span<const Handle> handles, Blocking blocking,
                               sched::Deadline deadline = sched::Deadline::never()) noexcept;

/// Receives a message from the channel behind `channel` (which needs Read) into `buffer`, puts
/// the capabilities it carried into `table` and their handles into `handles_out`.
/// Error::NoBufferSpace when `handles_out` or the table has no room for them (the capabilities
/// that did not fit are dropped; the message is consumed).
Result<ReceivedWithHandles> receive_with_handles(
    HandleTable& table, Handle channel, std::span<std::byte> buffer,
    std::span<Handle> handles_out, Blocking blocking,
    sched::Deadline deadline = sched::Deadline::never()) noexcept;

}  // namespace mos::ipc
