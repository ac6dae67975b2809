// Mounting devfs and adding device nodes to it.
#include <vfs/devfs.hpp>
#include <vfs/tmpfs.hpp>

namespace mos::vfs {

Result<void> add_device(Vfs& vfs, std::string_view path, FileType type, DeviceNumber number,
                        RefPtr<Device> device, Mode mode) noexcept {
  if (!device) return Error::NoMemory;
  MOS_TRY(vfs.devices().add(type, number, static_cast<RefPtr<Device>&&>(device)));
  Context root = vfs.context();
  root.umask = 0;
  if (auto made = vfs.make_node(root, path, static_cast<Mode>(type) | (mode & kPermissionMask), number);
      !made) {
    (void)vfs.devices().remove(type, number);
    return made.error();
  }
  return {};
}

Result<void> mount_devfs(Vfs& vfs, std::string_view path) noexcept {
  Context root = vfs.context();
  if (auto made = vfs.make_directory(root, path, 0755); !made && made.error() != Error::Exists) {
    return made.error();
  }
  TmpFsOptions options;
  options.root_mode = 0755;
  options.time = vfs.now();
  RefPtr<TmpFs> fs = MOS_TRY(TmpFs::create(options));
  MOS_TRY(vfs.mount(root, fs, path, kMountNoExec | kMountNoSetId, "devtmpfs"));
  struct Standard {
    std::string_view name;
    DeviceNumber number;
    RefPtr<Device> (*make)() noexcept;
    Mode mode;
  };
  static constexpr Standard kStandard[] = {
      {"null", {1, 3}, make_null_device, 0666},
      {"zero", {1, 5}, make_zero_device, 0666},
      {"full", {1, 7}, make_full_device, 0666},
      {"random", {1, 8}, []() noexcept { return make_random_device(true); }, 0666},
      {"urandom", {1, 9}, []() noexcept { return make_random_device(false); }, 0666},
      {"console", {5, 1}, make_console_device, 0600},
  };
  char node[kPathMax];
  for (const Standard& s : kStandard) {
    if (path.size() + 1 + s.name.size() >= sizeof node) return Error::NameTooLong;
    std::size_t n = 0;
    for (char c : path) node[n++] = c;
    node[n++] = '/';
    for (char c : s.name) node[n++] = c;
    MOS_TRY(add_device(vfs, std::string_view(node, n), FileType::CharDevice, s.number, s.make(), s.mode));
  }
  return {};
}

}  // namespace mos::vfs
