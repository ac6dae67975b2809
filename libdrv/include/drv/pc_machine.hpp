#pragma once
/// A PC's devices brought up in one call, for images: the driver model with the drivers of this
/// library registered, the machine's fixed devices (COM1 and COM2, the VGA text console with the
/// PS/2 keyboard, the CMOS clock) and every PCI function added, interrupts routed, and the device
/// nodes made in the namespace's /dev (devfs must be mounted there):
///
/// | node | number | what |
/// |---|---|---|
/// | /dev/ttyS0, /dev/ttyS1 | 4:64, 4:65 | the serial ports with a line discipline (IRQ 4, 3) |
/// | /dev/tty1 | 4:1 | the VGA screen and the PS/2 keyboard (IRQ 1) |
/// | /dev/vda, /dev/vdb, ... | 254:0, 254:16, ... | virtio-blk disks, in PCI order: the order `./mosaic run --disk` attaches them |
///
/// The clock sets the wall clock (sched::set_wall_clock). A device that is absent or fails is
/// logged and left out; the machine comes up with what works. Kernel images only: it maps
/// device memory through libmm's kernel address space.

#include <drv/driver_model.hpp>
#include <drv/tty.hpp>

#include <vfs/block_device.hpp>
#include <vfs/vfs.hpp>

#include <k/fixed_vector.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <cstddef>

namespace mos::drv {

/// Which parts of the machine to bring up.
struct PcMachineOptions {
  bool serial = true;         ///< COM1/COM2 as /dev/ttyS0/1 (interrupt-driven).
  bool local_console = true;  ///< VGA text + PS/2 keyboard as /dev/tty1.
  bool clock = true;          ///< The CMOS clock into the wall clock.
  bool pci = true;            ///< PCI enumeration and its drivers (virtio-blk).
};

/// What bring_up_pc_machine started; lives as long as the kernel.
struct PcMachine {
  static constexpr std::size_t kMaxDisks = 16;
  /// The terminal on COM1 (null if absent or not asked for).
  RefPtr<Tty> serial_terminal;
  /// The terminal on the VGA screen and keyboard (null if absent or not asked for).
  RefPtr<Tty> console_terminal;
  /// The disks that came up, /dev/vda first.
  FixedVector<RefPtr<vfs::BlockDevice>, kMaxDisks> disks;
  /// The devices found and which drivers took them.
  DeviceManager devices;
};

/// Brings the machine up as the file comment says. Error::Busy if it is already up,
/// Error::NoMemory; a missing or broken device is not an error.
Result<PcMachine*> bring_up_pc_machine(vfs::Vfs& vfs, const PcMachineOptions& options = {}) noexcept;

}  // namespace mos::drv
