#pragma once
/// The narrow interface through which page tables, heaps and address spaces take frames, so that
/// they do not depend on which frame allocator the image chose (and host tests can count frames).

#include <mm/page.hpp>

#include <k/result.hpp>

namespace mos::mm {

/// Hands out and takes back blocks of 2^order contiguous, 2^order-aligned physical frames.
class FrameSource {
 public:
  /// A block of 2^order frames, or Error::NoMemory.
  virtual Result<PhysAddr> allocate_frames(unsigned order) noexcept = 0;
  /// Returns a block that allocate_frames(order) returned. Returning anything else is a
  /// programmer error (implementations panic rather than corrupt their state).
  virtual void free_frames(PhysAddr base, unsigned order) noexcept = 0;

 protected:
  ~FrameSource() = default;
};

}  // namespace mos::mm
