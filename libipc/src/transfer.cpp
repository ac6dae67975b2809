#include <ipc/transfer.hpp>

namespace mos::ipc {

Result<void> send_with_handles(HandleTable& table, Handle channel,
                               std::span<const std::byte> message,
                               std::span<const Handle> handles, Blocking blocking,
                               sched::Deadline deadline) noexcept {
  if (handles.size() > kMaxMessageCapabilities) return Error::InvalidArgument;
  RefPtr<Capability> through = MOS_TRY(table.get(channel, Rights::Write));
  RefPtr<Channel> target = MOS_TRY(table.get_object<Channel>(channel, Rights::Write));
  MessageCapabilities copies;
  for (Handle h : handles) {
    RefPtr<Capability> capability = MOS_TRY(table.get(h));
    if (!has(capability->rights(), Rights::Grant)) return Error::NotPermitted;
    RefPtr<Capability> copy = MOS_TRY(capability->derive(capability->rights()));
    MOS_TRY(copies.push_back(static_cast<RefPtr<Capability>&&>(copy)));
  }
  return target->send(message, copies, blocking, deadline, through.get());
}

Result<ReceivedWithHandles> receive_with_handles(HandleTable& table, Handle channel,
                                                 std::span<std::byte> buffer,
                                                 std::span<Handle> handles_out,
                                                 Blocking blocking,
                                                 sched::Deadline deadline) noexcept {
  RefPtr<Capability> through = MOS_TRY(table.get(channel, Rights::Read));
  RefPtr<Channel> source = MOS_TRY(table.get_object<Channel>(channel, Rights::Read));
  Received got = MOS_TRY(source->receive(buffer, blocking, deadline, through.get()));
  ReceivedWithHandles result{got.bytes, 0};
  bool dropped = false;
  for (RefPtr<Capability>& capability : got.capabilities) {
    if (result.handles == handles_out.size()) {
      dropped = true;
      continue;
    }
    auto handle = table.insert(static_cast<RefPtr<Capability>&&>(capability));
    if (!handle) {
      dropped = true;
      continue;
    }
    handles_out[result.handles++] = *handle;
  }
  if (dropped) return Error::NoBufferSpace;
  return result;
}

}  // namespace mos::ipc
