#pragma once
/// virtio-blk [virtio-1.1] 5.2 over the modern PCI transport: a vfs::BlockDevice of 512-byte
/// sectors. Each read or write is cut into requests that respect the device's limits (segment
/// size and count, when it advertises them) and a bounce buffer in DMA memory (callers pass
/// ordinary kernel memory); each request is header + data + status byte on one virtqueue.
/// Several threads may have requests in flight; a full queue makes them wait. The kernel
/// delivers the device's interrupt to on_interrupt() (INTx) or on_queue_interrupt() (MSI-X).

#include <drv/dma.hpp>
#include <drv/mmio.hpp>
#include <drv/pci.hpp>
#include <drv/virtio.hpp>
#include <drv/virtio_pci.hpp>
#include <drv/virtqueue.hpp>

#include <vfs/block_device.hpp>

#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstdint>
#include <span>

namespace mos::drv {

/// virtio-blk numbers. [virtio-1.1] 5.2
namespace virtio_blk {
/// PCI device ids: transitional and modern (0x1040 + device id 2).
inline constexpr std::uint16_t kPciTransitional = 0x1001;
inline constexpr std::uint16_t kPciModern = 0x1042;

/// Feature bits. [virtio-1.1] 5.2.3
inline constexpr std::uint64_t kSizeMax = std::uint64_t{1} << 1;
inline constexpr std::uint64_t kSegMax = std::uint64_t{1} << 2;
inline constexpr std::uint64_t kGeometry = std::uint64_t{1} << 4;
inline constexpr std::uint64_t kReadOnly = std::uint64_t{1} << 5;
inline constexpr std::uint64_t kBlockSize = std::uint64_t{1} << 6;
inline constexpr std::uint64_t kFlush = std::uint64_t{1} << 9;

/// Offsets in the device configuration. [virtio-1.1] 5.2.4
inline constexpr std::uint32_t kConfigCapacity = 0;
inline constexpr std::uint32_t kConfigSizeMax = 8;
inline constexpr std::uint32_t kConfigSegMax = 12;
inline constexpr std::uint32_t kConfigBlockSize = 20;

/// Request types. [virtio-1.1] 5.2.6
inline constexpr std::uint32_t kTypeIn = 0;
inline constexpr std::uint32_t kTypeOut = 1;
inline constexpr std::uint32_t kTypeFlush = 4;

/// Request status values.
inline constexpr std::uint8_t kStatusOk = 0;
inline constexpr std::uint8_t kStatusIoErr = 1;
inline constexpr std::uint8_t kStatusUnsupported = 2;

/// The request header the device reads first.
struct RequestHeader {
  std::uint32_t type;
  std::uint32_t reserved;
  std::uint64_t sector;  ///< Always in 512-byte units.
};
static_assert(sizeof(RequestHeader) == 16);
}  // namespace virtio_blk

/// How the kernel wants a virtio-blk device driven.
struct VirtioBlkOptions {
  /// How the device's interrupts arrive.
  enum class Interrupts : std::uint8_t {
    Intx,  ///< The legacy line (PciFunction::interrupt_line); on_interrupt() reads the ISR.
    Msix,  ///< MSI-X table entries config_vector and queue_vector, which the caller programs
           ///< (PciMsix) and routes; the queue's goes to on_queue_interrupt().
  };
  Interrupts interrupts = Interrupts::Intx;
  std::uint16_t config_vector = virtio::kNoVector;  ///< MSI-X entry for config changes.
  std::uint16_t queue_vector = virtio::kNoVector;   ///< MSI-X entry for the request queue.
  /// The queue size we ask for; the device's maximum and powers of two may make it smaller.
  std::uint16_t queue_size = 128;
  /// The largest request (and bounce buffer) in bytes; a multiple of 512.
  std::uint32_t max_request_bytes = 64 * 1024;
};

/// See the file comment.
class VirtioBlk final : public vfs::BlockDevice {
 public:
  /// The features this driver negotiates (besides VIRTIO_F_VERSION_1).
  static constexpr std::uint64_t kSupportedFeatures = virtio_blk::kSizeMax | virtio_blk::kSegMax |
                                                      virtio_blk::kReadOnly |
                                                      virtio_blk::kBlockSize | virtio_blk::kFlush;
  /// The most data segments one request uses.
  static constexpr std::uint32_t kMaxSegments = 32;
  /// Bytes per sector (virtio-blk addresses 512-byte sectors whatever its blk_size).
  static constexpr std::uint32_t kSectorSize = 512;

