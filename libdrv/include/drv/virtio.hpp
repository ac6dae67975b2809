#pragma once
/// Numbers of the virtio 1.x specification shared by the transport, the virtqueues and the
/// device drivers: device status bits, reserved feature bits, the vendor-specific PCI capability
/// and its structure types, and the split-ring descriptor flags. [virtio-1.1]

#include <cstdint>

namespace mos::drv::virtio {

/// PCI vendor id of virtio devices. [virtio-1.1] 4.1.2
inline constexpr std::uint16_t kPciVendor = 0x1af4;
/// Modern device ids are 0x1040 + the virtio device id. [virtio-1.1] 4.1.2.1
inline constexpr std::uint16_t kPciModernBase = 0x1040;

/// Device status bits. [virtio-1.1] 2.1
namespace status {
inline constexpr std::uint8_t kAcknowledge = 1;
inline constexpr std::uint8_t kDriver = 2;
inline constexpr std::uint8_t kDriverOk = 4;
inline constexpr std::uint8_t kFeaturesOk = 8;
inline constexpr std::uint8_t kDeviceNeedsReset = 64;
inline constexpr std::uint8_t kFailed = 128;
}  // namespace status

/// Feature bits not specific to a device type. [virtio-1.1] 6
namespace feature {
inline constexpr std::uint64_t kIndirectDesc = std::uint64_t{1} << 28;
inline constexpr std::uint64_t kEventIdx = std::uint64_t{1} << 29;
/// The device follows the 1.x specification (and not the legacy interface).
inline constexpr std::uint64_t kVersion1 = std::uint64_t{1} << 32;
}  // namespace feature

/// cfg_type of the vendor-specific PCI capabilities. [virtio-1.1] 4.1.4
namespace pci_cfg {
inline constexpr std::uint8_t kCommon = 1;
inline constexpr std::uint8_t kNotify = 2;
inline constexpr std::uint8_t kIsr = 3;
inline constexpr std::uint8_t kDevice = 4;
inline constexpr std::uint8_t kPci = 5;
}  // namespace pci_cfg

/// Byte offsets in the common configuration structure. [virtio-1.1] 4.1.4.3
namespace common {
inline constexpr std::uint16_t kDeviceFeatureSelect = 0x00;
inline constexpr std::uint16_t kDeviceFeature = 0x04;
inline constexpr std::uint16_t kDriverFeatureSelect = 0x08;
inline constexpr std::uint16_t kDriverFeature = 0x0c;
inline constexpr std::uint16_t kMsixConfig = 0x10;
inline constexpr std::uint16_t kNumQueues = 0x12;
inline constexpr std::uint16_t kDeviceStatus = 0x14;
inline constexpr std::uint16_t kConfigGeneration = 0x15;
inline constexpr std::uint16_t kQueueSelect = 0x16;
inline constexpr std::uint16_t kQueueSize = 0x18;
inline constexpr std::uint16_t kQueueMsixVector = 0x1a;
inline constexpr std::uint16_t kQueueEnable = 0x1c;
inline constexpr std::uint16_t kQueueNotifyOff = 0x1e;
inline constexpr std::uint16_t kQueueDesc = 0x20;
inline constexpr std::uint16_t kQueueDriver = 0x28;
inline constexpr std::uint16_t kQueueDevice = 0x30;
/// Bytes of the structure.
inline constexpr std::uint32_t kSize = 0x38;
}  // namespace common

/// "No MSI-X vector" for msix_config and queue_msix_vector. [virtio-1.1] 4.1.5.1.2
inline constexpr std::uint16_t kNoVector = 0xffff;

/// ISR status bits (reading the register clears them). [virtio-1.1] 4.1.4.5
namespace isr {
inline constexpr std::uint8_t kQueue = 1;
inline constexpr std::uint8_t kConfig = 2;
}  // namespace isr

/// Split virtqueue descriptor flags. [virtio-1.1] 2.6.5
namespace desc_flag {
inline constexpr std::uint16_t kNext = 1;
inline constexpr std::uint16_t kWrite = 2;
inline constexpr std::uint16_t kIndirect = 4;
}  // namespace desc_flag

/// used->flags bit: the device asks not to be notified. [virtio-1.1] 2.6.10
inline constexpr std::uint16_t kUsedNoNotify = 1;

/// A descriptor of the split ring. [virtio-1.1] 2.6.5
struct Descriptor {
  std::uint64_t addr;
  std::uint32_t len;
  std::uint16_t flags;
  std::uint16_t next;
};
static_assert(sizeof(Descriptor) == 16);

/// An element of the used ring. [virtio-1.1] 2.6.8
struct UsedElement {
  std::uint32_t id;
  std::uint32_t len;
};
static_assert(sizeof(UsedElement) == 8);

}  // namespace mos::drv::virtio
