#pragma once
/// The table frames one page-table operation takes from and gives back to its FrameSource.
///
/// Frames are reserved before the operation changes anything, so that running out of memory
/// leaves the hierarchy as it was; tables the operation empties are retired and only freed after
/// the TLB flush (a CPU may still walk them until then). Both sets are kept as stacks linked
/// through the frames themselves (the first 8 bytes of each hold the next one's address), so no
/// memory is needed beyond the frames. A link is 4 KiB aligned, so a retired table still looks
/// to a walking CPU like a table of non-present entries.

#include <mm/frame_source.hpp>
#include <mm/page.hpp>

#include <k/panic.hpp>
#include <k/result.hpp>
#include <k/string.hpp>

#include <cstdint>

namespace mos::mm {

/// Reserved and retired table frames of one operation; release() returns what is left.
class TableFrames {
 public:
  /// `owned` is the page table's count of its table frames, kept accurate here.
  TableFrames(FrameSource& frames, PhysMap phys_map, std::uint64_t& owned) noexcept
      : frames_(frames), phys_map_(phys_map), owned_(owned) {}
  TableFrames(const TableFrames&) = delete;
  TableFrames& operator=(const TableFrames&) = delete;
  /// Releases what is left (the caller flushes the TLB first).
  ~TableFrames() { release(); }

  /// Takes `count` more frames from the source, all or none (Error::NoMemory).
  Result<void> reserve(std::uint64_t count) noexcept {
    for (std::uint64_t i = 0; i < count; ++i) {
      auto frame = frames_.allocate_frames(0);
      if (!frame) {
        for (std::uint64_t j = 0; j < i; ++j) give_back(pop(reserved_));
        return frame.error();
      }
      ++owned_;
      push(reserved_, *frame);
    }
    return {};
  }

  /// A reserved frame, zeroed (frames come with garbage, and a zero entry is non-present).
  /// Taking more than was reserved is a programmer error.
  PhysAddr take_zeroed() noexcept {
    MOS_ASSERT(reserved_.count > 0);
    PhysAddr frame = pop(reserved_);
    memory_set(phys_map_.at<void>(frame), 0, kPageSize);
    return frame;
  }

  /// Hands over a table that is no longer linked into the hierarchy; freed by release().
  void retire(PhysAddr table) noexcept { push(retired_, table); }

  /// Frees the retired tables and the reserved frames not taken.
  void release() noexcept {
    while (retired_.count > 0) give_back(pop(retired_));
    while (reserved_.count > 0) give_back(pop(reserved_));
  }

 private:
  struct Stack {
    PhysAddr top;
    std::uint64_t count = 0;
  };

  void push(Stack& stack, PhysAddr frame) noexcept {
    *phys_map_.at<std::uint64_t>(frame) = stack.top.value();
    stack.top = frame;
    ++stack.count;
  }
  PhysAddr pop(Stack& stack) noexcept {
    PhysAddr frame = stack.top;
    stack.top = PhysAddr(*phys_map_.at<std::uint64_t>(frame));
    --stack.count;
    return frame;
  }
  void give_back(PhysAddr frame) noexcept {
    --owned_;
    frames_.free_frames(frame, 0);
  }

  FrameSource& frames_;
  PhysMap phys_map_;
  std::uint64_t& owned_;
  Stack reserved_;
  Stack retired_;
};

}  // namespace mos::mm
