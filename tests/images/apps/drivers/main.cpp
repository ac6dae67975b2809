// drivers: libdrv on the machine (tests/images/meson.build runs it). It brings the PC up
// (drv::bring_up_pc_machine), lists the devices and their drivers, prints the clock's date, then
// talks through the serial terminal /dev/ttyS0: every line typed (with the line discipline's
// echo and editing) is answered until "exit" or end of file, then how many lines and bytes
// arrived and how much input and echo the terminal dropped (so that a test can tell that none
// was lost). With a disk attached
// (./mosaic run --disk FILE, an ext2 volume), it mounts /dev/vda at /mnt, writes files there,
// reads them back and unmounts, so that the host's e2fsck and debugfs can check what it wrote.
// With `keyboard` on the command line it first reads a line typed on the PS/2 keyboard through
// the VGA console's terminal /dev/tty1.
#include <drv/pc_machine.hpp>

#include <vfs/devfs.hpp>
#include <vfs/ext2.hpp>
#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <sched/wall_clock.hpp>

#include <k/app.hpp>
#include <k/format.hpp>
#include <k/log.hpp>
#include <k/platform/console.hpp>

#include <drv/calendar.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace {

namespace vfs = mos::vfs;
namespace drv = mos::drv;
using mos::Error;
using mos::log::info;
using namespace vfs::open_flags;

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    ++g_failures;
    mos::log::error("drivers: FAILED: {}", what);
  }
}

std::span<const std::byte> bytes_of(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

void write_text(vfs::OpenFile& file, std::string_view text) {
  auto n = file.write(bytes_of(text));
  check(n && *n == text.size(), "a terminal write completes");
}

// Echoes lines through the serial terminal (`terminal`, opened as /dev/ttyS0) until "exit" or
// end of file.
void talk(vfs::Vfs& v, const drv::Tty& terminal) {
  auto tty = v.open(v.context(), "/dev/ttyS0", kReadWrite);
  check(tty.has_value(), "open /dev/ttyS0");
  if (!tty) return;
  write_text(**tty, "tty: type lines; exit ends\n");
  mos::platform::console_announce_input();
  std::size_t lines = 0, bytes = 0;
  auto summary = [&] {
    const drv::TtyStats stats = terminal.stats();
    char text[120];
    const std::size_t length =
        mos::format_to_buffer(text, "tty: {} lines, {} bytes; input dropped {}, echo dropped {}\n",
                              lines, bytes, stats.input_dropped, stats.echo_dropped);
    write_text(**tty, std::string_view(text, length));
  };
  while (lines < 1000) {
    char line[256];
    auto n = (*tty)->read(std::as_writable_bytes(std::span(line)));
    check(n.has_value(), "a terminal read succeeds");
    if (!n || *n == 0) {
      write_text(**tty, "tty: end of file\n");
      summary();
      return;
    }
    ++lines;
    bytes += *n;
    std::string_view text(line, *n);
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    char reply[300];
    const std::size_t length = mos::format_to_buffer(reply, "tty: got '{}'\n", text);
    write_text(**tty, std::string_view(reply, length < sizeof reply ? length : sizeof reply));
    if (text == "exit") break;
  }
  summary();
}

// With `keyboard` on the command line: one line typed on the PS/2 keyboard (the runner's
// --keys), read through /dev/tty1 (the VGA console's terminal) and reported on the log.
void read_keyboard_line(vfs::Vfs& v) {
  auto tty = v.open(v.context(), "/dev/tty1", kReadWrite);
  check(tty.has_value(), "open /dev/tty1");
  if (!tty) return;
  write_text(**tty, "console: type a line\n");
  mos::platform::console_announce_input();
  char line[128];
  auto n = (*tty)->read(std::as_writable_bytes(std::span(line)));
  check(n.has_value() && *n > 0, "a line from the keyboard");
  if (!n) return;
  std::string_view text(line, *n);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  info("console: got '{}'", text);
}

// Writes a file and reads it back.
void write_file(vfs::Vfs& v, std::string_view path, std::span<const std::byte> data) {
  auto file = v.open(v.context(), path, kWriteOnly | kCreate | kTruncate, 0644);
  check(file.has_value(), "create a file on the disk");
  if (!file) return;
  auto n = (*file)->write(data);
  check(n && *n == data.size(), "write a file on the disk");
}

bool read_back(vfs::Vfs& v, std::string_view path, std::span<const std::byte> data) {
  auto file = v.open(v.context(), path, kReadOnly);
  if (!file) return false;
  static std::byte buffer[256 * 1024];
  auto n = (*file)->read(std::span(buffer).first(data.size() + 1));
  if (!n || *n != data.size()) return false;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (buffer[i] != data[i]) return false;
  }
  return true;
}

