#include <mm/region_table.hpp>

#include <k/panic.hpp>
#include <k/string.hpp>

#include <utility>

namespace mos::mm {

namespace {

constexpr std::size_t capacity_of(unsigned order) noexcept {
  return (kPageSize << order) / sizeof(Region);
}

}  // namespace

bool RegionTable::mergeable(const Region& a, const Region& b) noexcept {
  if (a.end != b.start || a.kind != b.kind || a.protection != b.protection) return false;
  if (a.kind == RegionKind::Shared) return false;
  // Anonymous pages hold their frames themselves: two anonymous regions differ in nothing else.
  if (a.kind == RegionKind::Anonymous) return true;
  return a.cache == b.cache && a.phys + a.size() == b.phys;
}

RegionTable::RegionTable(RegionTable&& other) noexcept
    : frames_(other.frames_),
      phys_map_(other.phys_map_),
      block_(other.block_),
      order_(other.order_),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)) {}

RegionTable& RegionTable::operator=(RegionTable&& other) noexcept {
  if (this != &other) {
    release();
    frames_ = other.frames_;
    phys_map_ = other.phys_map_;
    block_ = other.block_;
    order_ = other.order_;
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Region* RegionTable::data() const noexcept {
  return capacity_ == 0 ? nullptr : phys_map_.at<Region>(block_);
}

Region& RegionTable::operator[](std::size_t index) noexcept {
  MOS_ASSERT(index < size_);
  return data()[index];
}

const Region& RegionTable::operator[](std::size_t index) const noexcept {
  MOS_ASSERT(index < size_);
  return data()[index];
}

std::size_t RegionTable::lower_bound(VirtAddr addr) const noexcept {
  const Region* regions = data();
  std::size_t low = 0;
  std::size_t high = size_;
  while (low < high) {
    std::size_t mid = low + (high - low) / 2;
    if (regions[mid].end > addr) {
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  return low;
}

const Region* RegionTable::find(VirtAddr addr) const noexcept {
  std::size_t i = lower_bound(addr);
  if (i == size_ || !data()[i].contains(addr)) return nullptr;
  return &data()[i];
}

bool RegionTable::overlaps(VirtAddr start, VirtAddr end) const noexcept {
  std::size_t i = lower_bound(start);
  return i < size_ && data()[i].start < end;
}

Result<void> RegionTable::reserve(std::size_t count) noexcept {
  if (count > kMaxRegions) return Error::NoMemory;
  std::size_t room = count + kSlack;
  if (room <= capacity_) return {};
  if (frames_ == nullptr) return Error::NoMemory;
  unsigned order = 0;
  while (capacity_of(order) < room) ++order;
  PhysAddr block = MOS_TRY(frames_->allocate_frames(order));
  if (size_ > 0) memory_copy(phys_map_.at<Region>(block), data(), size_ * sizeof(Region));
  if (capacity_ > 0) frames_->free_frames(block_, order_);
  block_ = block;
  order_ = order;
  capacity_ = capacity_of(order);
  return {};
}

void RegionTable::insert(std::size_t index, const Region& region) noexcept {
  MOS_ASSERT(index <= size_ && size_ < capacity_);
  Region* regions = data();
  memory_move(regions + index + 1, regions + index, (size_ - index) * sizeof(Region));
  regions[index] = region;
  ++size_;
  if (region.kind == RegionKind::Shared) region.object->acquire_mapping();
}

void RegionTable::erase(std::size_t first, std::size_t last) noexcept {
  MOS_ASSERT(first <= last && last <= size_);
  Region* regions = data();
  for (std::size_t i = first; i < last; ++i) {
    if (regions[i].kind == RegionKind::Shared) regions[i].object->release_mapping();
  }
  memory_move(regions + first, regions + last, (size_ - last) * sizeof(Region));
  size_ -= last - first;
}

void RegionTable::split(std::size_t index, VirtAddr at) noexcept {
  Region& region = (*this)[index];
  MOS_ASSERT(at > region.start && at < region.end && at.is_aligned(kPageSize));
  Region upper = region;
  upper.advance_start(at);
  region.end = at;
  insert(index + 1, upper);
}

bool RegionTable::merge_with_next(std::size_t index) noexcept {
  if (index + 1 >= size_) return false;
  Region& region = (*this)[index];
  const Region& next = (*this)[index + 1];
  if (!mergeable(region, next)) return false;
  region.end = next.end;
  region.populated = region.populated || next.populated;
  erase(index + 1, index + 2);
  return true;
}

std::size_t RegionTable::merge_around(std::size_t index) noexcept {
  merge_with_next(index);
  if (index > 0 && merge_with_next(index - 1)) --index;
  return index;
}

Result<void> RegionTable::assign(const RegionTable& other) noexcept {
  MOS_TRY(reserve(other.size_));
  erase(0, size_);
  if (other.size_ > 0) memory_copy(data(), other.data(), other.size_ * sizeof(Region));
  size_ = other.size_;
  for (const Region& region : regions()) {
    if (region.kind == RegionKind::Shared) region.object->acquire_mapping();
  }
  return {};
}

void RegionTable::release() noexcept {
  if (capacity_ > 0) erase(0, size_);
  if (capacity_ > 0) frames_->free_frames(block_, order_);
  capacity_ = 0;
  size_ = 0;
}

}  // namespace mos::mm