  /// Brings up the virtio-blk `function` (device id 0x1001 or 0x1042): transport, negotiation,
  /// configuration, queue 0, DRIVER_OK. Errors: Error::NoDevice (not a virtio-blk function or
  /// no usable capabilities), Error::NotSupported (no VERSION_1, FEATURES_OK refused, limits no
  /// request can meet), Error::Io (an MSI-X vector refused), Error::NoMemory, Error::TimedOut.
  static Result<RefPtr<VirtioBlk>> create(PciConfigSpace& config, const PciFunction& function,
                                          MmioMapper& mapper, DmaMemory& dma,
                                          const VirtioBlkOptions& options = {}) noexcept;

  std::uint32_t sector_size() const noexcept override { return kSectorSize; }
  std::uint64_t sector_count() const noexcept override { return capacity_; }
  bool read_only() const noexcept override { return read_only_; }
  /// Errors of BlockDevice::read; Error::Io for a device IOERR, Error::NotSupported for UNSUPP,
  /// Error::Protocol for a device that broke the protocol, Error::NoMemory for bounce buffers.
  Result<void> read(std::uint64_t first_sector, std::span<std::byte> out) noexcept override;
  /// As read; Error::ReadOnlyFileSystem on a read-only disk.
  Result<void> write(std::uint64_t first_sector, std::span<const std::byte> data) noexcept override;
  /// A FLUSH request if the device has a write cache (VIRTIO_BLK_F_FLUSH), else nothing to do.
  /// Error::Io on IOERR.
  Result<void> flush() noexcept override;

  /// INTx handler: reads (and clears) the ISR status and completes used requests; returns
  /// whether the device had raised the interrupt (the line may be shared).
  bool on_interrupt() noexcept;
  /// MSI-X handler of the queue vector: completes used requests.
  void on_queue_interrupt() noexcept { queue_.process_used(); }

  /// The negotiated features.
  std::uint64_t features() const noexcept { return features_; }
  /// The device's preferred block size (VIRTIO_BLK_F_BLK_SIZE), else 512.
  std::uint32_t block_size() const noexcept { return block_size_; }
  /// The largest request this driver sends, in bytes.
  std::uint32_t max_request_bytes() const noexcept { return max_request_; }
  /// The queue (for statistics and tests).
  const Virtqueue& queue() const noexcept { return queue_; }

  ~VirtioBlk() override;

 private:
  VirtioBlk(VirtioPciTransport transport, DmaMemory& dma) noexcept
      : transport_(transport), dma_(dma) {}
  Result<void> start(const VirtioBlkOptions& options) noexcept;
  // One request: `type` at `sector`, the header and status in `header`, `bytes` of data at the
  // start of `data`.
  Result<void> request(std::uint32_t type, std::uint64_t sector, const DmaRegion& header,
                       const DmaRegion& data, std::uint32_t bytes) noexcept;

  VirtioPciTransport transport_;
  DmaMemory& dma_;
  Virtqueue queue_;
  bool started_ = false;
  std::uint64_t features_ = 0;
  std::uint64_t capacity_ = 0;
  bool read_only_ = false;
  std::uint32_t block_size_ = kSectorSize;
  std::uint32_t segment_bytes_ = 0;  // Largest data segment (size_max), 0: unlimited.
  std::uint32_t max_segments_ = 1;
  std::uint32_t max_request_ = 0;
};

}  // namespace mos::drv
