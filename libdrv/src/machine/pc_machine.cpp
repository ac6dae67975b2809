// A PC's devices brought up (drv/pc_machine.hpp): each driver of this library as a Driver the
// model pairs with the fixed devices and the PCI functions, interrupts routed through the
// platform, nodes made in /dev.
#include <drv/cmos_rtc.hpp>
#include <drv/dma.hpp>
#include <drv/mmio.hpp>
#include <drv/pc_machine.hpp>
#include <drv/pci.hpp>
#include <drv/pci_capabilities.hpp>
#include <drv/ps2_keyboard.hpp>
#include <drv/uart_16550.hpp>
#include <drv/vga_console.hpp>
#include <drv/virtio_blk.hpp>

#include <vfs/devfs.hpp>

#include <sched/wall_clock.hpp>

#include <mm/kernel_memory.hpp>

#include <k/format.hpp>
#include <k/platform/console.hpp>
#include <k/log.hpp>
#include <k/platform/device_interrupts.hpp>
#include <k/platform/io.hpp>
#include <k/scope_guard.hpp>

#include <atomic>
#include <new>

namespace mos::drv {
namespace {

using Io = platform::MachinePortIo;
using Uart = Uart16550<Io>;

// --- Serial ports --------------------------------------------------------------------------------

struct SerialPort {
  std::uint16_t base;
  std::uint8_t irq;
  std::uint32_t minor;
};
// Not const: a Device's bus data is a plain pointer.
SerialPort g_serial_ports[] = {{0x3f8, 4, 64}, {0x2f8, 3, 65}};

class SerialDriver final : public Driver {
 public:
  SerialDriver(vfs::Vfs& vfs, PcMachine& machine) noexcept : vfs_(vfs), machine_(machine) {}
  std::string_view name() const noexcept override { return "ns16550"; }
  bool matches(const Device& device) const noexcept override {
    return is_compatible(device, "ns16550");
  }
  Result<void> probe(Device& device) noexcept override {
    const auto& port = *static_cast<const SerialPort*>(device.bus_data());
    auto* uart = new (std::nothrow) Uart(Io{}, port.base);
    if (uart == nullptr) return Error::NoMemory;
    auto fail = [uart](Error e) noexcept {
      delete uart;
      return e;
    };
    if (auto up = uart->init(); !up) return fail(up.error());
    auto tty = Tty::create(*uart);
    if (!tty) return fail(tty.error());
    uart->set_sink(tty->get());
    auto vector = platform::route_isa_interrupt(
        port.irq, [](void* u) noexcept { static_cast<Uart*>(u)->on_interrupt(); }, uart);
    if (!vector) return fail(vector.error());
    char buffer[16];
    const std::string_view path(buffer, format_to_buffer(buffer, "/dev/ttyS{}", port.minor - 64));
    if (auto added = vfs::add_device(vfs_, path, vfs::FileType::CharDevice, {4, port.minor},
                                     RefPtr<vfs::Device>(tty->get()), 0620);
        !added) {
      uart->disable_interrupts();  // Quiet before its vector goes.
      platform::release_interrupt(*vector);
      return fail(added.error());
    }
    // ISA lines are edge-triggered: a cause raised before the route (THR empty at once) made
    // its edge while the pin was masked. One pass of the handler takes it and re-arms the line.
    uart->on_interrupt();
    if (port.minor == 64) {
      machine_.serial_terminal = *tty;
      (*tty)->set_first_wait_hook(&platform::console_announce_input);
    }
    device.set_driver_data(uart);
    log::info("drv: {} is {} (IRQ {})", device.name(), path, port.irq);
    return {};
  }

 private:
  vfs::Vfs& vfs_;
  PcMachine& machine_;
};

// --- The local console: VGA text and the PS/2 keyboard --------------------------------------------

// The tty writes to the screen (drawing is synchronous) and the keyboard and the screen's
// replies go into the tty.
class LocalConsole final : public TerminalOutput, public KeyboardSink, public VgaReplySink {
 public:
  LocalConsole(std::span<volatile std::uint16_t, kVgaCells> cells) noexcept
      : screen(cells, Io{}, this), keyboard(Io{}, *this) {}
  std::size_t output(std::span<const char> bytes) noexcept override {
    screen.write(bytes);
    return bytes.size();
  }
  void key_bytes(std::span<const char> bytes) noexcept override {
    if (Tty* t = tty.load(std::memory_order_acquire)) t->receive(bytes);
  }
  // The screen answers a query (ESC [ 6 n) while the tty writes to it, under the tty's lock:
  // the answer is input for later.
  void reply(std::span<const char> bytes) noexcept override {
    if (Tty* t = tty.load(std::memory_order_acquire)) t->receive_deferred(bytes);
  }

