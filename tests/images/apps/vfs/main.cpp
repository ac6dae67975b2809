// vfs: the image test of libvfs on the machine. The root is a tmpfs; the initramfs (built by
// the build from tests/images/apps/vfs/initramfs/) comes as a boot module, or linked in, and is
// unpacked into it; then the image lists the tree, reads files through symlinks, writes,
// renames and truncates in the tmpfs, and uses devfs's devices.
#include <vfs/devfs.hpp>
#include <vfs/initramfs.hpp>
#include <vfs/procfs.hpp>
#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <mm/kernel_memory.hpp>

#include <k/app.hpp>
#include <k/log.hpp>

#include <cstddef>
#include <span>
#include <string_view>

namespace {

namespace vfs = mos::vfs;
using mos::log::info;
using namespace vfs::open_flags;

int g_failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    ++g_failures;
    mos::log::error("vfs: FAILED: {}", what);
  }
}

// The initramfs: the first boot module, else the one linked in.
std::span<const std::byte> find_initramfs(const mos::BootInfo& boot, const char** where) {
  if (!boot.modules.empty()) {
    const mos::BootModule& m = boot.modules[0];
    *where = "boot module";
    return {mos::mm::kernel_phys_map().at<const std::byte>(m.start),
            static_cast<std::size_t>(m.end.value() - m.start.value())};
  }
  *where = "linked into the image";
  return vfs::embedded_initramfs();
}

// The entries of one directory (up to 32), "." and ".." left out. Names are copied: the sink
// sees each only while emit runs.
class Collector final : public vfs::DirectorySink {
 public:
  bool emit(std::string_view name, std::uint64_t, vfs::FileType type, std::uint64_t) noexcept override {
    if (name == "." || name == "..") return true;
    if (count == kMax) return false;
    for (std::size_t i = 0; i < name.size(); ++i) storage[count][i] = name[i];
    lengths[count] = name.size();
    types[count++] = type;
    return true;
  }
  std::string_view name(std::size_t i) const noexcept { return {storage[i], lengths[i]}; }

  static constexpr std::size_t kMax = 32;
  char storage[kMax][vfs::kNameMax];
  std::size_t lengths[kMax] = {};
  vfs::FileType types[kMax] = {};
  std::size_t count = 0;
};

// Prints the tree below `path`, depth first, one line per entry: type, mode, size, name.
void list_tree(vfs::Vfs& v, const vfs::Context& root, char* path, std::size_t length, int depth) {
  static Collector printers[9];  // One per depth: too large for a kernel stack.
  Collector& printer = printers[depth];
  printer.count = 0;
  auto dir = v.open(root, std::string_view(path, length), kReadOnly | kDirectory);
  if (!dir) {
    check(false, "open a directory of the tree");
    return;
  }
  check((*dir)->read_directory(printer).has_value(), "read a directory");
  for (std::size_t i = 0; i < printer.count; ++i) {
    std::size_t n = length;
    if (n > 1) path[n++] = '/';
    for (char c : printer.name(i)) path[n++] = c;
    auto st = v.stat(root, std::string_view(path, n), false);
    if (!st) {
      check(false, "stat an entry of the tree");
      continue;
    }
    const char kind = printer.types[i] == vfs::FileType::Directory ? 'd'
                      : printer.types[i] == vfs::FileType::Symlink ? 'l'
                                                                   : '-';
    info("vfs: tree {} {:o} {} {}", kind, st->mode & 07777, st->size, std::string_view(path, n));
    if (printer.types[i] == vfs::FileType::Directory && depth < 8) list_tree(v, root, path, n, depth + 1);
  }
}

std::size_t read_all(vfs::Vfs& v, const vfs::Context& root, std::string_view path, std::span<char> out) {
  auto file = v.open(root, path, kReadOnly);
  if (!file) return 0;
  auto n = (*file)->read(std::as_writable_bytes(out));
  return n ? *n : 0;
}

