#pragma once
/// Vfs: one namespace of files — a tree of mounts over file systems — and every operation on it
/// by path: open, make and remove names, rename, link, attributes, mounts. Semantics and error
/// values are Linux's (the host tests run the same operations against Linux and compare).
///
/// Every operation takes a Context: who asks (credentials), the root and working directory
/// relative paths start from, and the umask. The *at forms of POSIX are a Context whose working
/// directory is the directory the descriptor names; rename and link, which take two paths, take
/// a starting directory for each.
///
/// Locking: one namespace lock (a sched::Mutex) serialises every change to names, mounts and the
/// dentry cache, and every path resolution; file contents have their vnode's lock. An operation
/// never waits for anything else (a FIFO's other end, a device) with the namespace lock held.

#include <vfs/device.hpp>
#include <vfs/file_system.hpp>
#include <vfs/open_file.hpp>
#include <vfs/path.hpp>
#include <vfs/types.hpp>

#include <sched/mutex.hpp>

#include <k/intrusive_list.hpp>
#include <k/ref_ptr.hpp>
#include <k/result.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mos::vfs {

/// Who asks, and where relative paths start; see the file comment.
struct Context {
  Credentials credentials;
  Path root;
  Path cwd;
  Mode umask = 022;
};

/// chown's "leave this id as it is" (-1).
inline constexpr std::uint32_t kUnchangedId = 0xffffffff;

/// See the file comment.
class Vfs {
 public:
  /// A namespace with `root` mounted at "/"; device nodes reach the devices in `devices` (which
  /// must outlive it). Error::NoMemory.
  static Result<Vfs*> create(RefPtr<FileSystem> root, DeviceRegistry& devices) noexcept;
  /// Unmounts everything and frees the namespace; nothing may use it any more.
  static void destroy(Vfs* vfs) noexcept;

  /// The root of the namespace.
  Path root() const noexcept;
  /// A context at the root with `credentials` and umask 022.
  Context context(const Credentials& credentials = {}) const noexcept;
  DeviceRegistry& devices() noexcept { return devices_; }

  /// The time of day (the clock timestamps come from): the monotonic clock plus an offset that
  /// set_time moves (the RTC at boot, settimeofday later).
  Timespec now() const noexcept;
  void set_time(Timespec now) noexcept;

  // --- Paths ----------------------------------------------------------------------------------
  /// Where `path` leads (following a final symlink if `follow`): for chdir, chroot, *at.
  Result<Path> resolve(const Context& context, std::string_view path, bool follow = true) noexcept;
  /// The absolute name of `path` as seen from `context.root` (getcwd, /proc/PID/cwd), into `out`
  /// with no NUL; its length. Error::NameTooLong when it does not fit, Error::NoEntry for a path
  /// whose directory was removed (Linux's getcwd says so too).
  Result<std::size_t> name_of(const Context& context, const Path& path,
                              std::span<char> out) noexcept;

  // --- Open -----------------------------------------------------------------------------------
  /// open(2): `flags` from open_flags, `mode` for a file O_CREAT makes.
  Result<RefPtr<OpenFile>> open(const Context& context, std::string_view path, std::uint32_t flags,
                                Mode mode = 0) noexcept;

  // --- Names ----------------------------------------------------------------------------------
  Result<void> make_directory(const Context& context, std::string_view path, Mode mode) noexcept;
  /// mknod(2): `mode` carries the type (regular, FIFO, socket, char or block device).
  Result<void> make_node(const Context& context, std::string_view path, Mode mode,
                         DeviceNumber device = {}) noexcept;
  Result<void> make_symlink(const Context& context, std::string_view target,
                            std::string_view path) noexcept;
  Result<void> remove_directory(const Context& context, std::string_view path) noexcept;
  Result<void> unlink(const Context& context, std::string_view path) noexcept;
  /// rename(2) from `from` (relative to `from_directory`) to `to` (relative to `to_directory`).
  Result<void> rename(const Context& context, const Path& from_directory, std::string_view from,
                      const Path& to_directory, std::string_view to) noexcept;
  Result<void> rename(const Context& context, std::string_view from, std::string_view to) noexcept {
    return rename(context, context.cwd, from, context.cwd, to);
  }
  /// link(2) (linkat with AT_SYMLINK_FOLLOW when `follow`).
  Result<void> link(const Context& context, const Path& from_directory, std::string_view from,
                    const Path& to_directory, std::string_view to, bool follow = false) noexcept;
  Result<void> link(const Context& context, std::string_view from, std::string_view to) noexcept {
    return link(context, context.cwd, from, context.cwd, to);
  }
  /// readlink(2): the target into `out` (truncated to fit, no NUL); its length.
  Result<std::size_t> read_link(const Context& context, std::string_view path,
                                std::span<char> out) noexcept;