  VgaConsole<Io> screen;
  Ps2Keyboard<Io> keyboard;
  std::atomic<Tty*> tty{nullptr};
};

class LocalConsoleDriver final : public Driver {
 public:
  LocalConsoleDriver(vfs::Vfs& vfs, PcMachine& machine) noexcept : vfs_(vfs), machine_(machine) {}
  std::string_view name() const noexcept override { return "vga-console"; }
  bool matches(const Device& device) const noexcept override {
    return is_compatible(device, "pc-console");
  }
  Result<void> probe(Device& device) noexcept override {
    // The VGA misc output register reads as all ones without a VGA (QEMU's -nodefaults).
    if (Io{}.read8(0x3cc) == 0xff) return Error::NoDevice;
    VirtAddr cells = MOS_TRY(mm::kernel_map_mmio(PhysAddr(kVgaTextPhysical), kVgaCells * 2,
                                                 mm::CachePolicy::Uncached));
    auto* console = new (std::nothrow) LocalConsole(std::span<volatile std::uint16_t, kVgaCells>(
        cells.as_ptr<volatile std::uint16_t>(), kVgaCells));
    if (console == nullptr) return Error::NoMemory;
    auto tty = Tty::create(*console, kDefaultTermios, {kVgaRows, kVgaColumns, 0, 0});
    if (!tty) {
      delete console;
      return tty.error();
    }
    MOS_TRY(vfs::add_device(vfs_, "/dev/tty1", vfs::FileType::CharDevice, {4, 1},
                            RefPtr<vfs::Device>(tty->get()), 0620));
    console->tty.store(tty->get(), std::memory_order_release);
    machine_.console_terminal = *tty;
    device.set_driver_data(console);
    // Without a keyboard the screen still works: output only.
    if (auto up = console->keyboard.init(); !up) {
      log::warn("drv: no PS/2 keyboard ({}); /dev/tty1 is output only", up.error());
    } else if (auto vector = platform::route_isa_interrupt(
                   1, [](void* c) noexcept { static_cast<LocalConsole*>(c)->keyboard.on_interrupt(); },
                   console);
               !vector) {
      log::warn("drv: keyboard interrupt not routed ({})", vector.error());
    } else {
      // A key pressed before the route made its edge while the pin was masked; the byte it
      // left in the controller would block every later one.
      console->keyboard.on_interrupt();
    }
    log::info("drv: {} is /dev/tty1", device.name());
    return {};
  }

 private:
  vfs::Vfs& vfs_;
  PcMachine& machine_;
};

// --- The CMOS clock -------------------------------------------------------------------------------

class ClockDriver final : public Driver {
 public:
  std::string_view name() const noexcept override { return "mc146818"; }
  bool matches(const Device& device) const noexcept override {
    return is_compatible(device, "mc146818");
  }
  Result<void> probe(Device&) noexcept override {
    const CalendarTime t = MOS_TRY(CmosRtc<Io>(Io{}).read());
    sched::set_wall_clock(to_unix_seconds(t) * 1'000'000'000);
    log::info("drv: the clock says {}-{:02}-{:02} {:02}:{:02}:{:02} UTC", t.year, t.month, t.day,
              t.hour, t.minute, t.second);
    return {};
  }
};

// --- virtio-blk disks ----------------------------------------------------------------------------

// What a disk's interrupt handlers reach: set once the disk is up (no request, so no
// interrupt, before).
struct DiskSlot {
  std::atomic<VirtioBlk*> disk{nullptr};
};

class VirtioBlkDriver final : public Driver {
 public:
  VirtioBlkDriver(vfs::Vfs& vfs, PcMachine& machine, PciConfigSpace& pci) noexcept
      : vfs_(vfs), machine_(machine), pci_(pci), dma_(mm::kernel_frames(), mm::kernel_phys_map()) {}
  std::string_view name() const noexcept override { return "virtio-blk"; }
  bool matches(const Device& device) const noexcept override {
    return is_pci_device(device, 0x1af4, {0x1001, 0x1042});
  }
  Result<void> probe(Device& device) noexcept override {
    if (machine_.disks.size() == PcMachine::kMaxDisks) return Error::NoBufferSpace;
    const auto& function = *static_cast<const PciFunction*>(device.bus_data());
    auto* slot = new (std::nothrow) DiskSlot;
    if (slot == nullptr) return Error::NoMemory;
    if (auto up = bring_up(device, function, *slot); !up) {
      // Nothing reaches the slot any more: its vectors are released, the device quiet.
      delete slot;
      return up.error();
    }
    device.set_driver_data(slot);
    return {};
  }

