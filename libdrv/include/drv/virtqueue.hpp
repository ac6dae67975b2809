#pragma once
/// A split virtqueue [virtio-1.1] 2.6: the descriptor table with a free list, the driver (avail)
/// ring the driver publishes chains in, and the device (used) ring the interrupt handler reaps.
/// Several threads may transfer at once; each blocks until its chain completes, and a thread
/// that finds too few free descriptors waits for completions to free some (it does not fail).
/// What the device writes to the used ring is checked: an id that is out of range or not in
/// flight, or an index that moved by more than the queue size, breaks the queue (every request
/// in flight fails with Error::Protocol, later ones with Error::Io, and the transport is told so
/// it can stop the device); a length larger than the chain's writable bytes fails that request
/// with Error::Protocol.

#include <drv/dma.hpp>
#include <drv/virtio.hpp>

#include <sched/event.hpp>

#include <k/address.hpp>
#include <k/result.hpp>
#include <k/spin_lock.hpp>

#include <array>
#include <cstdint>
#include <span>

namespace mos::drv {

/// What a virtqueue needs from its transport.
class VirtqueueTransport {
 public:
  /// Tells the device that queue `index` has new buffers. [virtio-1.1] 4.1.4.4
  virtual void notify(std::uint16_t index) noexcept = 0;
  /// The device broke the ring protocol; stop it (a reset), so it no longer touches memory the
  /// failed requests' owners are about to free.
  virtual void device_broken() noexcept = 0;

 protected:
  ~VirtqueueTransport() = default;
};

/// Who reads a buffer.
enum class VirtqDirection : std::uint8_t {
  ToDevice,    ///< The device reads it.
  FromDevice,  ///< The device writes it (descriptor flag WRITE).
};

/// One buffer of a chain, in DMA memory.
struct VirtqBuffer {
  PhysAddr addr;
  std::uint32_t length = 0;
  VirtqDirection direction = VirtqDirection::ToDevice;
};

/// See the file comment.
class Virtqueue {
 public:
  /// The largest queue this implementation drives (driver-side state is inline).
  static constexpr std::uint16_t kMaxSize = 256;

  constexpr Virtqueue() noexcept = default;
  ~Virtqueue();
  Virtqueue(const Virtqueue&) = delete;
  Virtqueue& operator=(const Virtqueue&) = delete;

  /// Allocates the rings for `size` descriptors (a power of two, 1..kMaxSize) from `dma`, for
  /// queue `index` of `transport`. Error::InvalidArgument, Error::NoMemory.
  Result<void> init(DmaMemory& dma, VirtqueueTransport& transport, std::uint16_t index,
                    std::uint16_t size) noexcept;

  /// Queue size (descriptors).
  std::uint16_t size() const noexcept { return size_; }
  /// Its index on the device.
  std::uint16_t index() const noexcept { return index_; }
  /// The descriptor table's device address (queue_desc).
  PhysAddr descriptor_area() const noexcept { return ring_.phys; }
  /// The driver (avail) ring's device address (queue_driver).
  PhysAddr driver_area() const noexcept { return ring_.phys + avail_offset_; }
  /// The device (used) ring's device address (queue_device).
  PhysAddr device_area() const noexcept { return ring_.phys + used_offset_; }

  /// Publishes `chain` (1..size() buffers, device-readable ones conventionally first), notifies
  /// the device and blocks until it is used. Returns the bytes the device says it wrote.
  /// Errors: Error::InvalidArgument (empty or longer than the queue), Error::Protocol (the
  /// device broke the protocol for this request), Error::Io (the queue is broken). Not from
  /// interrupt handlers.
  Result<std::uint32_t> transfer(std::span<const VirtqBuffer> chain) noexcept;

  /// Completes every chain the device has used and wakes its thread. Called from the interrupt
  /// handler (or any context); it never blocks.
  void process_used() noexcept;

  /// Whether the device broke the protocol (the queue takes no more requests).
  bool broken() const noexcept { return broken_; }
  /// Descriptors free now.
  std::uint16_t free_descriptors() const noexcept { return num_free_; }
  /// How often a transfer found too few free descriptors and waited (for tests and statistics).
  std::uint64_t descriptor_waits() const noexcept { return descriptor_waits_; }

 private:
  // What the waiting thread learns about its request.
  struct Completion {
    sched::Event done;
    std::uint32_t length = 0;
    Error error = Error::Io;
    bool failed = false;
  };
  // Driver-private state per descriptor: the device can write the table, so the chain shape and
  // the free list are kept here and never read back from device-visible memory.
  struct Slot {
    Completion* completion = nullptr;  // Non-null on a chain head that is in flight.
    std::uint16_t next = 0;            // Next in the chain, or in the free list.
    std::uint16_t count = 0;           // Head: descriptors in the chain.
    std::uint32_t writable = 0;        // Head: bytes the device may write.
  };

  virtio::Descriptor* descriptors() const noexcept;
  volatile std::uint16_t* avail() const noexcept;  // flags, idx, ring[size], used_event
  volatile std::uint16_t* used_header() const noexcept;  // flags, idx
  volatile virtio::UsedElement* used_ring() const noexcept;
  std::uint16_t publish(std::span<const VirtqBuffer> chain, Completion& completion) noexcept;
  void release(std::uint16_t head) noexcept;
  void break_queue() noexcept;

  DmaMemory* dma_ = nullptr;
  VirtqueueTransport* transport_ = nullptr;
  DmaRegion ring_;
  std::size_t avail_offset_ = 0;
  std::size_t used_offset_ = 0;
  std::uint16_t index_ = 0;
  std::uint16_t size_ = 0;

  // Guards everything below it except the event (the thread-safety macros of STYLE.md do not
  // exist in libk yet). Interrupt handlers take it too: it is a SpinLock.
  SpinLock lock_;
  std::array<Slot, kMaxSize> slots_{};
  std::uint16_t free_head_ = 0;
  std::uint16_t num_free_ = 0;
  std::uint16_t avail_idx_ = 0;  // Our copy of avail->idx.
  std::uint16_t last_used_ = 0;  // used->idx up to which we reaped.
  std::uint16_t in_flight_ = 0;  // Chains published and not yet used.
  bool broken_ = false;
  std::uint64_t descriptor_waits_ = 0;
  // Set whenever descriptors return to the free list; a thread waiting for them resets it under
  // lock_ before it checks, so no freeing can slip between its check and its wait.
  sched::Event descriptors_freed_{sched::Event::Reset::Manual};
};

}  // namespace mos::drv