  // --- Attributes -----------------------------------------------------------------------------
  Result<Stat> stat(const Context& context, std::string_view path, bool follow = true) noexcept;
  Result<Stat> stat(const OpenFile& file) noexcept;
  Result<void> change_mode(const Context& context, std::string_view path, Mode mode,
                           bool follow = true) noexcept;
  Result<void> change_mode(const Context& context, OpenFile& file, Mode mode) noexcept;
  /// chown(2); kUnchangedId leaves an id.
  Result<void> change_owner(const Context& context, std::string_view path, std::uint32_t uid,
                            std::uint32_t gid, bool follow = true) noexcept;
  Result<void> change_owner(const Context& context, OpenFile& file, std::uint32_t uid,
                            std::uint32_t gid) noexcept;
  /// utimensat(2): access and modification times, each a time, Timespec::kNow or kOmit in
  /// nanoseconds.
  Result<void> set_times(const Context& context, std::string_view path, Timespec access,
                         Timespec modify, bool follow = true) noexcept;
  Result<void> set_times(const Context& context, OpenFile& file, Timespec access,
                         Timespec modify) noexcept;
  Result<void> truncate(const Context& context, std::string_view path, std::int64_t size) noexcept;
  Result<void> truncate(const Context& context, OpenFile& file, std::int64_t size) noexcept;
  /// access(2) (`context` carries the ids to check: the real ones for access itself).
  Result<void> access(const Context& context, std::string_view path, std::uint32_t mode,
                      bool follow = true) noexcept;
  Result<StatFs> statfs(const Context& context, std::string_view path) noexcept;
  Result<StatFs> statfs(const OpenFile& file) noexcept;

  // --- Mounts ---------------------------------------------------------------------------------
  /// Mounts `file_system` on the directory `target` (root only: else Error::NotPermitted).
  /// `source` is what /proc/mounts shows.
  Result<void> mount(const Context& context, RefPtr<FileSystem> file_system,
                     std::string_view target, std::uint32_t flags = 0,
                     std::string_view source = "none") noexcept;
  /// Mounts the directory (or file, onto a file) `source` again at `target` (mount --bind).
  Result<void> bind_mount(const Context& context, std::string_view source, std::string_view target,
                          std::uint32_t flags = 0) noexcept;
  /// Unmounts the mount whose root `target` names. Error::Busy while anything uses it (open
  /// files, working directories, mounts on it), Error::InvalidArgument if `target` is not the
  /// root of a mount, Error::NotPermitted unless root.
  Result<void> unmount(const Context& context, std::string_view target) noexcept;
  /// Calls `visit(Mount&)` for every mount in mount order (for /proc/mounts), under the
  /// namespace lock: `visit` must not call back into the Vfs, but may use name_of_locked and
  /// make Paths of the mounts.
  template <class F>
  void for_each_mount(F visit) noexcept {
    sched::MutexGuard guard(lock_);
    for (Mount& mount : mounts_) visit(mount);
  }
  /// name_of for use inside for_each_mount (the lock is held).
  Result<std::size_t> name_of_locked(const Path& root, const Path& path,
                                     std::span<char> out) noexcept;

  /// Writes every file system's cached data to its storage.
  Result<void> sync() noexcept;

  /// The two ends of a pipe(2): a FIFO on a file system of the VFS's own that no path reaches
  /// (Linux's pipefs), opened for reading and for writing. `flags` may hold O_NONBLOCK and
  /// O_CLOEXEC (the latter is the caller's to keep: it belongs to descriptors).
  struct PipeEnds {
    RefPtr<OpenFile> read;
    RefPtr<OpenFile> write;
  };
  Result<PipeEnds> open_pipe(const Credentials& credentials, std::uint32_t flags) noexcept;

  // --- The dentry cache -----------------------------------------------------------------------
  /// Dentries cached now, and the most kept when unused.
  std::size_t cached_dentries() const noexcept { return cached_; }
  void set_dentry_cache_limit(std::size_t limit) noexcept;

 private:
  friend class OpenFile;