 private:
  // Undoes the interrupt routing of a disk that did not come up: the device stops signalling,
  // then its vectors go.
  struct Routing {
    PciConfigSpace& pci;
    PciAddress address;
    Result<PciMsix> msix = Error::NoDevice;
    std::uint8_t vectors[2] = {0, 0};
    bool armed = true;
    ~Routing() {
      if (!armed) return;
      if (msix) msix->disable(pci, address);
      for (std::uint8_t v : vectors) {
        if (v != 0) platform::release_interrupt(v);
      }
    }
  };

  Result<void> bring_up(Device& device, const PciFunction& function, DiskSlot& slot) noexcept {
    VirtioBlkOptions options;
    Routing routing{pci_, function.address};
    routing.msix = PciMsix::find(pci_, function.address);
    const bool use_msix = routing.msix && routing.msix->table_size() >= 2;
    if (use_msix) {
      MOS_TRY(route_msix(function, *routing.msix, slot, routing.vectors));
      options.interrupts = VirtioBlkOptions::Interrupts::Msix;
      options.config_vector = 0;
      options.queue_vector = 1;
    }
    RefPtr<VirtioBlk> disk = MOS_TRY(VirtioBlk::create(pci_, function, mmio_, dma_, options));
    // From here a failure must also forget the disk before it goes (the handlers read the slot
    // until their vectors are released, which Routing does after this guard has run).
    ScopeGuard forget([&] { slot.disk.store(nullptr, std::memory_order_release); });
    slot.disk.store(disk.get(), std::memory_order_release);
    if (!use_msix) {
      // INTx (level-triggered, as the MADT says) only now: the device was reset by create and
      // has nothing to say until a request, so no level is left unacknowledged meanwhile.
      routing.vectors[0] = MOS_TRY(platform::route_isa_interrupt(
          function.interrupt_line,
          [](void* s) noexcept {
            if (VirtioBlk* d = static_cast<DiskSlot*>(s)->disk.load(std::memory_order_acquire)) {
              (void)d->on_interrupt();
            }
          },
          &slot));
    }
    const std::size_t index = machine_.disks.size();
    char buffer[16];
    const std::string_view path(
        buffer, format_to_buffer(buffer, "/dev/vd{}", static_cast<char>('a' + index)));
    auto* file = new (std::nothrow) vfs::BlockDeviceFile(RefPtr<vfs::BlockDevice>(disk));
    if (file == nullptr) return Error::NoMemory;
    MOS_TRY(vfs::add_device(vfs_, path, vfs::FileType::BlockDevice,
                            {254, static_cast<std::uint32_t>(index * 16)},
                            RefPtr<vfs::Device>::adopt(file), 0660));
    MOS_TRY(machine_.disks.push_back(disk));
    routing.armed = false;
    forget.dismiss();
    log::info("drv: {} is {}: {} sectors{}{}", device.name(), path, disk->sector_count(),
              disk->read_only() ? ", read-only" : "", use_msix ? ", MSI-X" : ", INTx");
    return {};
  }

