// SystemInformation from the kernel's own counters. It calls libmm's kernel_* functions, which
// only an image's glue defines, so only images may use it (host tests use fakes; nothing else
// in libvfs refers to this file, so the linker leaves it out of them).
#include <vfs/procfs.hpp>

#include <mm/kernel_memory.hpp>
#include <mm/page.hpp>

#include <sched/scheduler.hpp>
#include <sched/time.hpp>

namespace mos::vfs {

MemoryInformation KernelSystemInformation::memory() noexcept {
  const mm::FrameStats frames = mm::kernel_frame_stats();
  const mm::HeapStats heap = mm::kernel_heap_stats();
  MemoryInformation info;
  info.total_bytes = frames.total_frames * mm::kPageSize;
  info.free_bytes = frames.free_frames * mm::kPageSize;
  // What an allocation could still get: free frames, and what the heap holds free already.
  info.available_bytes = info.free_bytes + heap.bytes_free;
  info.kernel_heap_bytes = heap.bytes_allocated;
  return info;
}

std::uint64_t KernelSystemInformation::uptime_ns() noexcept {
  return sched::now();
}

std::uint64_t KernelSystemInformation::idle_ns() noexcept {
  if (!sched::Scheduler::ready()) return 0;
  return sched::Scheduler::on_this_cpu().stats().idle_ns;
}

std::string_view KernelSystemInformation::version() noexcept {
  return version_;
}

}  // namespace mos::vfs
