#pragma once
/// The driver model: devices that buses find, drivers that recognise them, and the manager that
/// matches the two. A bus (the PCI enumerator, the fixed devices of a PC) adds a Device for each
/// thing it finds; a Driver says which devices it takes (matches) and brings one up (probe).
/// Whichever comes first, the manager pairs every unbound device with the first registered
/// driver that matches it and whose probe succeeds; a failed probe is logged and the next
/// driver tried, and the device stays listed, unbound. Devices and drivers are owned by their
/// bus and their module; the manager only links them.

#include <k/intrusive_list.hpp>
#include <k/result.hpp>

#include <sched/mutex.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace mos::drv {

class Driver;

/// Which bus a device was found on, and so which identity drivers match on.
enum class BusKind : std::uint8_t {
  Platform,  ///< Fixed devices of the machine (COM1, the i8042, VGA, the CMOS clock): a name.
  Pci,       ///< A PCI function: vendor, device and class codes.
};

/// What a PCI function says it is.
struct PciIdentity {
  std::uint16_t vendor = 0xffff;
  std::uint16_t device = 0xffff;
  std::uint8_t class_code = 0;
  std::uint8_t subclass = 0;
  std::uint8_t prog_if = 0;
};

/// A device a bus found. The bus keeps it alive for as long as it is added.
class Device {
 public:
  /// A fixed device named `compatible` (a static string such as "ns16550"), shown as `name`.
  Device(std::string_view name, std::string_view compatible, void* bus_data = nullptr) noexcept;
  /// A PCI function; `bus_data` is what the PCI bus keeps of it (its config-space address).
  Device(std::string_view name, const PciIdentity& identity, void* bus_data) noexcept;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  BusKind bus() const noexcept { return bus_; }
  /// How logs and listings name it ("0000:00:04.0", "com1"); at most kMaxName characters.
  std::string_view name() const noexcept { return {name_, name_length_}; }
  /// A fixed device's compatible string (empty for PCI).
  std::string_view compatible() const noexcept { return compatible_; }
  /// A PCI function's identity (all ones for fixed devices).
  const PciIdentity& pci() const noexcept { return pci_; }
  /// The bus's own record of the device.
  void* bus_data() const noexcept { return bus_data_; }
  /// The driver bound to it, or nullptr.
  Driver* driver() const noexcept { return driver_; }
  /// What the bound driver keeps for the device (set in probe).
  void* driver_data() const noexcept { return driver_data_; }
  void set_driver_data(void* data) noexcept { driver_data_ = data; }

  static constexpr std::size_t kMaxName = 31;

 private:
  friend class DeviceManager;
  BusKind bus_;
  char name_[kMaxName + 1] = {};
  std::size_t name_length_ = 0;
  std::string_view compatible_;
  PciIdentity pci_;
  void* bus_data_;
  Driver* driver_ = nullptr;
  void* driver_data_ = nullptr;
  ListNode node_;
};

/// A driver: which devices it takes, and how it brings one up.
class Driver {
 public:
  Driver() noexcept = default;
  virtual ~Driver() = default;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  /// Its name in logs ("virtio-blk").
  virtual std::string_view name() const noexcept = 0;
  /// Whether it can drive `device` (by its bus identity alone; no hardware access).
  virtual bool matches(const Device& device) const noexcept = 0;
  /// Brings `device` up: maps its registers, routes its interrupt, registers its nodes. On an
  /// error it leaves nothing behind, and the manager tries the next matching driver.
  virtual Result<void> probe(Device& device) noexcept = 0;

 private:
  friend class DeviceManager;
  ListNode node_;
};

/// Where a fixed device matches a driver's table of compatible strings.
bool is_compatible(const Device& device, std::string_view compatible) noexcept;
/// Whether a PCI device has `vendor` and one of the `devices` ids.
bool is_pci_device(const Device& device, std::uint16_t vendor,
                   std::initializer_list<std::uint16_t> devices) noexcept;

/// The registry of devices and drivers; see the file comment. Synchronised (probes run under
/// its lock, one at a time, and may sleep).
class DeviceManager {
 public:
  DeviceManager() noexcept = default;
  /// Unlinks every device and driver (which must outlive it).
  ~DeviceManager();
  DeviceManager(const DeviceManager&) = delete;
  DeviceManager& operator=(const DeviceManager&) = delete;

  /// Adds a device a bus found and binds it to a driver if one takes it. Returns whether one
  /// did.
  bool add_device(Device& device) noexcept;
  /// Registers a driver and offers it every unbound device. Returns how many it took.
  std::size_t add_driver(Driver& driver) noexcept;

  /// Calls visit(const Device&) for every device, in the order they were added.
  template <class F>
  void for_each_device(F visit) noexcept {
    sched::MutexGuard guard(lock_);
    for (const Device& device : devices_) visit(device);
  }
  /// How many devices are added, and how many of them bound.
  std::size_t device_count() noexcept;
  std::size_t bound_count() noexcept;

 private:
  // Tries `driver` on `device`; lock_ is held.
  bool try_bind(Device& device, Driver& driver) noexcept;

  sched::Mutex lock_;
  IntrusiveList<Device, &Device::node_> devices_;
  IntrusiveList<Driver, &Driver::node_> drivers_;
};

}  // namespace mos::drv
