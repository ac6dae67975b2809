// The virtio modern PCI transport. [virtio-1.1] 4.1
#include <drv/pci_capabilities.hpp>
#include <drv/virtio_pci.hpp>

#include <k/log.hpp>

namespace mos::drv {

namespace {

// Fields of struct virtio_pci_cap (and virtio_pci_notify_cap). [virtio-1.1] 4.1.4
constexpr std::uint16_t kCapLength = 2;
constexpr std::uint16_t kCapType = 3;
constexpr std::uint16_t kCapBar = 4;
constexpr std::uint16_t kCapOffset = 8;
constexpr std::uint16_t kCapStructLength = 12;
constexpr std::uint16_t kCapNotifyMultiplier = 16;
constexpr std::uint8_t kNotifyCapBytes = 20;

// How long reset may take to read back 0, and config reads to see a stable generation.
constexpr unsigned kResetPolls = 1u << 20;
constexpr unsigned kGenerationRetries = 64;

bool is_virtio(const PciFunction& f) noexcept {
  // Transitional ids 0x1000..0x103f, modern 0x1040..0x107f. [virtio-1.1] 4.1.2.1
  return f.vendor_id == virtio::kPciVendor && f.device_id >= 0x1000 && f.device_id <= 0x107f;
}

}  // namespace

Result<VirtioPciTransport> VirtioPciTransport::create(PciConfigSpace& config,
                                                      const PciFunction& function,
                                                      MmioMapper& mapper) noexcept {
  if (!is_virtio(function)) return Error::NoDevice;
  const PciAddress a = function.address;
  VirtioPciTransport t;
  std::array<MmioWindow*, 6> windows{};
  std::uint32_t multiplier = 0;
  const auto list = PciCapabilityList::read(config, a);
  for (const PciCapability& cap : list.entries()) {
    if (cap.id != pci_cap::kVendorSpecific) continue;
    const std::uint8_t type = config.read8(a, cap.offset + kCapType);
    const std::uint8_t bar_index = config.read8(a, cap.offset + kCapBar);
    VirtioStructure* slot = nullptr;
    switch (type) {
      case virtio::pci_cfg::kCommon: slot = &t.common_; break;
      case virtio::pci_cfg::kNotify: slot = &t.notify_; break;
      case virtio::pci_cfg::kIsr: slot = &t.isr_; break;
      case virtio::pci_cfg::kDevice: slot = &t.device_; break;
      default: continue;  // PCI_CFG access and types of later versions.
    }
    // The first structure of each type that we can use wins. [virtio-1.1] 4.1.4.1
    if (*slot || bar_index > 5) continue;
    const PciBar& bar = function.bars[bar_index];
    if (!bar.is_memory()) continue;
    const std::uint64_t offset = config.read32(a, cap.offset + kCapOffset);
    const std::uint32_t length = config.read32(a, cap.offset + kCapStructLength);
    if (offset + length > bar.size) continue;
    if (type == virtio::pci_cfg::kNotify) {
      if (config.read8(a, cap.offset + kCapLength) < kNotifyCapBytes) continue;
      multiplier = config.read32(a, cap.offset + kCapNotifyMultiplier);
    }
    if (windows[bar_index] == nullptr) {
      windows[bar_index] = MOS_TRY(mapper.map(PhysAddr(bar.base), bar.size));
    }
    *slot = {windows[bar_index], offset, length};
  }
  if (!t.common_ || !t.notify_ || !t.isr_ || t.common_.length < virtio::common::kSize) {
    log::warn("virtio: {}:{}.{}: no usable modern PCI capabilities (legacy-only devices are "
              "not supported)",
              a.bus, a.device, a.function);
    return Error::NoDevice;
  }
  t.notify_multiplier_ = multiplier;
  pci_enable(config, a, pci_command::kMemorySpace | pci_command::kBusMaster);
  return t;
}

std::uint16_t VirtioPciTransport::read_common16(std::uint16_t offset) noexcept {
  return common_.window->read16(common_.offset + offset);
}
void VirtioPciTransport::write_common16(std::uint16_t offset, std::uint16_t value) noexcept {
  common_.window->write16(common_.offset + offset, value);
}
std::uint32_t VirtioPciTransport::read_common32(std::uint16_t offset) noexcept {
  return common_.window->read32(common_.offset + offset);
}
void VirtioPciTransport::write_common32(std::uint16_t offset, std::uint32_t value) noexcept {
  common_.window->write32(common_.offset + offset, value);
}
void VirtioPciTransport::write_common64(std::uint16_t offset, std::uint64_t value) noexcept {
  // Two 32-bit halves: devices must accept that for 64-bit fields. [virtio-1.1] 4.1.3.1
  write_common32(offset, static_cast<std::uint32_t>(value));
  write_common32(offset + 4, static_cast<std::uint32_t>(value >> 32));
}

std::uint8_t VirtioPciTransport::status() noexcept {
  return common_.window->read8(common_.offset + virtio::common::kDeviceStatus);
}

void VirtioPciTransport::add_status(std::uint8_t bits) noexcept {
  common_.window->write8(common_.offset + virtio::common::kDeviceStatus,
                         static_cast<std::uint8_t>(status() | bits));
}

Result<void> VirtioPciTransport::reset() noexcept {
  common_.window->write8(common_.offset + virtio::common::kDeviceStatus, 0);
  // The reset is done when the status reads 0 again. [virtio-1.1] 4.1.4.3.2
  for (unsigned i = 0; i < kResetPolls; ++i) {
    if (status() == 0) return {};
  }
  return Error::TimedOut;
}

void VirtioPciTransport::fail() noexcept { add_status(virtio::status::kFailed); }

void VirtioPciTransport::driver_ok() noexcept { add_status(virtio::status::kDriverOk); }

Result<std::uint64_t> VirtioPciTransport::negotiate(std::uint64_t wanted) noexcept {
  if (auto done = reset(); !done) {
    fail();
    return done.error();
  }
  // [virtio-1.1] 3.1.1 steps 2-6.
  add_status(virtio::status::kAcknowledge);
  add_status(virtio::status::kDriver);
  write_common32(virtio::common::kDeviceFeatureSelect, 0);
  std::uint64_t offered = read_common32(virtio::common::kDeviceFeature);
  write_common32(virtio::common::kDeviceFeatureSelect, 1);
  offered |= std::uint64_t{read_common32(virtio::common::kDeviceFeature)} << 32;
  if ((offered & virtio::feature::kVersion1) == 0) {
    log::warn("virtio: device does not offer VIRTIO_F_VERSION_1 (a legacy device); the legacy "
              "interface is not supported");
    fail();
    return Error::NotSupported;
  }
  const std::uint64_t accepted = offered & (wanted | virtio::feature::kVersion1);
  write_common32(virtio::common::kDriverFeatureSelect, 0);
  write_common32(virtio::common::kDriverFeature, static_cast<std::uint32_t>(accepted));
  write_common32(virtio::common::kDriverFeatureSelect, 1);
  write_common32(virtio::common::kDriverFeature, static_cast<std::uint32_t>(accepted >> 32));
  add_status(virtio::status::kFeaturesOk);
  if ((status() & virtio::status::kFeaturesOk) == 0) {
    log::warn("virtio: device refused the features {:#x} (FEATURES_OK cleared)", accepted);
    fail();
    return Error::NotSupported;
  }
  return accepted;
}

std::uint16_t VirtioPciTransport::num_queues() noexcept {
  return read_common16(virtio::common::kNumQueues);
}

Result<std::uint16_t> VirtioPciTransport::queue_max_size(std::uint16_t index) noexcept {
  write_common16(virtio::common::kQueueSelect, index);
  const std::uint16_t size = read_common16(virtio::common::kQueueSize);
  if (size == 0) return Error::NoDevice;
  return size;
}

Result<void> VirtioPciTransport::enable_queue(const Virtqueue& queue,
                                              std::uint16_t msix_vector) noexcept {
  const std::uint16_t index = queue.index();
  if (index >= kMaxQueues) return Error::InvalidArgument;
  const std::uint16_t max = MOS_TRY(queue_max_size(index));  // Also selects the queue.
  if (queue.size() > max) return Error::InvalidArgument;
  write_common16(virtio::common::kQueueSize, queue.size());
  write_common64(virtio::common::kQueueDesc, queue.descriptor_area().value());
  write_common64(virtio::common::kQueueDriver, queue.driver_area().value());
  write_common64(virtio::common::kQueueDevice, queue.device_area().value());
  write_common16(virtio::common::kQueueMsixVector, msix_vector);
  // A device that cannot map the vector reads back NO_VECTOR. [virtio-1.1] 4.1.5.1.2.1
  if (read_common16(virtio::common::kQueueMsixVector) != msix_vector) return Error::Io;
  const std::uint64_t notify_at =
      std::uint64_t{read_common16(virtio::common::kQueueNotifyOff)} * notify_multiplier_;
  if (notify_at + 2 > notify_.length) return Error::Protocol;
  notify_offsets_[index] = notify_at;
  write_common16(virtio::common::kQueueEnable, 1);
  return {};
}

Result<void> VirtioPciTransport::set_config_vector(std::uint16_t msix_vector) noexcept {
  write_common16(virtio::common::kMsixConfig, msix_vector);
  if (read_common16(virtio::common::kMsixConfig) != msix_vector) return Error::Io;
  return {};
}

std::uint8_t VirtioPciTransport::read_isr() noexcept {
  return isr_.window->read8(isr_.offset);
}

Result<std::uint64_t> VirtioPciTransport::read_device_config(std::uint32_t offset,
                                                             unsigned width) noexcept {
  if (!device_) return Error::NoDevice;
  if (width != 1 && width != 2 && width != 4 && width != 8) return Error::InvalidArgument;
  if (std::uint64_t{offset} + width > device_.length) return Error::OutOfRange;
  MmioWindow& w = *device_.window;
  const std::uint64_t at = device_.offset + offset;
  for (unsigned attempt = 0; attempt < kGenerationRetries; ++attempt) {
    const std::uint8_t before = common_.window->read8(common_.offset +
                                                      virtio::common::kConfigGeneration);
    std::uint64_t value = 0;
    switch (width) {
      case 1: value = w.read8(at); break;
      case 2: value = w.read16(at); break;
      case 4: value = w.read32(at); break;
      // 64-bit fields are read as two 32-bit halves. [virtio-1.1] 4.1.3.1
      default: value = w.read32(at) | (std::uint64_t{w.read32(at + 4)} << 32); break;
    }
    const std::uint8_t after = common_.window->read8(common_.offset +
                                                     virtio::common::kConfigGeneration);
    if (before == after) return value;
  }
  return Error::Io;
}

void VirtioPciTransport::notify(std::uint16_t index) noexcept {
  if (index >= kMaxQueues) return;
  notify_.window->write16(notify_.offset + notify_offsets_[index], index);
}

void VirtioPciTransport::device_broken() noexcept {
  // A reset stops all device activity on the rings; we do not wait for it to finish here (this
  // runs under a queue's lock, possibly in an interrupt handler).
  common_.window->write8(common_.offset + virtio::common::kDeviceStatus, 0);
}

}  // namespace mos::drv