// The disk: mount, write, read back, unmount.
void use_disk(vfs::Vfs& v, drv::PcMachine& machine) {
  if (machine.disks.empty()) {
    info("disk: none attached");
    return;
  }
  auto fs = vfs::mount_ext2(machine.disks[0]);
  check(fs.has_value(), "mount_ext2 /dev/vda");
  if (!fs) {
    mos::log::error("disk: /dev/vda: {}", fs.error());
    return;
  }
  check(v.make_directory(v.context(), "/mnt", 0755).has_value(), "mkdir /mnt");
  check(v.mount(v.context(), *fs, "/mnt", 0, "/dev/vda").has_value(), "mount /dev/vda on /mnt");
  // Whatever the host put there first.
  if (auto host = v.open(v.context(), "/mnt/from-host.txt", kReadOnly)) {
    char note[64];
    auto n = (*host)->read(std::as_writable_bytes(std::span(note)));
    const std::size_t length = n && *n > 0 ? *n - 1 : 0;  // Without its newline.
    info("disk: from-host.txt says '{}'", std::string_view(note, length));
  }  // Closed here: unmount needs nothing open.
  write_file(v, "/mnt/hello.txt", bytes_of("written by Mosaic\n"));
  check(v.make_directory(v.context(), "/mnt/dir", 0750).has_value(), "mkdir /mnt/dir");
  // A file past the direct blocks (into the indirect ones), with a pattern the host checks.
  static std::byte big[200 * 1024];
  for (std::size_t i = 0; i < sizeof big; ++i) big[i] = std::byte((i * 31 + i / 1024) & 0xff);
  write_file(v, "/mnt/dir/big.bin", big);
  check(v.make_symlink(v.context(), "dir/big.bin", "/mnt/big-link").has_value(), "symlink");
  check(read_back(v, "/mnt/hello.txt", bytes_of("written by Mosaic\n")), "hello.txt reads back");
  check(read_back(v, "/mnt/big-link", big), "big.bin reads back through the symlink");
  check(v.unmount(v.context(), "/mnt").has_value(), "unmount /mnt");
  check(machine.disks[0]->flush().has_value(), "flush /dev/vda");
  info("disk: wrote hello.txt, dir/big.bin, big-link and unmounted");
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  vfs::TmpFsOptions options;
  options.root_mode = 0755;
  auto fs = vfs::TmpFs::create(options);
  static vfs::DeviceRegistry devices;
  auto made = fs ? vfs::Vfs::create(*fs, devices) : Result<vfs::Vfs*>(Error::NoMemory);
  if (!made || !vfs::mount_devfs(**made)) {
    log::error("drivers: FAILED: cannot make the namespace");
    return platform::kExitFailure;
  }
  vfs::Vfs& v = **made;
  auto machine = drv::bring_up_pc_machine(v);
  if (!machine) {
    log::error("drivers: FAILED: bring-up: {}", machine.error());
    return platform::kExitFailure;
  }
  (*machine)->devices.for_each_device([](const drv::Device& d) {
    info("drivers: device {} driver {}", d.name(),
         d.driver() != nullptr ? d.driver()->name() : std::string_view("none"));
  });
  check(drv::bring_up_pc_machine(v).error() == Error::Busy, "a second bring-up is refused");
  const drv::CalendarTime now = drv::from_unix_seconds(sched::wall_clock_ns() / 1'000'000'000);
  info("drivers: wall clock {}-{:02}-{:02}", now.year, now.month, now.day);
  use_disk(v, **machine);
  if (boot.options().has_flag("keyboard")) {
    check((*machine)->console_terminal.get() != nullptr, "a VGA console and keyboard");
    if ((*machine)->console_terminal) read_keyboard_line(v);
  }
  if ((*machine)->serial_terminal) {
    talk(v, *(*machine)->serial_terminal);
    // Everything the terminal was given goes out before the machine stops.
    check((*machine)->serial_terminal->drain().has_value(), "the serial terminal drains");
  }
  if (g_failures != 0) {
    log::error("drivers: {} checks failed", g_failures);
    return platform::kExitFailure;
  }
  info("drivers: all checks passed");
  return platform::kExitSuccess;
}
