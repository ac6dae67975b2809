#include <drv/driver_model.hpp>

#include <k/log.hpp>
#include <k/string.hpp>

#include <algorithm>

namespace mos::drv {

Device::Device(std::string_view name, std::string_view compatible, void* bus_data) noexcept
    : bus_(BusKind::Platform), compatible_(compatible), bus_data_(bus_data) {
  name_length_ = std::min(name.size(), kMaxName);
  memory_copy(name_, name.data(), name_length_);
}

Device::Device(std::string_view name, const PciIdentity& identity, void* bus_data) noexcept
    : bus_(BusKind::Pci), pci_(identity), bus_data_(bus_data) {
  name_length_ = std::min(name.size(), kMaxName);
  memory_copy(name_, name.data(), name_length_);
}

bool is_compatible(const Device& device, std::string_view compatible) noexcept {
  return device.bus() == BusKind::Platform && device.compatible() == compatible;
}

bool is_pci_device(const Device& device, std::uint16_t vendor,
                   std::initializer_list<std::uint16_t> devices) noexcept {
  if (device.bus() != BusKind::Pci || device.pci().vendor != vendor) return false;
  return std::find(devices.begin(), devices.end(), device.pci().device) != devices.end();
}

bool DeviceManager::try_bind(Device& device, Driver& driver) noexcept {
  if (device.driver_ != nullptr || !driver.matches(device)) return false;
  device.driver_ = &driver;  // Set first: probe may look at it.
  if (auto probed = driver.probe(device); !probed) {
    device.driver_ = nullptr;
    device.driver_data_ = nullptr;
    log::warn("drv: {} did not take {}: {}", driver.name(), device.name(), probed.error());
    return false;
  }
  log::info("drv: {} bound to {}", driver.name(), device.name());
  return true;
}

DeviceManager::~DeviceManager() {
  while (devices_.pop_front() != nullptr) {
  }
  while (drivers_.pop_front() != nullptr) {
  }
}

bool DeviceManager::add_device(Device& device) noexcept {
  sched::MutexGuard guard(lock_);
  devices_.push_back(device);
  for (Driver& driver : drivers_) {
    if (try_bind(device, driver)) return true;
  }
  return false;
}

std::size_t DeviceManager::add_driver(Driver& driver) noexcept {
  sched::MutexGuard guard(lock_);
  drivers_.push_back(driver);
  std::size_t taken = 0;
  for (Device& device : devices_) {
    if (try_bind(device, driver)) ++taken;
  }
  return taken;
}

std::size_t DeviceManager::device_count() noexcept {
  sched::MutexGuard guard(lock_);
  return devices_.size();
}

std::size_t DeviceManager::bound_count() noexcept {
  sched::MutexGuard guard(lock_);
  std::size_t bound = 0;
  for (const Device& device : devices_) bound += device.driver() != nullptr ? 1 : 0;
  return bound;
}

}  // namespace mos::drv
