// The shell appliance: boots into a POSIX shell built from Mosaic's libraries only.
//
// Init (pid 1, this thread) builds the namespace (a tmpfs root with the initramfs unpacked into
// it, devfs on /dev, procfs on /proc), brings the PC's devices up, registers the programs linked
// into the image under /bin, and starts a login shell on the serial terminal /dev/ttyS0 (and
// one on the VGA console /dev/tty1 when the machine has one). When the serial shell exits, or
// someone calls poweroff/reboot, init ends every process, syncs, unmounts every file system,
// flushes the disks and ends the image with the shell's exit status.
#include "programs/program.hpp"

#include <posix/system.hpp>

#include <drv/pc_machine.hpp>
#include <vfs/devfs.hpp>
#include <vfs/initramfs.hpp>
#include <vfs/procfs.hpp>
#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <mm/kernel_memory.hpp>
#include <sched/thread.hpp>

#include <k/app.hpp>
#include <k/log.hpp>

#include <span>
#include <string_view>

namespace {

namespace vfs = mos::vfs;
namespace drv = mos::drv;
namespace posix = mos::posix;
using mos::Error;
using mos::Result;

// The largest exit status the image can report (see tools/qemu_run.py).
constexpr int kLargestStatus = 126;

// The environment every shell starts with.
char kPath[] = "PATH=/bin";
char kHome[] = "HOME=/root";
char kTerm[] = "TERM=vt100";
char kUser[] = "USER=root";
char kShell[] = "SHELL=/bin/sh";
char* kEnvironment[] = {kPath, kHome, kTerm, kUser, kShell, nullptr};

// The initramfs: the first boot module, else the one linked into the image.
std::span<const std::byte> initramfs(const mos::BootInfo& boot) {
  if (!boot.modules.empty()) {
    const mos::BootModule& m = boot.modules[0];
    return {mos::mm::kernel_phys_map().at<const std::byte>(m.start),
            static_cast<std::size_t>(m.end.value() - m.start.value())};
  }
  return vfs::embedded_initramfs();
}

Result<vfs::Vfs*> build_namespace(const mos::BootInfo& boot) {
  vfs::TmpFsOptions options;
  options.root_mode = 0755;
  auto root = MOS_TRY(vfs::TmpFs::create(options));
  static vfs::DeviceRegistry devices;
  vfs::Vfs* v = MOS_TRY(vfs::Vfs::create(root, devices));
  if (auto unpacked = vfs::unpack_initramfs(*v, initramfs(boot)); !unpacked) {
    mos::log::error("init: the initramfs is damaged; starting without it");
  }
  MOS_TRY(vfs::mount_devfs(*v));
  return v;
}

Result<void> mount_proc(vfs::Vfs& v, posix::System& system) {
  static vfs::KernelSystemInformation information("Mosaic version 0.1.0 (shell appliance)");
  auto proc = MOS_TRY(vfs::ProcFs::create(v, information, &system));
  if (auto made = v.make_directory(v.context(), "/proc", 0555);
      !made && made.error() != Error::Exists) {
    return made.error();
  }
  return v.mount(v.context(), proc, "/proc", 0, "proc");
}

// A login shell on `terminal`: a session of its own with the terminal as its controlling one.
Result<posix::Pid> start_shell(posix::System& system, std::string_view terminal) {
  posix::SpawnFileActions actions;
  MOS_TRY(actions.add_open(0, terminal, vfs::open_flags::kReadWrite, 0));
  MOS_TRY(actions.add_dup2(0, 1));
  MOS_TRY(actions.add_dup2(0, 2));
  MOS_TRY(actions.add_chdir("/root"));
  posix::SpawnAttributes attributes;
  attributes.flags = posix::spawn_flags::kSetSession;
  char name[] = "-sh";
  char* argv[] = {name, nullptr};
  return system.spawn(system.init(), "/bin/sh", false, &actions, &attributes, argv, kEnvironment);
}

// Every file system except the root, deepest first (from /proc/mounts, before unmounting it).
void unmount_all(vfs::Vfs& v) {
  static char listing[4096];
  std::size_t length = 0;
  if (auto mounts = v.open(v.context(), "/proc/mounts", vfs::open_flags::kReadOnly)) {
    while (length < sizeof listing) {
      auto n = (*mounts)->read(
          std::as_writable_bytes(std::span(listing + length, sizeof listing - length)));
      if (!n || *n == 0) break;
      length += *n;
    }
  }
  // Lines "source target type options 0 0": unmount the targets from the last line up.
  std::string_view text(listing, length);
  while (!text.empty()) {
    if (text.back() == '\n') text.remove_suffix(1);
    const std::size_t start = text.rfind('\n');
    const std::string_view line = start == std::string_view::npos ? text : text.substr(start + 1);
    text = start == std::string_view::npos ? std::string_view() : text.substr(0, start);
    const std::size_t first = line.find(' ');
    if (first == std::string_view::npos) continue;
    const std::string_view rest = line.substr(first + 1);
    const std::string_view target = rest.substr(0, rest.find(' '));
    if (target == "/") continue;
    if (auto done = v.unmount(v.context(), target); !done) {
      mos::log::warn("init: umount {}: {}", target, done.error());
    }
  }
}

// Ends every process but init: SIGKILL, then up to a second for them to go.
void end_processes(posix::System& system) {
  posix::Process& init = system.init();
  (void)system.kill(init, -1, posix::sig::kKill);
  for (int tries = 0; tries < 100; ++tries) {
    auto waited = system.wait(init, posix::WaitFor::Any, 0,
                              posix::wait_options::kNoHang | posix::wait_options::kExited);
    if (!waited && waited.error() == Error::NoChild) return;
    if (waited && waited->pid == 0) mos::sched::sleep_for(10'000'000);
  }
  mos::log::warn("init: some processes did not end");
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  auto made = build_namespace(boot);
  if (!made) {
    log::error("init: cannot build the namespace: {}", made.error());
    return platform::kExitFailure;
  }
  vfs::Vfs& v = **made;
  auto machine = drv::bring_up_pc_machine(v);
  if (!machine) {
    log::error("init: cannot bring the machine up: {}", machine.error());
    return platform::kExitFailure;
  }
  auto created = posix::System::create(v);
  if (!created) {
    log::error("init: no process layer: {}", created.error());
    return platform::kExitFailure;
  }
  posix::System& system = **created;
  if (auto proc = mount_proc(v, system); !proc) log::warn("init: no /proc: {}", proc.error());
  for (const programs::Program* p = programs::kPrograms; p->name != nullptr; ++p) {
    if (auto added = system.register_program(p->name, p->main); !added) {
      log::error("init: program {}: {}", p->name, added.error());
    }
  }
  if (auto installed = system.install_programs("/bin"); !installed) {
    log::error("init: cannot install /bin: {}", installed.error());
    return platform::kExitFailure;
  }
  drv::PcMachine& pc = **machine;
  if (!pc.serial_terminal) {
    log::error("init: no serial terminal");
    return platform::kExitFailure;
  }
  pc.serial_terminal->set_signal_target(&system);
  if (pc.console_terminal) pc.console_terminal->set_signal_target(&system);

  auto serial_shell = start_shell(system, "/dev/ttyS0");
  if (!serial_shell) {
    log::error("init: cannot start the shell: {}", serial_shell.error());
    return platform::kExitFailure;
  }
  if (pc.console_terminal) {
    if (auto console = start_shell(system, "/dev/tty1"); !console) {
      log::warn("init: no shell on the console: {}", console.error());
    }
  }

  // Reap children (orphans come here too) until the serial shell ends or power is asked for.
  int status = 0;
  posix::Process& init = system.init();
  while (system.power_request() == posix::PowerAction::None) {
    auto waited = system.wait(init, posix::WaitFor::Any, 0, posix::wait_options::kExited);
    if (!waited) {
      if (waited.error() == Error::Interrupted) {
        (void)system.deliver_signals(init);
        continue;
      }
      break;  // No children left.
    }
    if (waited->pid == *serial_shell) {
      const int wait_status = waited->status;
      if ((wait_status & 0x7f) == 0) {
        status = (wait_status >> 8) & 0xff;
      } else {
        log::warn("init: the shell was killed by signal {}", wait_status & 0x7f);
        status = 128 + (wait_status & 0x7f);
      }
      break;
    }
  }
  const posix::PowerAction power = system.power_request();
  if (power == posix::PowerAction::Restart) {
    log::warn("init: restarting is not supported on this platform; powering off");
  }
  end_processes(system);
  if (auto synced = v.sync(); !synced) log::warn("init: sync: {}", synced.error());
  unmount_all(v);
  for (auto& disk : pc.disks) {
    if (auto flushed = disk->flush(); !flushed) log::warn("init: disk flush: {}", flushed.error());
  }
  (void)pc.serial_terminal->drain();
  // QEMU's isa-debug-exit carries 0..126: a larger status (a signal's 128 + n) says 126.
  if (status > kLargestStatus) status = kLargestStatus;
  return static_cast<platform::ExitStatus>(status);
}