  // Entry 0 (configuration changes: nothing to do yet) and entry 1 (the queue) of the MSI-X
  // table, each on a vector of its own.
  Result<void> route_msix(const PciFunction& function, const PciMsix& msix, DiskSlot& slot,
                          std::uint8_t (&vectors)[2]) noexcept {
    // The table must lie in a memory BAR (an I/O BAR's "base" is a port number).
    if (msix.table_bar() >= function.bars.size()) return Error::NoDevice;
    const PciBar& bar = function.bars[msix.table_bar()];
    if (!bar.is_memory() || std::uint64_t{msix.table_offset()} + msix.table_bytes() > bar.size) {
      return Error::NoDevice;
    }
    MmioWindow* table = MOS_TRY(mmio_.map(PhysAddr(bar.base), bar.size));
    const auto config = MOS_TRY(platform::route_message_interrupt([](void*) noexcept {}, nullptr));
    vectors[0] = config.vector;
    const auto queue = MOS_TRY(platform::route_message_interrupt(
        [](void* s) noexcept {
          if (VirtioBlk* d = static_cast<DiskSlot*>(s)->disk.load(std::memory_order_acquire)) {
            d->on_queue_interrupt();
          }
        },
        &slot));
    vectors[1] = queue.vector;
    // Writes to the table reach it only with memory decoding on.
    pci_enable(pci_, function.address, pci_command::kMemorySpace);
    MOS_TRY(msix.program(*table, 0, {config.address, config.data}));
    MOS_TRY(msix.program(*table, 1, {queue.address, queue.data}));
    msix.enable(pci_, function.address);
    return {};
  }

  vfs::Vfs& vfs_;
  PcMachine& machine_;
  PciConfigSpace& pci_;
  FrameDmaMemory dma_;
  KernelMmioMapper mmio_;
};

// --- The machine ---------------------------------------------------------------------------------

// Everything that lives as long as the kernel.
struct Machine {
  explicit Machine(vfs::Vfs& vfs) noexcept
      : pci(Io{}), serial(vfs, state), console(vfs, state), disks(vfs, state, pci) {}
  PcMachine state;
  PciPortConfigSpace<Io> pci;
  SerialDriver serial;
  LocalConsoleDriver console;
  ClockDriver clock;
  VirtioBlkDriver disks;
  Device serial_devices[2] = {{"com1", "ns16550", &g_serial_ports[0]},
                              {"com2", "ns16550", &g_serial_ports[1]}};
  Device console_device{"vga", "pc-console"};
  Device clock_device{"rtc", "mc146818"};
};

std::atomic<bool> g_up{false};

// Adds one PCI function as a device (its record and Device live for good).
void add_pci_function(Machine& machine, const PciFunction& function) noexcept {
  struct PciDevice {
    PciDevice(const PciFunction& f, std::string_view name, const PciIdentity& identity) noexcept
        : function(f), device(name, identity, &function) {}
    PciFunction function;
    Device device;
  };
  char buffer[Device::kMaxName + 1];
  const std::string_view name(
      buffer, format_to_buffer(buffer, "0000:{:02x}:{:02x}.{}", function.address.bus,
                               function.address.device, function.address.function));
  const PciIdentity identity{function.vendor_id, function.device_id, function.class_code,
                             function.subclass, function.prog_if};
  auto* record = new (std::nothrow) PciDevice(function, name, identity);
  if (record == nullptr) {
    log::warn("drv: no memory for PCI function {}", name);
    return;
  }
  log::info("drv: PCI {} {:04x}:{:04x} class {:02x}{:02x}", name, function.vendor_id,
            function.device_id, function.class_code, function.subclass);
  (void)machine.state.devices.add_device(record->device);
}

}  // namespace

Result<PcMachine*> bring_up_pc_machine(vfs::Vfs& vfs, const PcMachineOptions& options) noexcept {
  if (g_up.exchange(true)) return Error::Busy;
  auto* machine = new (std::nothrow) Machine(vfs);
  if (machine == nullptr) {
    g_up = false;
    return Error::NoMemory;
  }
  DeviceManager& devices = machine->state.devices;
  if (options.clock) {
    (void)devices.add_driver(machine->clock);
    (void)devices.add_device(machine->clock_device);
  }
  if (options.serial) {
    (void)devices.add_driver(machine->serial);
    for (Device& port : machine->serial_devices) (void)devices.add_device(port);
  }
  if (options.local_console) {
    (void)devices.add_driver(machine->console);
    (void)devices.add_device(machine->console_device);
  }
  if (options.pci) {
    (void)devices.add_driver(machine->disks);
    pci_enumerate(machine->pci,
                  [&](const PciFunction& function) { add_pci_function(*machine, function); });
  }
  return &machine->state;
}

}  // namespace mos::drv
