#pragma once
/// Waiting for the first of several objects to become ready (POSIX poll over IPC objects).

#include <ipc/object.hpp>

#include <sched/time.hpp>

#include <k/result.hpp>

#include <cstddef>
#include <span>

namespace mos::ipc {

/// One object to watch: what to watch it for, and (on return) what was found. Hangup and Error
/// are reported whether asked for or not. A null object is skipped (poll's negative fd).
struct PollItem {
  IpcObject* object = nullptr;
  PollEvents events = PollEvents::None;
  PollEvents revents = PollEvents::None;
};

/// The most items one poll call watches.
inline constexpr std::size_t kMaxPollItems = 64;

/// Fills every item's revents and returns how many have any; waits (until `deadline`) while
/// none has. Returns 0 when the deadline passes first (Deadline::at(0): just look).
/// Error::InvalidArgument for more than kMaxPollItems items.
Result<std::size_t> poll(std::span<PollItem> items, sched::Deadline deadline) noexcept;

}  // namespace mos::ipc
