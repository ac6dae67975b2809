// Host benchmarks of libvfs next to the same operations through Linux system calls in the same
// process (bench/README.md):
// - vfs/open_fstat_close/IMPL: open an existing file, fstat it, close it;
// - vfs/create_unlink/IMPL: create a new file (O_CREAT|O_EXCL|O_WRONLY), close it, unlink it;
// - vfs/lookup/IMPL/depth:N: stat of a path through N directories ("d/d/.../f");
// - vfs/read_4k/IMPL, vfs/write_4k/IMPL: pread or pwrite of 4 KiB at rotating offsets within a
//   1 MiB file.
// IMPL = mosaic (a Vfs over a TmpFs, root credentials) and linux (the *at calls relative to a
// scratch directory on /dev/shm if that is a tmpfs, else on $TMPDIR or /tmp; the report names it).
// Both sides build the same tree and start every path from a directory ("bench" on Mosaic, the
// scratch directory on Linux), as a program using *at calls does. The process starts a Mosaic
// scheduler first (its boot thread runs the benchmarks): the namespace lock is a sched::Mutex.
#include <vfs/device.hpp>
#include <vfs/open_file.hpp>
#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <sched/scheduler.hpp>

#include <k/error.hpp>
#include <k/log.hpp>

#include "scheduler_main.hpp"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace {

namespace vfs = mos::vfs;

constexpr int kDepths[] = {1, 2, 4, 8, 16};
constexpr int kMaxDepth = 16;
constexpr std::size_t kBlock = 4096;
constexpr std::size_t kDataBytes = 1024 * 1024;  // The read/write file; its blocks rotate.
constexpr std::size_t kBlocks = kDataBytes / kBlock;
constexpr long kTmpFsMagic = 0x01021994;  // TMPFS_MAGIC, statfs's f_type.

// The tree both sides hold in their starting directory: an empty file "f", the 1 MiB file
// "data", and a chain of directories "d/d/.../d" kMaxDepth deep with a file "f" in each.
constexpr const char* kFile = "f";
constexpr const char* kData = "data";
constexpr const char* kNew = "new";  // What create_unlink makes and removes.

// "d/" N times, then "f".
std::string path_at_depth(int depth) {
  std::string path;
  for (int i = 0; i < depth; ++i) path += "d/";
  return path + kFile;
}

// The offset of the i-th block of a rotation through the data file.
std::int64_t block_offset(std::uint64_t i) {
  return static_cast<std::int64_t>(i % kBlocks * kBlock);
}

// --- Mosaic --------------------------------------------------------------------------------------

// A namespace over a fresh tmpfs with the benchmark tree in "/bench", and a root context whose
// working directory is "/bench".
class MosaicTree {
 public:
  // Whether the tree was made; else `error` says what failed.
  bool make(std::string& error) {
    auto fs = vfs::TmpFs::create();
    if (!fs) return fail(error, "tmpfs", fs.error());
    auto made = vfs::Vfs::create(*fs, devices_);
    if (!made) return fail(error, "vfs", made.error());
    vfs_ = *made;
    context_ = vfs_->context();
    if (auto r = vfs_->make_directory(context_, "/bench", 0755); !r) {
      return fail(error, "mkdir /bench", r.error());
    }
    auto bench = vfs_->resolve(context_, "/bench");
    if (!bench) return fail(error, "/bench", bench.error());
    context_.cwd = *bench;
    if (!write_file(kFile, 0, error)) return false;
    if (!write_file(kData, kDataBytes, error)) return false;
    std::string directory;
    for (int depth = 1; depth <= kMaxDepth; ++depth) {
      directory += depth == 1 ? "d" : "/d";
      if (auto r = vfs_->make_directory(context_, directory, 0755); !r) {
        return fail(error, "mkdir " + directory, r.error());
      }
      if (!write_file(directory + "/" + kFile, 0, error)) return false;
    }
    return true;
  }

  ~MosaicTree() {
    if (vfs_ == nullptr) return;
    context_ = vfs::Context{};  // Its paths keep the mount busy.
    vfs::Vfs::destroy(vfs_);
  }

  vfs::Vfs& vfs() { return *vfs_; }
  const vfs::Context& context() const { return context_; }

 private:
  static bool fail(std::string& error, const std::string& what, mos::Error e) {
    error = "mosaic: " + what + ": " + std::string(mos::error_name(e));
    return false;
  }

  bool write_file(const std::string& path, std::size_t bytes, std::string& error) {
    auto file = vfs_->open(
        context_, path,
        vfs::open_flags::kWriteOnly | vfs::open_flags::kCreate | vfs::open_flags::kExclusive, 0644);
    if (!file) return fail(error, "create " + path, file.error());
    const std::vector<std::byte> block(kBlock, std::byte{0x5a});
    for (std::size_t done = 0; done < bytes; done += kBlock) {
      auto n = (*file)->write_at(static_cast<std::int64_t>(done), block);
      if (!n || *n != kBlock)
        return fail(error, "write " + path, n ? mos::Error::NoSpace : n.error());
    }
    return true;
  }

