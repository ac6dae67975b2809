#pragma once
/// A behavioural virtio-blk device for host tests of the real driver: a PCI function (in a
/// FakePciConfigSpace) with the modern vendor capabilities, one 64-bit memory BAR holding the
/// common configuration, ISR, device configuration and notify structures, and a disk backed by
/// a byte array. On a notification it reads the avail ring from DMA memory (FakeDmaMemory),
/// executes each request (IN, OUT, FLUSH), writes the status byte and a used entry, then raises
/// its interrupt (sets ISR bit 0 and calls the handler the test installed) — at once in the
/// notifying thread (Mode::Synchronous), or when a device thread calls run_device() (Mode::
/// Deferred), which completes requests in reverse order of arrival. It checks what the driver
/// does (addresses inside DMA memory, chain shape, segment limits, status protocol) and records
/// violations instead of crashing; faults can be injected per request.

#include "fake_dma.hpp"
#include "fake_pci.hpp"

#include <drv/mmio.hpp>
#include <drv/virtio.hpp>
#include <drv/virtio_blk.hpp>

#include <sched/thread.hpp>

#include <k/spin_lock.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace mos::testing {

/// See the file comment.
class FakeVirtioBlk final : public drv::MmioWindow {
 public:
  /// When requests complete.
  enum class Mode { Synchronous, Deferred };

  /// The device's shape.
  struct Options {
    std::uint64_t sectors = 256;
    bool version_1 = true;           ///< Offer VIRTIO_F_VERSION_1.
    bool refuse_features_ok = false; ///< Never let FEATURES_OK stick.
    bool read_only = false;          ///< Offer VIRTIO_BLK_F_RO.
    bool flush = true;               ///< Offer VIRTIO_BLK_F_FLUSH.
    std::uint32_t size_max = 0;      ///< Offer VIRTIO_BLK_F_SIZE_MAX with this, if non-zero.
    std::uint32_t seg_max = 0;       ///< Offer VIRTIO_BLK_F_SEG_MAX with this, if non-zero.
    std::uint32_t blk_size = 0;      ///< Offer VIRTIO_BLK_F_BLK_SIZE with this, if non-zero.
    std::uint16_t max_queue_size = 128;
    std::uint16_t msix_entries = 0;  ///< MSI-X vectors it accepts (0: none).
    Mode mode = Mode::Synchronous;
  };

  /// Where the fake's BAR 4 is.
  static constexpr std::uint64_t kBarBase = 0xfe000000;
  static constexpr std::uint64_t kBarSize = 0x4000;
  static constexpr std::uint32_t kCommonAt = 0x0000;
  static constexpr std::uint32_t kIsrAt = 0x1000;
  static constexpr std::uint32_t kDeviceAt = 0x2000;
  static constexpr std::uint32_t kNotifyAt = 0x3000;
  static constexpr std::uint32_t kNotifyMultiplier = 4;

  /// Puts the device at `address` of `config`, its BAR into `mapper`; DMA through `dma`.
  FakeVirtioBlk(FakePciConfigSpace& config, drv::PciAddress address, FakeMmioMapper& mapper,
                FakeDmaMemory& dma, Options options)
      : options_(options), dma_(dma), disk_(options.sectors * 512) {
    FakePciFunction& f = config.add(address, drv::virtio::kPciVendor,
                                    drv::virtio_blk::kPciModern, 0x01, 0x00);
    f.set(0x3c, 11, 1);
    f.set(0x3d, 1, 1);
    f.add_memory_bar(4, kBarBase, kBarSize, true);
    add_virtio_cap(f, drv::virtio::pci_cfg::kCommon, kCommonAt, drv::virtio::common::kSize);
    add_virtio_cap(f, drv::virtio::pci_cfg::kNotify, kNotifyAt, 0x1000, true);
    add_virtio_cap(f, drv::virtio::pci_cfg::kIsr, kIsrAt, 4);
    add_virtio_cap(f, drv::virtio::pci_cfg::kDevice, kDeviceAt, 0x100);
    mapper.add(PhysAddr(kBarBase), *this);
    features_ = drv::virtio_blk::kSizeMax * (options.size_max != 0) |
                drv::virtio_blk::kSegMax * (options.seg_max != 0) |
                drv::virtio_blk::kBlockSize * (options.blk_size != 0) |
                drv::virtio_blk::kReadOnly * options.read_only |
                drv::virtio_blk::kFlush * options.flush |
                drv::virtio::feature::kVersion1 * options.version_1 |
                drv::virtio::feature::kEventIdx;  // Offered; the driver must not take it.
    put(0, options.sectors, 8);
    put(8, options.size_max, 4);
    put(12, options.seg_max, 4);
    put(20, options.blk_size, 4);
    reset_locked();
  }

