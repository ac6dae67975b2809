#include <mm/early_frame_source.hpp>

namespace mos::mm {

bool EarlyFrameSource::is_free(PhysRange candidate) const noexcept {
  if (candidate.end.value() > limit_) return false;
  bool inside_usable = false;
  for (const MemoryRegion& r : map_) {
    PhysRange region{r.base, r.end()};
    if (r.kind != MemoryRegion::Kind::Usable) {
      if (region.overlaps(candidate)) return false;  // A map may list overlapping regions.
      continue;
    }
    if (region.start <= candidate.start && candidate.end <= region.end) inside_usable = true;
  }
  if (!inside_usable) return false;
  for (const PhysRange& r : reserved_) {
    if (r.overlaps(candidate)) return false;
  }
  return true;
}

Result<PhysAddr> EarlyFrameSource::allocate_frames(unsigned order) noexcept {
  if (order > 20) return Error::InvalidArgument;
  const std::uint64_t bytes = kPageSize << order;
  // The lowest free block at or above the cursor, over every usable region. Boot needs a few
  // dozen frames and maps have a few regions, so stepping block by block stays cheap.
  PhysAddr best;
  bool found = false;
  for (const MemoryRegion& r : map_) {
    if (r.kind != MemoryRegion::Kind::Usable || r.end() <= cursor_) continue;
    PhysAddr start = (r.base > cursor_ ? r.base : cursor_).align_up(bytes);
    for (PhysAddr p = start; p + bytes <= r.end() && (p + bytes).value() <= limit_; p += bytes) {
      if (is_free({p, p + bytes})) {
        if (!found || p < best) best = p;
        found = true;
        break;
      }
    }
  }
  if (!found) return Error::NoMemory;
  PhysRange block{best, best + bytes};
  if (!used_.empty() && used_.back().end == block.start) {
    used_.back().end = block.end;
  } else if (!used_.push_back(block)) {
    return Error::NoMemory;  // Too scattered to describe; boot tables never need this much.
  }
  cursor_ = block.end;
  return best;
}

void EarlyFrameSource::free_frames(PhysAddr, unsigned) noexcept {}

bool EarlyFrameSource::owns(PhysAddr frame) const noexcept {
  for (const PhysRange& r : used_) {
    if (r.contains(frame)) return true;
  }
  return false;
}

}  // namespace mos::mm
