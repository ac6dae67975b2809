#pragma once
/// Where thread stacks come from: in an image, kernel stacks mapped with an unmapped guard page
/// below each (kernel_stacks.hpp); in host tests, mmap'd stacks with a PROT_NONE guard
/// (libsched/testing/host_stacks.hpp). The scheduler frees a thread's stack once nothing runs on
/// it any more.

#include <k/result.hpp>

#include <cstddef>

namespace mos::sched {

/// A thread stack: [base, base + bytes), growing down from the top; the page below base is a
/// guard that faults.
struct Stack {
  std::byte* base = nullptr;
  std::size_t bytes = 0;
};

/// Makes and frees thread stacks.
class StackSource {
 public:
  /// A stack of at least `bytes` (rounded up to pages; 0 means default_bytes()). Errors:
  /// Error::InvalidArgument for a size the source cannot make, Error::NoMemory.
  virtual Result<Stack> allocate(std::size_t bytes) noexcept = 0;
  /// Returns a stack that allocate made (nothing may run on it).
  virtual void free(Stack stack) noexcept = 0;
  /// The size of a default stack.
  virtual std::size_t default_bytes() const noexcept = 0;

 protected:
  ~StackSource() = default;
};

}  // namespace mos::sched
