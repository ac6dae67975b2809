// Split virtqueues. [virtio-1.1] 2.6
#include <drv/virtqueue.hpp>

#include <k/address.hpp>
#include <k/log.hpp>

#include <atomic>
#include <bit>

namespace mos::drv {

namespace {

// Offsets inside the rings, in 16-bit words (avail) or bytes. [virtio-1.1] 2.6.6, 2.6.8
constexpr std::size_t kRingFlags = 0;
constexpr std::size_t kRingIdx = 1;
constexpr std::size_t kRingEntries = 2;

std::uint16_t load_acquire(volatile std::uint16_t* p) noexcept {
  return std::atomic_ref<std::uint16_t>(*const_cast<std::uint16_t*>(p))
      .load(std::memory_order_acquire);
}
void store_release(volatile std::uint16_t* p, std::uint16_t v) noexcept {
  std::atomic_ref<std::uint16_t>(*const_cast<std::uint16_t*>(p)).store(v,
                                                                     std::memory_order_release);
}

}  // namespace

Virtqueue::~Virtqueue() {
  if (dma_ != nullptr) dma_->free(ring_);
}

Result<void> Virtqueue::init(DmaMemory& dma, VirtqueueTransport& transport, std::uint16_t index,
                             std::uint16_t size) noexcept {
  if (dma_ != nullptr || size == 0 || size > kMaxSize || !std::has_single_bit(size)) {
    return Error::InvalidArgument;
  }
  // Descriptor table (16-byte aligned), avail ring (2), used ring (4). [virtio-1.1] 2.6, table
  // "Virtqueue Part Alignment"
  const std::size_t descriptor_bytes = sizeof(virtio::Descriptor) * size;
  const std::size_t avail_bytes = 2 * (3 + std::size_t{size});
  avail_offset_ = descriptor_bytes;
  used_offset_ = align_up(avail_offset_ + avail_bytes, 4);
  const std::size_t used_bytes = 6 + sizeof(virtio::UsedElement) * size;
  ring_ = MOS_TRY(dma.allocate(used_offset_ + used_bytes));
  dma_ = &dma;
  transport_ = &transport;
  index_ = index;
  size_ = size;
  SpinLockGuard guard(lock_);
  for (std::uint16_t i = 0; i < size; ++i) slots_[i].next = static_cast<std::uint16_t>(i + 1);
  free_head_ = 0;
  num_free_ = size;
  return {};
}

virtio::Descriptor* Virtqueue::descriptors() const noexcept {
  return reinterpret_cast<virtio::Descriptor*>(ring_.virt);
}
volatile std::uint16_t* Virtqueue::avail() const noexcept {
  return reinterpret_cast<volatile std::uint16_t*>(ring_.virt + avail_offset_);
}
volatile std::uint16_t* Virtqueue::used_header() const noexcept {
  return reinterpret_cast<volatile std::uint16_t*>(ring_.virt + used_offset_);
}
volatile virtio::UsedElement* Virtqueue::used_ring() const noexcept {
  return reinterpret_cast<volatile virtio::UsedElement*>(ring_.virt + used_offset_ + 4);
}

Result<std::uint32_t> Virtqueue::transfer(std::span<const VirtqBuffer> chain) noexcept {
  if (chain.empty() || chain.size() > size_) return Error::InvalidArgument;
  Completion completion;
  bool kick = false;
  for (;;) {
    {
      SpinLockGuard guard(lock_);
      if (broken_) return Error::Io;
      if (num_free_ >= chain.size()) {
        publish(chain, completion);
        // The idx store must be visible before we look at whether the device wants a
        // notification, or both sides could skip theirs. [virtio-1.1] 2.6.13.6
        std::atomic_thread_fence(std::memory_order_seq_cst);
        kick = (used_header()[kRingFlags] & virtio::kUsedNoNotify) == 0;
        break;
      }
      descriptors_freed_.reset();
      ++descriptor_waits_;
    }
    (void)descriptors_freed_.wait();  // No deadline: it cannot fail.
  }
  // Outside the lock: a device model may complete synchronously and call process_used.
  if (kick) transport_->notify(index_);
  (void)completion.done.wait();
  if (completion.failed) return completion.error;
  return completion.length;
}

std::uint16_t Virtqueue::publish(std::span<const VirtqBuffer> chain,
                                 Completion& completion) noexcept {
  // The chain takes descriptors in free-list order, so the slots' next links already describe
  // it, and release() gives it back as one piece.
  const std::uint16_t head = free_head_;
  std::uint16_t d = head;
  std::uint64_t writable = 0;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const VirtqBuffer& buffer = chain[i];
    const bool last = i + 1 == chain.size();
    std::uint16_t flags = last ? 0 : virtio::desc_flag::kNext;
    if (buffer.direction == VirtqDirection::FromDevice) {
      flags |= virtio::desc_flag::kWrite;
      writable += buffer.length;
    }
    descriptors()[d] = {buffer.addr.value(), buffer.length, flags,
                        last ? std::uint16_t{0} : slots_[d].next};
    if (!last) d = slots_[d].next;
  }
  free_head_ = slots_[d].next;
  num_free_ = static_cast<std::uint16_t>(num_free_ - chain.size());
  Slot& slot = slots_[head];
  slot.completion = &completion;
  slot.count = static_cast<std::uint16_t>(chain.size());
  slot.writable = writable > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(writable);
  avail()[kRingEntries + avail_idx_ % size_] = head;
  ++avail_idx_;
  // Descriptors and the ring entry before the index that publishes them. [virtio-1.1] 2.6.13.5
  store_release(&avail()[kRingIdx], avail_idx_);
  ++in_flight_;
  return head;
}

