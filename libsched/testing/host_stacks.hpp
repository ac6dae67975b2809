#pragma once
/// A StackSource for host tests: each stack is its own mmap with a PROT_NONE guard page below
/// it, so an overflow faults as it would in the kernel. Counts what is outstanding, so tests
/// can prove that ended threads give their stacks back.

#include <sched/stack_source.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>

namespace mos::sched::testing {

/// See the file comment.
class HostStacks final : public StackSource {
 public:
  /// Host code needs more stack than kernel code (sanitizers, the C library, signal frames).
  static constexpr std::size_t kDefaultBytes = 256 * 1024;
  static constexpr std::size_t kMaxBytes = 64 * 1024 * 1024;

  Result<Stack> allocate(std::size_t bytes) noexcept override {
    if (bytes == 0) bytes = kDefaultBytes;
    if (bytes > kMaxBytes) return Error::InvalidArgument;
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    bytes = (bytes + page - 1) / page * page;
    void* map = ::mmap(nullptr, bytes + page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) return Error::NoMemory;
    ::mprotect(map, page, PROT_NONE);  // The guard.
    outstanding_.fetch_add(1);
    return Stack{static_cast<std::byte*>(map) + page, bytes};
  }

  void free(Stack stack) noexcept override {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    ::munmap(stack.base - page, stack.bytes + page);
    outstanding_.fetch_sub(1);
  }

  std::size_t default_bytes() const noexcept override { return kDefaultBytes; }

  /// Stacks allocated and not yet freed.
  std::size_t outstanding() const noexcept { return outstanding_.load(); }

 private:
  std::atomic<std::size_t> outstanding_{0};
};

}  // namespace mos::sched::testing
