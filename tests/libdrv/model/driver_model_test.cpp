// The driver model (drv/driver_model.hpp): matching by bus identity, probing in registration
// order, a failed probe leaving the device to the next driver, late drivers taking devices
// already added.
#include <drv/driver_model.hpp>

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

using namespace mos::drv;
using mos::Error;
using mos::Result;

namespace {

class FakeDriver final : public Driver {
 public:
  FakeDriver(std::string name, std::function<bool(const Device&)> match, Result<void> outcome = {})
      : name_(std::move(name)), match_(std::move(match)), outcome_(outcome) {}
  std::string_view name() const noexcept override { return name_; }
  bool matches(const Device& device) const noexcept override { return match_(device); }
  Result<void> probe(Device& device) noexcept override {
    probed.push_back(std::string(device.name()));
    if (outcome_) device.set_driver_data(this);
    return outcome_;
  }
  std::vector<std::string> probed;

 private:
  std::string name_;
  std::function<bool(const Device&)> match_;
  Result<void> outcome_;
};

}  // namespace

TEST_CASE("driver model: devices and drivers meet in either order") {
  Device com1("com1", "ns16550");
  Device keyboard("i8042", "i8042");
  Device disk("0000:00:04.0", PciIdentity{0x1af4, 0x1042, 0x01, 0x00, 0x00}, nullptr);
  Device network("0000:00:03.0", PciIdentity{0x8086, 0x100e, 0x02, 0x00, 0x00}, nullptr);

  FakeDriver uart("uart", [](const Device& d) { return is_compatible(d, "ns16550"); });
  FakeDriver virtio("virtio-blk", [](const Device& d) {
    return is_pci_device(d, 0x1af4, {0x1001, 0x1042});
  });
  DeviceManager manager;  // Last: it goes first, unlinking what it holds.
  CHECK(manager.add_driver(uart) == 0);
  CHECK(manager.add_device(com1));
  CHECK(com1.driver() == &uart);
  CHECK(com1.driver_data() == &uart);
  CHECK_FALSE(manager.add_device(keyboard));
  CHECK_FALSE(manager.add_device(disk));
  CHECK_FALSE(manager.add_device(network));
  CHECK(manager.add_driver(virtio) == 1);  // Takes the disk added before it.
  CHECK(disk.driver() == &virtio);
  CHECK(network.driver() == nullptr);
  CHECK(keyboard.driver() == nullptr);
  CHECK(uart.probed == std::vector<std::string>{"com1"});
  CHECK(manager.device_count() == 4);
  CHECK(manager.bound_count() == 2);

  std::vector<std::string> names;
  manager.for_each_device([&](const Device& d) { names.emplace_back(d.name()); });
  CHECK(names == std::vector<std::string>{"com1", "i8042", "0000:00:04.0", "0000:00:03.0"});
  CHECK_FALSE(is_compatible(disk, ""));
  CHECK_FALSE(is_pci_device(com1, 0xffff, {0xffff}));
}

TEST_CASE("driver model: a failed probe passes the device to the next driver") {
  FakeDriver broken("broken", [](const Device&) { return true; }, Error::NoDevice);
  FakeDriver working("working", [](const Device& d) { return is_compatible(d, "ns16550"); });
  Device com1("com1", "ns16550");
  Device other("rtc", "mc146818");
  DeviceManager manager;
  manager.add_driver(broken);
  manager.add_driver(working);
  CHECK(manager.add_device(com1));
  CHECK(com1.driver() == &working);
  CHECK_FALSE(manager.add_device(other));  // Only the broken driver matched.
  CHECK(other.driver() == nullptr);
  CHECK(other.driver_data() == nullptr);
  CHECK(broken.probed == std::vector<std::string>{"com1", "rtc"});
  CHECK(manager.bound_count() == 1);
}

TEST_CASE("driver model: names are cut to the limit") {
  Device long_name(std::string(100, 'x'), "c");
  CHECK(long_name.name().size() == Device::kMaxName);
}
