#pragma once
/// What backs a shared mapping: an object that owns frames (a shared memory object, later a
/// file's pages) and hands them out by page index. Address spaces map its frames as they are
/// touched, never copy them (every mapping sees every write), and hold a mapping reference on
/// it for each region that maps it, so it lives as long as anything maps it.

#include <mm/page.hpp>

#include <k/result.hpp>

#include <cstdint>

namespace mos::mm {

/// See the file comment. Implementations are synchronised themselves: several address spaces
/// (each under its own lock) reach one object.
class MemoryObject {
 public:
  /// The frame holding page `index` of the object, allocated (zeroed) on first use.
  /// Error::OutOfRange for a page at or beyond the object's end (the fault becomes a bus
  /// error), Error::NoMemory when no frame can be had.
  virtual Result<PhysAddr> frame(std::uint64_t index) noexcept = 0;
  /// A region now maps the object.
  virtual void acquire_mapping() noexcept = 0;
  /// A region that mapped the object is gone (the object may go with the last one).
  virtual void release_mapping() noexcept = 0;

 protected:
  ~MemoryObject() = default;
};

}  // namespace mos::mm