void exercise(vfs::Vfs& v) {
  vfs::Context root = v.context();
  char buffer[128];
  std::size_t n = read_all(v, root, "/etc/hostname", buffer);
  check(std::string_view(buffer, n) == "mosaic\n", "/etc/hostname holds its text");
  n = read_all(v, root, "/etc/name", buffer);
  check(std::string_view(buffer, n) == "mosaic\n", "/etc/name leads to /etc/hostname");
  n = read_all(v, root, "/usr/share/doc/motd", buffer);
  check(std::string_view(buffer, n) == "Welcome to Mosaic.\n", "a relative symlink up three levels");
  info("vfs: read through symlinks ok");

  // Write, append, rename, truncate in the tmpfs.
  auto file = v.open(root, "/tmp/notes", kCreate | kWriteOnly | kExclusive, 0640);
  check(file.has_value(), "create /tmp/notes");
  if (file) {
    check((*file)->write(std::as_bytes(std::span("written on the machine\n", 23))).value_or(0) == 23,
          "write");
  }
  file = v.open(root, "/tmp/notes", kWriteOnly | kAppend);
  if (file) {
    check((*file)->write(std::as_bytes(std::span("appended\n", 9))).value_or(0) == 9, "append");
  }
  check(v.rename(root, "/tmp/notes", "/tmp/renamed").has_value(), "rename");
  n = read_all(v, root, "/tmp/renamed", buffer);
  check(std::string_view(buffer, n) == "written on the machine\nappended\n", "read back");
  check(v.truncate(root, "/tmp/renamed", 7).has_value(), "truncate");
  auto st = v.stat(root, "/tmp/renamed");
  check(st && st->size == 7 && (st->mode & 0777) == 0640, "stat after truncate");
  check(v.make_directory(root, "/tmp/dir", 0755).has_value(), "mkdir");
  check(v.link(root, "/tmp/renamed", "/tmp/dir/hard").has_value(), "link");
  st = v.stat(root, "/tmp/renamed");
  check(st && st->links == 2, "two links");
  check(v.remove_directory(root, "/tmp/dir").error() == mos::Error::NotEmpty, "rmdir: not empty");
  info("vfs: tmpfs writes ok");

  // devfs.
  check(vfs::mount_devfs(v).has_value(), "mount devfs");
  auto urandom = v.open(root, "/dev/urandom", kReadOnly);
  std::byte random[16] = {};
  check(urandom && (*urandom)->read(random).value_or(0) == 16, "read /dev/urandom");
  auto full = v.open(root, "/dev/full", kWriteOnly);
  check(full && (*full)->write(random).error() == mos::Error::NoSpace, "/dev/full is full");
  auto console = v.open(root, "/dev/console", kWriteOnly);
  constexpr std::string_view kHello = "vfs: hello through /dev/console\n";
  check(console && (*console)->write(std::as_bytes(std::span(kHello))).value_or(0) == kHello.size(),
        "write /dev/console");
  info("vfs: devfs ok");

  // procfs with the kernel's figures (no processes here: libposix brings them).
  static vfs::KernelSystemInformation system("Mosaic version 0.1 (vfs image test)");
  auto proc = vfs::ProcFs::create(v, system, nullptr);
  check(proc && v.make_directory(root, "/proc", 0555).has_value() &&
            v.mount(root, *proc, "/proc", 0, "proc").has_value(),
        "mount procfs");
  for (const char* name : {"/proc/version", "/proc/uptime", "/proc/mounts"}) {
    char text[512];
    n = read_all(v, root, name, text);
    check(n > 0, "read a procfs file");
    std::string_view rest(text, n);
    while (!rest.empty()) {  // One log line per line of the file.
      const std::size_t end = rest.find('\n');
      info("vfs: {}: {}", name, rest.substr(0, end));
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
  }
  char meminfo[2048];
  n = read_all(v, root, "/proc/meminfo", meminfo);
  const std::string_view first_lines(meminfo, n < 84 ? n : 84);
  info("vfs: /proc/meminfo starts {}", first_lines.substr(0, first_lines.find("MemAvailable")));
  check(std::string_view(meminfo, n).starts_with("MemTotal:"), "/proc/meminfo");
  info("vfs: procfs ok");
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  vfs::TmpFsOptions options;
  options.root_mode = 0755;
  options.max_bytes = 8 << 20;
  auto fs = vfs::TmpFs::create(options);
  static vfs::DeviceRegistry devices;
  auto made = fs ? vfs::Vfs::create(*fs, devices) : Result<vfs::Vfs*>(Error::NoMemory);
  if (!made) {
    log::error("vfs: FAILED: cannot make the namespace: {}", made.error());
    return platform::kExitFailure;
  }
  vfs::Vfs& v = **made;
  const char* where = "";
  const std::span<const std::byte> archive = find_initramfs(boot, &where);
  info("vfs: initramfs of {} bytes, {}", archive.size(), where);
  auto unpacked = vfs::unpack_initramfs(v, archive);
  if (!unpacked) {
    log::error("vfs: FAILED: {}", unpacked.error());
    return platform::kExitFailure;
  }
  info("vfs: unpacked {} directories, {} files, {} symlinks, {} bytes", unpacked->directories,
       unpacked->files, unpacked->symlinks, unpacked->bytes);
  char path[vfs::kPathMax] = "/";
  list_tree(v, v.context(), path, 1, 0);
  exercise(v);
  if (g_failures != 0) {
    log::error("vfs: {} checks failed", g_failures);
    return platform::kExitFailure;
  }
  info("vfs: all checks passed");
  return platform::kExitSuccess;
}
