#pragma once
/// The virtio 1.x modern PCI transport [virtio-1.1] 4.1: finds the common, notify, ISR and
/// device configuration structures through the vendor-specific capabilities, maps the BARs
/// holding them, and runs the device status protocol (reset, ACKNOWLEDGE, DRIVER, feature
/// negotiation with VIRTIO_F_VERSION_1 required, FEATURES_OK, queue setup, DRIVER_OK).
/// The legacy (0.9.5, I/O BAR) interface is not implemented: a device without VERSION_1 is
/// refused with Error::NotSupported.

#include <drv/mmio.hpp>
#include <drv/pci.hpp>
#include <drv/virtio.hpp>
#include <drv/virtqueue.hpp>

#include <k/result.hpp>

#include <array>
#include <cstdint>

namespace mos::drv {

/// A virtio structure inside a mapped BAR.
struct VirtioStructure {
  MmioWindow* window = nullptr;
  std::uint64_t offset = 0;  ///< From the start of the window (the BAR).
  std::uint32_t length = 0;  ///< Bytes the capability says it has.

  /// Whether the capability was found.
  explicit operator bool() const noexcept { return window != nullptr; }
};

/// See the file comment. Lives at a fixed address once its queues exist (they call back into
/// it); create() returns it by value to be moved into its owner before any queue is set up.
class VirtioPciTransport final : public VirtqueueTransport {
 public:
  /// The most queues a driver sets up through one transport.
  static constexpr std::uint16_t kMaxQueues = 8;

  /// Finds and maps the structures of `function`, and enables memory decoding and bus
  /// mastering. Errors: Error::NoDevice (not a virtio function, or the common, notify or ISR
  /// structure is missing, or lies outside its BAR), the mapper's errors.
  static Result<VirtioPciTransport> create(PciConfigSpace& config, const PciFunction& function,
                                           MmioMapper& mapper) noexcept;

  /// Resets the device and negotiates: ACKNOWLEDGE, DRIVER, then offers the device's features
  /// that are also in `wanted` plus VIRTIO_F_VERSION_1, sets FEATURES_OK and checks that it
  /// stuck. Returns the negotiated features. Errors: Error::NotSupported (no VERSION_1: a
  /// legacy-only device; or the device cleared FEATURES_OK), Error::TimedOut (the reset never
  /// finished). On error the device is left with FAILED set. [virtio-1.1] 3.1.1
  Result<std::uint64_t> negotiate(std::uint64_t wanted) noexcept;

  /// Queues the device has.
  std::uint16_t num_queues() noexcept;
  /// Queue `index`'s maximum size; Error::NoDevice if the queue does not exist (size 0).
  Result<std::uint16_t> queue_max_size(std::uint16_t index) noexcept;
  /// Tells the device where queue `index`'s rings are, its size and MSI-X vector
  /// (virtio::kNoVector for none), and enables it. Errors: Error::InvalidArgument (index past
  /// kMaxQueues, size above the maximum), Error::Io (the device refused the vector),
  /// Error::Protocol (its notify address lies outside the notify structure).
  /// [virtio-1.1] 4.1.5.1.3
  Result<void> enable_queue(const Virtqueue& queue, std::uint16_t msix_vector) noexcept;
  /// Sets the configuration-change MSI-X vector; Error::Io if the device refused it.
  Result<void> set_config_vector(std::uint16_t msix_vector) noexcept;
  /// Sets DRIVER_OK: the device is live.
  void driver_ok() noexcept;
  /// Sets FAILED: the driver gave up on the device.
  void fail() noexcept;
  /// Writes 0 to device_status and waits (bounded) until it reads 0. Error::TimedOut.
  Result<void> reset() noexcept;
  /// The device status byte.
  std::uint8_t status() noexcept;

  /// Reads and so clears the ISR status (virtio::isr bits); for INTx, where the line may be
  /// shared. With MSI-X the device does not use it.
  std::uint8_t read_isr() noexcept;

  /// Device-specific configuration: a field of `width` 1, 2, 4 or 8 bytes at `offset`, read
  /// consistently (retrying while config_generation changes). Error::NoDevice without a device
  /// structure, Error::OutOfRange past its length, Error::Io if it never settles.
  /// [virtio-1.1] 4.1.4.6, 2.4.1
  Result<std::uint64_t> read_device_config(std::uint32_t offset, unsigned width) noexcept;

  // VirtqueueTransport.
  void notify(std::uint16_t index) noexcept override;
  void device_broken() noexcept override;

  /// The structures found (for tests and diagnostics).
  const VirtioStructure& common() const noexcept { return common_; }
  /// The notify structure.
  const VirtioStructure& notify_structure() const noexcept { return notify_; }
  /// notify_off_multiplier.
  std::uint32_t notify_multiplier() const noexcept { return notify_multiplier_; }

 private:
  VirtioPciTransport() noexcept = default;
  std::uint16_t read_common16(std::uint16_t offset) noexcept;
  void write_common16(std::uint16_t offset, std::uint16_t value) noexcept;
  std::uint32_t read_common32(std::uint16_t offset) noexcept;
  void write_common32(std::uint16_t offset, std::uint32_t value) noexcept;
  void write_common64(std::uint16_t offset, std::uint64_t value) noexcept;
  void add_status(std::uint8_t bits) noexcept;

  VirtioStructure common_;
  VirtioStructure notify_;
  VirtioStructure isr_;
  VirtioStructure device_;
  std::uint32_t notify_multiplier_ = 0;
  // Offsets of each queue's notify register inside notify_ (set by enable_queue).
  std::array<std::uint64_t, kMaxQueues> notify_offsets_{};
};

}  // namespace mos::drv