  vfs::DeviceRegistry devices_;
  vfs::Vfs* vfs_ = nullptr;
  vfs::Context context_;
};

MosaicTree* mosaic = nullptr;

void mosaic_open_fstat_close(benchmark::State& state) {
  vfs::Vfs& v = mosaic->vfs();
  const vfs::Context& context = mosaic->context();
  for (auto _ : state) {
    auto file = v.open(context, kFile, vfs::open_flags::kReadOnly);
    if (!file) return state.SkipWithError("open failed");
    auto st = v.stat(**file);
    if (!st) return state.SkipWithError("fstat failed");
    benchmark::DoNotOptimize(st->inode);
  }  // The last reference to the open file goes with `file`: the close.
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void mosaic_create_unlink(benchmark::State& state) {
  vfs::Vfs& v = mosaic->vfs();
  const vfs::Context& context = mosaic->context();
  constexpr std::uint32_t kFlags =
      vfs::open_flags::kCreate | vfs::open_flags::kExclusive | vfs::open_flags::kWriteOnly;
  for (auto _ : state) {
    {
      auto file = v.open(context, kNew, kFlags, 0644);
      if (!file) return state.SkipWithError("create failed");
    }
    if (!v.unlink(context, kNew)) return state.SkipWithError("unlink failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void mosaic_lookup(benchmark::State& state, int depth) {
  vfs::Vfs& v = mosaic->vfs();
  const vfs::Context& context = mosaic->context();
  const std::string path = path_at_depth(depth);
  for (auto _ : state) {
    auto st = v.stat(context, path);
    if (!st) return state.SkipWithError("stat failed");
    benchmark::DoNotOptimize(st->inode);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void mosaic_read_4k(benchmark::State& state) {
  auto file = mosaic->vfs().open(mosaic->context(), kData, vfs::open_flags::kReadOnly);
  if (!file) return state.SkipWithError("open failed");
  std::vector<std::byte> buffer(kBlock);
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto n = (*file)->read_at(block_offset(i++), buffer);
    if (!n || *n != kBlock) return state.SkipWithError("short read");
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void mosaic_write_4k(benchmark::State& state) {
  auto file = mosaic->vfs().open(mosaic->context(), kData, vfs::open_flags::kWriteOnly);
  if (!file) return state.SkipWithError("open failed");
  const std::vector<std::byte> buffer(kBlock, std::byte{0xa5});
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto n = (*file)->write_at(block_offset(i++), buffer);
    if (!n || *n != kBlock) return state.SkipWithError("short write");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// --- Linux ---------------------------------------------------------------------------------------

// The name of a file system type (statfs's f_type) for the report.
std::string file_system_name(long type) {
  switch (type) {
    case kTmpFsMagic:
      return "tmpfs";
    case 0xef53:
      return "ext2/3/4";
    case 0x9123683e:
      return "btrfs";
    case 0x58465342:
      return "xfs";
    case 0x794c7630:
      return "overlayfs";
    case 0x01021997:
      return "9p";
    case 0x6969:
      return "nfs";
    default: {
      char hex[32];
      std::snprintf(hex, sizeof hex, "f_type 0x%lx", static_cast<unsigned long>(type));
      return hex;
    }
  }
}

// The scratch directory: made under /dev/shm if that is a tmpfs, else under $TMPDIR (or /tmp),
// with the benchmark tree; removed with everything in it when the object goes.
class LinuxTree {
 public:
  // Whether the tree was made; else `error` says what failed.
  bool make(std::string& error) {
    struct statfs shm {};
    std::string base = "/dev/shm";
    if (::statfs(base.c_str(), &shm) != 0 || shm.f_type != kTmpFsMagic) {
      const char* tmpdir = std::getenv("TMPDIR");
      base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    }
    std::string pattern = base + "/mosaic-vfs-bench-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return fail(error, "mkdtemp in " + base);
    path_ = pattern;
    struct statfs where {};
    if (::statfs(path_.c_str(), &where) != 0) return fail(error, "statfs " + path_);
    description_ = base + " (" + file_system_name(where.f_type) +
                   (where.f_type == kTmpFsMagic ? ")" : "; NOT a tmpfs, nor is /dev/shm)");
    directory_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_ < 0) return fail(error, "open " + path_);
    if (!write_file(kFile, 0, error) || !write_file(kData, kDataBytes, error)) return false;
    std::string directory;
    for (int depth = 1; depth <= kMaxDepth; ++depth) {
      directory += depth == 1 ? "d" : "/d";
      if (::mkdirat(directory_, directory.c_str(), 0755) != 0) {
        return fail(error, "mkdir " + directory);
      }
      if (!write_file(directory + "/" + kFile, 0, error)) return false;
    }
    return true;
  }

  ~LinuxTree() {
    if (directory_ >= 0) ::close(directory_);
    if (path_.empty()) return;
    // Depth first, so that each directory is empty when it goes.
    ::nftw(
        path_.c_str(),
        [](const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }, 16,
        FTW_DEPTH | FTW_PHYS);
  }

  int directory() const { return directory_; }
  // Where the Linux rows ran, for the report.
  const std::string& description() const { return description_; }

 private:
  static bool fail(std::string& error, const std::string& what) {
    error = "linux: " + what + ": " + std::strerror(errno);
    return false;
  }

  bool write_file(const std::string& path, std::size_t bytes, std::string& error) {
    const int fd =
        ::openat(directory_, path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return fail(error, "create " + path);
    const std::vector<char> block(kBlock, 0x5a);
    bool ok = true;
    for (std::size_t done = 0; ok && done < bytes; done += kBlock) {
      ok = ::pwrite(fd, block.data(), kBlock, static_cast<off_t>(done)) ==
           static_cast<ssize_t>(kBlock);
    }
    ::close(fd);
    return ok || fail(error, "write " + path);
  }

  std::string path_;
  std::string description_;
  int directory_ = -1;
};

LinuxTree* linux_tree = nullptr;

void linux_open_fstat_close(benchmark::State& state) {
  const int directory = linux_tree->directory();
  for (auto _ : state) {
    const int fd = ::openat(directory, kFile, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return state.SkipWithError("openat failed");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return state.SkipWithError("fstat failed");
    }
    benchmark::DoNotOptimize(st.st_ino);
    ::close(fd);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void linux_create_unlink(benchmark::State& state) {
  const int directory = linux_tree->directory();
  for (auto _ : state) {
    const int fd = ::openat(directory, kNew, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) return state.SkipWithError("create failed");
    ::close(fd);
    if (::unlinkat(directory, kNew, 0) != 0) return state.SkipWithError("unlinkat failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void linux_lookup(benchmark::State& state, int depth) {
  const int directory = linux_tree->directory();
  const std::string path = path_at_depth(depth);
  for (auto _ : state) {
    struct stat st {};
    if (::fstatat(directory, path.c_str(), &st, 0) != 0)
      return state.SkipWithError("fstatat failed");
    benchmark::DoNotOptimize(st.st_ino);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void linux_read_4k(benchmark::State& state) {
  const int fd = ::openat(linux_tree->directory(), kData, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return state.SkipWithError("openat failed");
  std::vector<char> buffer(kBlock);
  std::uint64_t i = 0;
  for (auto _ : state) {
    if (::pread(fd, buffer.data(), kBlock, block_offset(i++)) != static_cast<ssize_t>(kBlock)) {
      ::close(fd);
      return state.SkipWithError("short pread");
    }
    benchmark::DoNotOptimize(buffer.data());
  }
  ::close(fd);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void linux_write_4k(benchmark::State& state) {
  const int fd = ::openat(linux_tree->directory(), kData, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return state.SkipWithError("openat failed");
  const std::vector<char> buffer(kBlock, static_cast<char>(0xa5));
  std::uint64_t i = 0;
  for (auto _ : state) {
    if (::pwrite(fd, buffer.data(), kBlock, block_offset(i++)) != static_cast<ssize_t>(kBlock)) {
      ::close(fd);
      return state.SkipWithError("short pwrite");
    }
  }
  ::close(fd);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// --- Registration --------------------------------------------------------------------------------

// In the report's order. CPU time (the default): it includes the time the thread spends in the
// kernel, and nothing here waits.
void register_all() {
  const auto add = [](const std::string& name, auto fn) {
    benchmark::RegisterBenchmark(name.c_str(), fn)->MinTime(0.2);
  };
  add("vfs/open_fstat_close/mosaic", mosaic_open_fstat_close);
  add("vfs/open_fstat_close/linux", linux_open_fstat_close);
  add("vfs/create_unlink/mosaic", mosaic_create_unlink);
  add("vfs/create_unlink/linux", linux_create_unlink);
  for (int depth : kDepths) {
    const std::string suffix = "/depth:" + std::to_string(depth);
    add("vfs/lookup/mosaic" + suffix, [depth](benchmark::State& s) { mosaic_lookup(s, depth); });
    add("vfs/lookup/linux" + suffix, [depth](benchmark::State& s) { linux_lookup(s, depth); });
  }
  add("vfs/read_4k/mosaic", mosaic_read_4k);
  add("vfs/read_4k/linux", linux_read_4k);
  add("vfs/write_4k/mosaic", mosaic_write_4k);
  add("vfs/write_4k/linux", linux_write_4k);
}

}  // namespace

int main(int argc, char** argv) {
  return mos::bench::run_on_scheduler("vfs_bench", argc, argv, register_all, [] {
    int status = 0;
    {
      MosaicTree mosaic_tree;
      LinuxTree linux_scratch;  // Removed on the way out, also when a step below failed.
      std::string error;
      if (mosaic_tree.make(error) && linux_scratch.make(error)) {
        mosaic = &mosaic_tree;
        linux_tree = &linux_scratch;
        // The report's header names where the Linux rows ran (tools/bench_report.py).
        benchmark::AddCustomContext("vfs_linux_directory", linux_scratch.description());
        benchmark::RunSpecifiedBenchmarks();
        mosaic = nullptr;
        linux_tree = nullptr;
      } else {
        std::fprintf(stderr, "vfs_bench: %s\n", error.c_str());
        status = 1;
      }
    }
    return status;
  });
}