  /// The interrupt: called after ISR bit 0 is set (INTx) or for the queue's MSI-X vector.
  void on_interrupt(std::function<void()> handler) { interrupt_ = std::move(handler); }

  /// The disk's bytes.
  std::vector<std::byte>& disk() { return disk_; }
  /// Faults for the next request processed.
  void fail_next_with(std::uint8_t status) { next_status_ = status; }
  /// The next used entry names a descriptor that is not a chain head in flight.
  void bogus_used_id_next() { bogus_id_next_ = true; }
  /// The next used entry claims more bytes written than the chain has.
  void overlong_len_next() { overlong_next_ = true; }

  /// Deferred mode: completes every pending request, last arrived first, and raises the
  /// interrupt; returns how many it completed. For a device thread (or the test itself).
  int run_device() {
    std::vector<Pending> batch;
    {
      SpinLockGuard guard(lock_);
      collect_locked();
      batch.swap(pending_);
    }
    if (batch.empty()) return 0;
    std::reverse(batch.begin(), batch.end());
    if (batch.size() > 1) out_of_order_ += static_cast<int>(batch.size() - 1);
    {
      SpinLockGuard guard(lock_);
      for (Pending& p : batch) complete_locked(p);
    }
    raise();
    return static_cast<int>(batch.size());
  }
  /// Deferred mode: requests seen and not completed.
  std::size_t pending() {
    SpinLockGuard guard(lock_);
    collect_locked();
    return pending_.size();
  }

  // Observations.
  const std::vector<std::uint8_t>& status_writes() const { return status_writes_; }
  std::uint64_t driver_features() const { return driver_features_; }
  std::uint8_t device_status() const { return status_; }
  std::uint16_t queue_size() const { return queue_.size; }
  std::uint16_t queue_vector() const { return queue_.msix; }
  int reads() const { return counts_[0]; }
  int writes() const { return counts_[1]; }
  int flushes() const { return counts_[2]; }
  std::uint32_t largest_segment() const { return largest_segment_; }
  std::uint32_t most_segments() const { return most_segments_; }
  int out_of_order() const { return out_of_order_; }
  int most_in_flight() const { return most_in_flight_; }
  const std::vector<std::string>& violations() const { return violations_; }

  // MmioWindow: BAR 4.
  std::uint64_t size() const noexcept override { return kBarSize; }
  std::uint8_t read8(std::uintptr_t o) noexcept override {
    return static_cast<std::uint8_t>(read(o, 1));
  }
  std::uint16_t read16(std::uintptr_t o) noexcept override {
    return static_cast<std::uint16_t>(read(o, 2));
  }
  std::uint32_t read32(std::uintptr_t o) noexcept override {
    return static_cast<std::uint32_t>(read(o, 4));
  }
  std::uint64_t read64(std::uintptr_t o) noexcept override {
    violation("64-bit MMIO read");
    return read(o, 4) | (read(o + 4, 4) << 32);
  }
  void write8(std::uintptr_t o, std::uint8_t v) noexcept override { write(o, v, 1); }
  void write16(std::uintptr_t o, std::uint16_t v) noexcept override { write(o, v, 2); }
  void write32(std::uintptr_t o, std::uint32_t v) noexcept override { write(o, v, 4); }
  void write64(std::uintptr_t o, std::uint64_t v) noexcept override {
    violation("64-bit MMIO write");
    write(o, v & 0xffffffff, 4);
    write(o + 4, v >> 32, 4);
  }

 private:
  struct Queue {
    std::uint16_t size = 0;
    std::uint16_t msix = drv::virtio::kNoVector;
    std::uint16_t enable = 0;
    std::uint64_t desc = 0, driver = 0, device = 0;
    std::uint16_t last_avail = 0;
    std::uint16_t used_idx = 0;
  };
  struct Segment {
    std::byte* p;
    std::uint32_t len;
    bool device_writes;
  };
  struct Pending {
    std::uint16_t head;
    std::vector<Segment> segments;
  };