  // What a walk is for, which decides what happens to the last component (as Linux's lookup
  // flags do): whether a symlink there is followed, whether a trailing slash forces that, and
  // when the last component is looked up at all.
  enum class Intent : std::uint8_t {
    Lookup,           // stat, open: a final symlink is followed.
    LookupNoFollow,   // lstat, O_NOFOLLOW: it is not, unless a trailing slash follows it.
    Parent,           // mkdir, unlink, rename...: never followed; a last name that is too
                      // long is reported by the operation (Walk::name_too_long), in its order.
    Create,           // open(O_CREAT): followed; with a trailing slash, not even looked up.
    CreateNoFollow,   // open(O_CREAT | O_EXCL or O_NOFOLLOW): not followed; the same.
  };
  // The outcome of walking a path to its last component.
  enum class Last : std::uint8_t { Normal, Dot, DotDot, Root };
  struct Walk {
    Path parent;                // The directory the last component is in.
    std::string_view name;      // The last component (into the path or a link's target).
    Last last = Last::Normal;
    bool trailing_slash = false;
    bool name_too_long = false;  // Parent intent: the last name is over kNameMax.
    RefPtr<Dentry> child;       // The last component's dentry, maybe negative (Normal only).
    Path target;                // Where the last component leads; empty if it does not exist.
    char* links[kMaxSymlinks] = {};  // The targets of the links followed; `name` may point in.
    int link_count = 0;
    Walk() noexcept = default;
    Walk(Walk&&) noexcept;
    Walk& operator=(Walk&&) = delete;
    ~Walk();
  };

  explicit Vfs(DeviceRegistry& devices) noexcept;
  ~Vfs();

  // Path walking (walk.cpp); namespace lock held.
  Result<Walk> walk(const Context& context, const Path& start, std::string_view path,
                    Intent intent) noexcept;
  Result<Path> resolve_locked(const Context& context, const Path& start, std::string_view path,
                              bool follow) noexcept;
  Path parent_of(const Context& context, const Path& path) noexcept;
  Path cross_mounts(Path path) noexcept;

  // The dentry cache (dentry_cache.cpp); namespace lock held.
  Result<RefPtr<Dentry>> lookup_child(Dentry& parent, std::string_view name) noexcept;
  Result<RefPtr<Dentry>> new_dentry(Dentry* parent, std::string_view name,
                                    RefPtr<Vnode> vnode) noexcept;
  void set_dentry_vnode(Dentry& dentry, RefPtr<Vnode> vnode) noexcept;
  void detach(Dentry& dentry) noexcept;
  void detach_subtree(Dentry& root) noexcept;
  void touch(Dentry& dentry) noexcept;
  void prune() noexcept;

  // Mount helpers (mount.cpp); namespace lock held.
  Mount* mount_on(const Mount& parent, const Dentry& mountpoint) const noexcept;
  void attach_mount(RefPtr<Mount> mount, const Path& target) noexcept;
  void detach_mount(Mount& mount) noexcept;
  Result<RefPtr<Dentry>> root_dentry_of(FileSystem& file_system) noexcept;

  // Pieces of the operations (names.cpp, attributes.cpp, open.cpp).
  Result<Walk> walk_for_create(const Context& context, std::string_view path) noexcept;
  Result<void> check_writable_mount(const Path& path) const noexcept;
  Result<RefPtr<Vnode>> create_locked(const Context& context, Walk& walk, Mode mode,
                                      DeviceNumber device, std::string_view symlink_target) noexcept;
  Result<void> change_mode_of(const Context& context, const Path& path, Mode mode) noexcept;
  Result<void> change_owner_of(const Context& context, const Path& path, std::uint32_t uid,
                               std::uint32_t gid) noexcept;
  Result<void> set_times_of(const Context& context, const Path& path, Timespec access,
                            Timespec modify) noexcept;
  Result<void> truncate_vnode(const Context& context, Vnode& vnode, std::int64_t size) noexcept;
  Result<RefPtr<OpenFile>> open_path(const Context& context, Path path, std::uint32_t flags,
                                     bool created) noexcept;
  Stat stat_of(const Vnode& vnode) const noexcept;
  void touch_directory(Vnode& directory) noexcept;

  DeviceRegistry& devices_;
  mutable sched::Mutex lock_;
  IntrusiveList<Mount, &Mount::table_node_> mounts_;  // Each holds a reference.
  RefPtr<Mount> root_mount_;
  IntrusiveList<Dentry, &Dentry::lru_> lru_;
  std::size_t cached_ = 0;
  std::size_t cache_limit_ = 8192;
  std::atomic<std::int64_t> time_offset_{0};  // Time of day minus the monotonic clock, in ns.
  RefPtr<Mount> pipe_mount_;  // Where open_pipe's FIFOs live; in no namespace. Under lock_.
  std::uint64_t pipes_made_ = 0;  // Names them. Under lock_.
};

}  // namespace mos::vfs
