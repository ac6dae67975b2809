#pragma once
// A procfs vnode: which entry it is (its kind, and the pid and descriptor it belongs to). Every
// lookup makes a new one (procfs directories cache no names), so a vnode is in practice one
// opener's: a generated file keeps its rendering for the reads that follow at later offsets.

#include <vfs/procfs.hpp>
#include <vfs/vnode.hpp>

#include <k/output_sink.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::vfs {

class ProcNode final : public Vnode {
 public:
  enum class Kind : std::uint8_t {
    // The fixed entries; their inode numbers are these values.
    Root = 1,
    MemInfo,
    Uptime,
    Version,
    Mounts,
    Self,
    // A process's entries.
    PidDirectory,
    Status,
    CommandLine,
    Stat,
    WorkingDirectory,
    RootDirectory,
    Executable,
    FdDirectory,
    FdLink,
  };

  /// The fixed entry `kind` (root's: root:root, the file system's creation time).
  static Result<RefPtr<ProcNode>> make_fixed(ProcFs& fs, Kind kind) noexcept;
  /// Entry `kind` of process `pid` (owned by `owner`'s effective ids); `fd` and `fd_flags` for
  /// an FdLink.
  static Result<RefPtr<ProcNode>> make_for_process(ProcFs& fs, Kind kind, Pid pid,
                                                   const ProcessStatus& owner, int fd = 0,
                                                   std::uint32_t fd_flags = 0) noexcept;

  Result<RefPtr<Vnode>> lookup(std::string_view name) noexcept override;
  Result<RefPtr<Vnode>> create(std::string_view name, const NodeSpec& spec) noexcept override;
  Result<void> link(std::string_view name, Vnode& target, Timespec now) noexcept override;
  Result<void> unlink(std::string_view name, Vnode& victim, Timespec now) noexcept override;
  Result<void> rename(std::string_view from, Vnode& moved, Vnode& to_directory, std::string_view to,
                      Vnode* replaced, Timespec now) noexcept override;
  Result<bool> is_empty() noexcept override;
  Result<void> read_directory(std::uint64_t& position, DirectorySink& sink) noexcept override;
  Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out) noexcept override;
  Result<std::size_t> write(std::uint64_t offset,
                            std::span<const std::byte> data) noexcept override;
  Result<void> resize(std::uint64_t size) noexcept override;
  Result<std::size_t> read_link(std::span<char> out) noexcept override;
  bool caches_names() const noexcept override { return false; }

 private:
  ProcNode(ProcFs& fs, Kind kind, Pid pid, int fd, std::uint64_t inode,
           const Attributes& attributes) noexcept;
  ~ProcNode() override;

  ProcFs& fs() const noexcept { return static_cast<ProcFs&>(file_system()); }
  ProcessInformation& processes() const noexcept { return *fs().processes(); }

  // Directory contents (directories.cpp).
  Result<RefPtr<Vnode>> lookup_in_root(std::string_view name) noexcept;
  Result<RefPtr<Vnode>> lookup_in_process(std::string_view name) noexcept;
  Result<RefPtr<Vnode>> lookup_descriptor(std::string_view name) noexcept;
  Result<void> read_root(std::uint64_t& position, DirectorySink& sink) noexcept;
  Result<void> read_process(std::uint64_t& position, DirectorySink& sink) noexcept;
  Result<void> read_descriptors(std::uint64_t& position, DirectorySink& sink) noexcept;

  // Generated files (files.cpp): renders this file's text into `sink`.
  Result<void> render(OutputSink& sink) noexcept;
  Result<void> render_mounts(OutputSink& sink) noexcept;
  // Links (files.cpp): the name of `path` as the caller sees it, into `out` (truncated).
  Result<std::size_t> name_path(const Path& path, std::span<char> out) noexcept;

  const Kind kind_;
  const Pid pid_;
  const int fd_;
  char* rendered_ = nullptr;  // The last rendering (contents lock), kept for later offsets.
  std::size_t rendered_size_ = 0;
};

namespace procfs {

/// The inode number of entry `kind` of process `pid` (descriptor `fd` for an FdLink): stable,
/// and distinct from every other entry's.
std::uint64_t inode_of(ProcNode::Kind kind, Pid pid, int fd) noexcept;

/// `name` as a pid or descriptor number: decimal digits without a leading zero (but "0"), at
/// most 2^31 - 1; nullopt otherwise.
std::optional<std::int32_t> parse_number(std::string_view name) noexcept;

/// Whether the calling process may see `target`'s links and addresses (root, or every id of
/// the target equal to the caller's filesystem ids); a kernel thread may.
bool may_inspect(ProcessInformation& processes, Pid target, const ProcessStatus& status) noexcept;

// The formats (render.cpp), Linux's exactly.
void render_meminfo(OutputSink& sink, const MemoryInformation& memory) noexcept;
void render_uptime(OutputSink& sink, std::uint64_t uptime_ns, std::uint64_t idle_ns) noexcept;
void render_version(OutputSink& sink, std::string_view version) noexcept;
/// One line of /proc/mounts; `flags` are the mount's (kMountNoSetId ...).
void render_mount(OutputSink& sink, std::string_view source, std::string_view mountpoint,
                  std::string_view type, bool read_only, std::uint32_t flags) noexcept;
/// `inspect`: the caller may see the addresses (stat's "permitted").
void render_stat(OutputSink& sink, Pid pid, const ProcessStatus& status, bool inspect) noexcept;
void render_status(OutputSink& sink, Pid pid, const ProcessStatus& status) noexcept;

}  // namespace procfs

}  // namespace mos::vfs