void Virtqueue::release(std::uint16_t head) noexcept {
  Slot& first = slots_[head];
  std::uint16_t tail = head;
  for (std::uint16_t i = 1; i < first.count; ++i) tail = slots_[tail].next;
  slots_[tail].next = free_head_;
  free_head_ = head;
  num_free_ = static_cast<std::uint16_t>(num_free_ + first.count);
  first.completion = nullptr;
  first.count = 0;
  --in_flight_;
}

void Virtqueue::process_used() noexcept {
  SpinLockGuard guard(lock_);
  if (broken_ || size_ == 0) return;
  // Entries before the index are complete once we see it. [virtio-1.1] 2.6.8
  const std::uint16_t used_idx = load_acquire(&used_header()[kRingIdx]);
  const auto pending = static_cast<std::uint16_t>(used_idx - last_used_);
  if (pending > in_flight_) {
    log::warn("virtio: queue {}: used index moved by {} with {} in flight", index_, pending,
              in_flight_);
    break_queue();
    return;
  }
  bool freed = false;
  for (std::uint16_t i = 0; i < pending; ++i) {
    volatile virtio::UsedElement& element = used_ring()[last_used_ % size_];
    const std::uint32_t id = element.id;
    const std::uint32_t length = element.len;
    if (id >= size_ || slots_[id].completion == nullptr) {
      log::warn("virtio: queue {}: used id {} is not a chain in flight", index_, id);
      break_queue();
      return;
    }
    Completion& completion = *slots_[id].completion;
    if (length > slots_[id].writable) {
      // The data may be fine, but the device says it wrote more than we gave it.
      completion.failed = true;
      completion.error = Error::Protocol;
    } else {
      completion.length = length;
    }
    release(static_cast<std::uint16_t>(id));
    ++last_used_;
    freed = true;
    completion.done.set();
  }
  if (freed) descriptors_freed_.set();
}

void Virtqueue::break_queue() noexcept {
  broken_ = true;
  // Stop the device first, so it no longer writes into buffers that the failed requests' owners
  // are about to free.
  transport_->device_broken();
  for (std::uint16_t i = 0; i < size_; ++i) {
    if (Completion* completion = slots_[i].completion) {
      slots_[i].completion = nullptr;
      completion->failed = true;
      completion->error = Error::Protocol;
      completion->done.set();
    }
  }
  in_flight_ = 0;
  // Threads waiting for descriptors see broken_ and give up.
  descriptors_freed_.set();
}

}  // namespace mos::drv