  static void add_virtio_cap(FakePciFunction& f, std::uint8_t type, std::uint32_t offset,
                             std::uint32_t length, bool notify = false) {
    const std::uint8_t at = f.add_capability(drv::pci_cap::kVendorSpecific, notify ? 20 : 16);
    f.set(at + 2, notify ? 20 : 16, 1);
    f.set(at + 3, type, 1);
    f.set(at + 4, 4, 1);
    f.set(at + 8, offset, 4);
    f.set(at + 12, length, 4);
    if (notify) f.set(at + 16, kNotifyMultiplier, 4);
  }
  void put(std::size_t at, std::uint64_t v, int width) {
    for (int i = 0; i < width; ++i) config_[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  }
  void violation(std::string what) {
    SpinLockGuard guard(violations_lock_);
    violations_.push_back(std::move(what));
  }

  void reset_locked() {
    status_ = 0;
    driver_features_ = 0;
    device_select_ = driver_select_ = 0;
    queue_select_ = 0;
    msix_config_ = drv::virtio::kNoVector;
    queue_ = Queue{};
    queue_.size = options_.max_queue_size;
    pending_.clear();
    isr_ = 0;
  }

  std::uint64_t read(std::uintptr_t o, int width) {
    namespace c = drv::virtio::common;
    if (o >= kIsrAt && o < kIsrAt + 4) return isr_.exchange(0);
    if (o >= kDeviceAt && o + width <= kDeviceAt + config_.size()) {
      std::uint64_t v = 0;
      for (int i = 0; i < width; ++i) v |= std::uint64_t{config_[o - kDeviceAt + i]} << (8 * i);
      return v;
    }
    SpinLockGuard guard(lock_);
    const bool selected = queue_select_ == 0;
    switch (o) {
      case c::kDeviceFeatureSelect: return device_select_;
      case c::kDeviceFeature:
        return device_select_ == 0 ? static_cast<std::uint32_t>(features_)
               : device_select_ == 1 ? static_cast<std::uint32_t>(features_ >> 32) : 0;
      case c::kDriverFeatureSelect: return driver_select_;
      case c::kDriverFeature:
        return static_cast<std::uint32_t>(driver_features_ >> (32 * (driver_select_ & 1)));
      case c::kMsixConfig: return msix_config_;
      case c::kNumQueues: return 1;
      case c::kDeviceStatus: return status_;
      case c::kConfigGeneration: return 0;
      case c::kQueueSelect: return queue_select_;
      case c::kQueueSize: return selected ? queue_.size : 0;
      case c::kQueueMsixVector: return selected ? queue_.msix : drv::virtio::kNoVector;
      case c::kQueueEnable: return selected ? queue_.enable : 0;
      case c::kQueueNotifyOff: return 0;
      default: violation("read of unknown register " + std::to_string(o)); return 0;
    }
  }

  void write(std::uintptr_t o, std::uint64_t v, int width) {
    namespace c = drv::virtio::common;
    if (o >= kNotifyAt && o < kNotifyAt + 0x1000) {
      if (width != 2 || v != 0) violation("bad notify");
      notified();
      return;
    }
    SpinLockGuard guard(lock_);
    const bool selected = queue_select_ == 0;
    auto set64 = [&](std::uint64_t& field, std::uintptr_t base) {
      const unsigned shift = o == base ? 0 : 32;
      field = (field & ~(0xffffffffull << shift)) | ((v & 0xffffffff) << shift);
    };
    switch (o) {
      case c::kDeviceFeatureSelect: device_select_ = static_cast<std::uint32_t>(v); return;
      case c::kDriverFeatureSelect: driver_select_ = static_cast<std::uint32_t>(v); return;
      case c::kDriverFeature: {
        const unsigned shift = 32 * (driver_select_ & 1);
        driver_features_ = (driver_features_ & ~(0xffffffffull << shift)) | (v << shift);
        return;
      }
      case c::kMsixConfig:
        msix_config_ = v < options_.msix_entries ? static_cast<std::uint16_t>(v)
                                                 : drv::virtio::kNoVector;
        return;
      case c::kDeviceStatus: status_written(static_cast<std::uint8_t>(v)); return;
      case c::kQueueSelect: queue_select_ = static_cast<std::uint16_t>(v); return;
      case c::kQueueSize:
        if (!selected) return;
        if (v > options_.max_queue_size || (v & (v - 1)) != 0) violation("bad queue size");
        queue_.size = static_cast<std::uint16_t>(v);
        return;
      case c::kQueueMsixVector:
        if (selected) {
          queue_.msix = v < options_.msix_entries ? static_cast<std::uint16_t>(v)
                                                  : drv::virtio::kNoVector;
        }
        return;
      case c::kQueueEnable:
        if (selected) queue_.enable = static_cast<std::uint16_t>(v);
        return;
      case c::kQueueDesc: case c::kQueueDesc + 4: set64(queue_.desc, c::kQueueDesc); return;
      case c::kQueueDriver: case c::kQueueDriver + 4: set64(queue_.driver, c::kQueueDriver); return;
      case c::kQueueDevice: case c::kQueueDevice + 4: set64(queue_.device, c::kQueueDevice); return;
      default: violation("write of unknown register " + std::to_string(o)); return;
    }
  }

  void status_written(std::uint8_t v) {
    status_writes_.push_back(v);
    if (v == 0) {
      reset_locked();
      return;
    }
    namespace s = drv::virtio::status;
    if ((v & s::kFeaturesOk) && !(status_ & s::kFeaturesOk)) {
      const bool subset = (driver_features_ & ~features_) == 0;
      const bool v1 = (driver_features_ & drv::virtio::feature::kVersion1) != 0;
      if (options_.refuse_features_ok || !subset || !v1) v &= ~s::kFeaturesOk;
      if (driver_features_ & drv::virtio::feature::kEventIdx) violation("took EVENT_IDX");
    }
    if ((v & s::kDriverOk) && queue_.enable != 1) violation("DRIVER_OK without a queue");
    status_ = v;
  }

  bool live_locked() const {
    return (status_ & drv::virtio::status::kDriverOk) && queue_.enable == 1;
  }

  void notified() {
    bool completed = false;
    {
      SpinLockGuard guard(lock_);
      if (!live_locked()) return;
      collect_locked();
      if (options_.mode == Mode::Synchronous) {
        for (Pending& p : pending_) complete_locked(p);
        completed = !pending_.empty();
        pending_.clear();
      }
    }
    if (completed) raise();
  }

  void raise() {
    isr_.fetch_or(drv::virtio::isr::kQueue);
    if (interrupt_) interrupt_();
  }

  template <class T>
  T* at(std::uint64_t phys, std::uint64_t bytes) {
    return reinterpret_cast<T*>(dma_.translate(phys, bytes));
  }

  // Takes every newly available chain off the avail ring into pending_.
  void collect_locked() {
    if (!live_locked()) return;
    const std::uint16_t n = queue_.size;
    auto* avail = at<std::uint16_t>(queue_.driver, 6 + 2 * n);
    auto* table = at<drv::virtio::Descriptor>(queue_.desc, 16 * n);
    if (avail == nullptr || table == nullptr) {
      violation("rings outside DMA memory");
      return;
    }
    const std::uint16_t idx =
        std::atomic_ref<std::uint16_t>(avail[1]).load(std::memory_order_acquire);
    while (queue_.last_avail != idx) {
      const std::uint16_t head = avail[2 + queue_.last_avail % n];
      ++queue_.last_avail;
      Pending p{head, {}};
      std::uint16_t d = head;
      for (unsigned hops = 0;; ++hops) {
        if (d >= n || hops >= n) {
          violation("bad chain");
          break;
        }
        const drv::virtio::Descriptor desc = table[d];
        std::byte* bytes = at<std::byte>(desc.addr, desc.len);
        if (bytes == nullptr) violation("buffer outside DMA memory");
        p.segments.push_back({bytes, desc.len, (desc.flags & drv::virtio::desc_flag::kWrite) != 0});
        if (!(desc.flags & drv::virtio::desc_flag::kNext)) break;
        d = desc.next;
      }
      pending_.push_back(std::move(p));
    }
    most_in_flight_ = std::max(most_in_flight_, static_cast<int>(pending_.size()));
  }

  // Executes one request and writes its used entry.
  void complete_locked(Pending& p) {
    std::uint32_t written = 0;
    std::uint8_t status = execute(p, written);
    if (next_status_ >= 0) {
      status = static_cast<std::uint8_t>(next_status_);
      next_status_ = -1;
    }
    if (!p.segments.empty()) {
      Segment& last = p.segments.back();
      if (last.p != nullptr && last.len == 1 && last.device_writes) {
        *reinterpret_cast<std::uint8_t*>(last.p) = status;
        ++written;
      }
    }
    const std::uint16_t n = queue_.size;
    auto* used = at<std::byte>(queue_.device, 6 + 8 * n);
    if (used == nullptr) {
      violation("used ring outside DMA memory");
      return;
    }
    drv::virtio::UsedElement element{p.head, written};
    if (bogus_id_next_) {
      element.id = n + 5u;
      bogus_id_next_ = false;
    }
    if (overlong_next_) {
      element.len = written + 4096;
      overlong_next_ = false;
    }
    std::memcpy(used + 4 + 8 * (queue_.used_idx % n), &element, sizeof element);
    ++queue_.used_idx;
    std::atomic_ref<std::uint16_t>(*reinterpret_cast<std::uint16_t*>(used + 2))
        .store(queue_.used_idx, std::memory_order_release);
  }

  std::uint8_t execute(const Pending& p, std::uint32_t& written) {
    namespace b = drv::virtio_blk;
    const auto& s = p.segments;
    if (s.size() < 2 || s[0].p == nullptr || s[0].len != 16 || s[0].device_writes ||
        s.back().len != 1 || !s.back().device_writes) {
      violation("malformed request chain");
      return b::kStatusIoErr;
    }
    b::RequestHeader h;
    std::memcpy(&h, s[0].p, sizeof h);
    const std::size_t data_segments = s.size() - 2;
    std::uint64_t offset = h.sector * 512;
    if (h.type == b::kTypeFlush) {
      ++counts_[2];
      if (data_segments != 0) violation("flush with data");
      return b::kStatusOk;
    }
    if (h.type != b::kTypeIn && h.type != b::kTypeOut) return b::kStatusUnsupported;
    ++counts_[h.type == b::kTypeIn ? 0 : 1];
    most_segments_ = std::max<std::uint32_t>(most_segments_, static_cast<std::uint32_t>(data_segments));
    if (options_.seg_max != 0 && data_segments > options_.seg_max) violation("more than seg_max");
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      const Segment& seg = s[i];
      largest_segment_ = std::max(largest_segment_, seg.len);
      if (options_.size_max != 0 && seg.len > options_.size_max) violation("segment > size_max");
      if (seg.device_writes != (h.type == b::kTypeIn)) violation("data direction");
      if (seg.p == nullptr || offset + seg.len > disk_.size()) return b::kStatusIoErr;
      if (h.type == b::kTypeIn) {
        std::memcpy(seg.p, disk_.data() + offset, seg.len);
        written += seg.len;
      } else {
        if (options_.read_only) return b::kStatusIoErr;
        std::memcpy(disk_.data() + offset, seg.p, seg.len);
      }
      offset += seg.len;
    }
    return b::kStatusOk;
  }

  Options options_;
  FakeDmaMemory& dma_;
  std::vector<std::byte> disk_;
  std::array<std::uint8_t, 0x100> config_{};
  std::uint64_t features_ = 0;
  std::function<void()> interrupt_;

  SpinLock lock_;  // Registers and the queue; the interrupt is raised without it.
  std::uint8_t status_ = 0;
  std::uint64_t driver_features_ = 0;
  std::uint32_t device_select_ = 0, driver_select_ = 0;
  std::uint16_t queue_select_ = 0;
  std::uint16_t msix_config_ = drv::virtio::kNoVector;
  Queue queue_;
  std::vector<Pending> pending_;
  std::atomic<std::uint8_t> isr_{0};
  int next_status_ = -1;
  bool bogus_id_next_ = false;
  bool overlong_next_ = false;

  std::vector<std::uint8_t> status_writes_;
  int counts_[3] = {};
  std::uint32_t largest_segment_ = 0;
  std::uint32_t most_segments_ = 0;
  int out_of_order_ = 0;
  int most_in_flight_ = 0;
  SpinLock violations_lock_;
  std::vector<std::string> violations_;
};

}  // namespace mos::testing
