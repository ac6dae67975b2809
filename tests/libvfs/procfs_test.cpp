// procfs: every file's exact contents in Linux's formats (checked against a Linux 6.18 /proc),
// readdir of /proc and /proc/PID/fd, /proc/self following the caller, links, attributes, the
// errors of writing and creating, processes that go, /proc/mounts following mounts, and
// providers that lie.
#include <vfs/procfs.hpp>

#include "vfs_test_support.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using mos::RefPtr;
using mos::Result;
using namespace open_flags;

namespace {

using namespace std::string_literals;

class FakeSystem final : public SystemInformation {
 public:
  MemoryInformation memory() noexcept override { return memory_info; }
  std::uint64_t uptime_ns() noexcept override { return up; }
  std::uint64_t idle_ns() noexcept override { return idle; }
  std::string_view version() noexcept override { return version_line; }

  MemoryInformation memory_info;
  std::uint64_t up = 0;
  std::uint64_t idle = 0;
  std::string version_line = "Mosaic version 0.1.0 (test)";
};

struct FakeProcess {
  ProcessStatus status;
  std::string command_line;  // NUL-separated.
  Path cwd, root, exe;
  std::map<int, DescriptorInformation> descriptors;
};

class FakeProcesses : public ProcessInformation {
 public:
  virtual ~FakeProcesses() = default;
  std::optional<Pid> current() noexcept override { return current_pid; }
  std::optional<Pid> next_pid(Pid at_least) noexcept override {
    auto it = processes.lower_bound(at_least);
    if (it == processes.end()) return std::nullopt;
    return it->first;
  }
  Result<ProcessStatus> status(Pid pid) noexcept override {
    FakeProcess* p = find(pid);
    if (p == nullptr) return Error::NoProcess;
    return p->status;
  }
  Result<std::size_t> read_command_line(Pid pid, std::uint64_t offset,
                                        std::span<char> out) noexcept override {
    FakeProcess* p = find(pid);
    if (p == nullptr) return Error::NoProcess;
    if (offset >= p->command_line.size()) return std::size_t{0};
    const std::size_t n = std::min(out.size(), p->command_line.size() - offset);
    std::memcpy(out.data(), p->command_line.data() + offset, n);
    return n;
  }
  Result<Path> working_directory(Pid pid) noexcept override {
    return path_of(pid, &FakeProcess::cwd);
  }
  Result<Path> root_directory(Pid pid) noexcept override {
    return path_of(pid, &FakeProcess::root);
  }
  Result<Path> executable(Pid pid) noexcept override { return path_of(pid, &FakeProcess::exe); }
  std::optional<int> next_descriptor(Pid pid, int at_least) noexcept override {
    FakeProcess* p = find(pid);
    if (p == nullptr) return std::nullopt;
    auto it = p->descriptors.lower_bound(at_least);
    if (it == p->descriptors.end()) return std::nullopt;
    return it->first;
  }
  Result<DescriptorInformation> descriptor(Pid pid, int fd) noexcept override {
    FakeProcess* p = find(pid);
    if (p == nullptr) return Error::NoProcess;
    auto it = p->descriptors.find(fd);
    if (it == p->descriptors.end()) return Error::BadFileDescriptor;
    return it->second;
  }

  std::map<Pid, FakeProcess> processes;
  std::optional<Pid> current_pid;

 private:
  FakeProcess* find(Pid pid) {
    auto it = processes.find(pid);
    return it == processes.end() ? nullptr : &it->second;
  }
  Result<Path> path_of(Pid pid, Path FakeProcess::*member) {
    FakeProcess* p = find(pid);
    if (p == nullptr) return Error::NoProcess;
    if (!(p->*member)) return Error::NoEntry;
    return p->*member;
  }
};

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * 1024;

// A namespace with a few files, procfs at /proc, and three processes: init (pid 1, root), a
// kernel thread (pid 2) and a user's shell (pid 42, uid 1000), which is the caller.
struct ProcFixture {
  explicit ProcFixture(bool with_processes = true) {
    REQUIRE(ns.vfs->make_directory(ns.root, "/proc", 0555).has_value());
    REQUIRE(ns.vfs->make_directory(ns.root, "/sbin", 0755).has_value());
    REQUIRE(ns.vfs->make_directory(ns.root, "/bin", 0755).has_value());
    REQUIRE(ns.vfs->make_directory(ns.root, "/tmp", 01777).has_value());
    REQUIRE(ns.vfs->make_directory(ns.root, "/home", 0755).has_value());
    REQUIRE(ns.vfs->make_directory(ns.root, "/home/user", 0755).has_value());
    ns.write_file("/sbin/init", "init", 0755);
    ns.write_file("/bin/sh", "sh", 0755);
    ns.write_file("/tmp/log", "log");
    ns.write_file("/home/user/notes", "notes");

    system.memory_info = {16318044 * kKiB, 123456 * kKiB, 234567 * kKiB, 0, 0, 1536 * kKiB + 512};
    system.up = 12'345'678'901'234;
    system.idle = 999'999'999;

    auto fs = ProcFs::create(*ns.vfs, system, with_processes ? &processes : nullptr);
    REQUIRE(fs.has_value());
    procfs = *fs;
    REQUIRE(ns.vfs
                ->mount(ns.root, procfs, "/proc", kMountNoSetId | kMountNoDevices | kMountNoExec,
                        "proc")
                .has_value());

    FakeProcess& init = processes.processes[1];
    init.status.state = ProcessState::Sleeping;
    init.status.name.set("init");
    init.status.process_group = 1;
    init.status.session = 1;
    init.status.descriptor_slots = 64;
    init.status.virtual_bytes = init.status.peak_virtual_bytes = 4 * kMiB;
    init.status.resident_bytes = init.status.peak_resident_bytes = 1 * kMiB;
    init.status.code_start = 0x400000;
    init.status.code_end = 0x401000;
    init.status.stack_start = 0x7fff0000;
    init.status.data_start = 0x402000;
    init.status.data_end = 0x403000;
    init.status.heap_start = 0x404000;
    init.status.arguments_start = 0x7fff1000;
    init.status.arguments_end = 0x7fff100b;
    init.status.environment_start = 0x7fff100b;
    init.status.environment_end = 0x7fff1010;
    init.status.exit_code = 0;
    init.command_line = "/sbin/init\0"s;
    init.cwd = init.root = path("/");
    init.exe = path("/sbin/init");
    init.descriptors[0] = {path("/tmp/log"), {}, kReadOnly};
    init.descriptors[1].description.set("pipe:[4242]");
    init.descriptors[1].flags = kWriteOnly;
    init.descriptors[2] = {path("/tmp/log"), {}, kReadWrite | kAppend};

    FakeProcess& kthread = processes.processes[2];
    kthread.status.state = ProcessState::Sleeping;
    kthread.status.name.set("kthreadd");
    kthread.status.kernel_thread = true;
    kthread.root = kthread.cwd = path("/");

    FakeProcess& sh = processes.processes[42];
    ProcessStatus& s = sh.status;
    s.state = ProcessState::Sleeping;
    s.name.set("sh");
    s.parent = 1;
    s.process_group = 42;
    s.session = 1;
    s.terminal = (4 << 8) | 1;  // tty1
    s.terminal_process_group = 42;
    s.real_uid = s.effective_uid = s.saved_uid = s.filesystem_uid = 1000;
    s.real_gid = s.effective_gid = s.saved_gid = s.filesystem_gid = 1000;
    s.groups[0] = 1000;
    s.groups[1] = 10;
    s.groups[2] = 27;
    s.group_count = 3;
    s.descriptor_slots = 64;
    s.user_ns = 1'230'000'000;
    s.system_ns = 456'000'000;
    s.start_ns = 5'000'000'000;
    s.minor_faults = 100;
    s.major_faults = 2;
    s.virtual_bytes = 8 * kMiB;
    s.peak_virtual_bytes = 9 * kMiB;
    s.resident_bytes = 2 * kMiB;
    s.peak_resident_bytes = 3 * kMiB;
    s.anonymous_bytes = 1 * kMiB;
    s.file_bytes = 1 * kMiB;
    s.data_bytes = 512 * kKiB;
    s.stack_bytes = 132 * kKiB;
    s.code_bytes = 20 * kKiB;
    s.page_table_bytes = 48 * kKiB;
    s.code_start = 0x400000;
    s.code_end = 0x405000;
    s.stack_start = 0x7ffc0000;
    s.data_start = 0x406000;
    s.data_end = 0x407000;
    s.heap_start = 0x408000;
    s.arguments_start = 0x7ffc1000;
    s.arguments_end = 0x7ffc100b;
    s.environment_start = 0x7ffc100b;
    s.environment_end = 0x7ffc1064;
    s.signals_blocked = 1u << 1;                               // SIGINT
    s.signals_ignored = 1u << 2;                               // SIGQUIT
    s.signals_caught = (1u << 16) | (std::uint64_t{1} << 33);  // SIGCHLD, SIGRTMIN
    s.signals_queue_limit = 63704;
    s.voluntary_switches = 10;
    s.involuntary_switches = 3;
    sh.command_line = "sh\0-c\0echo hi\0"s;
    sh.cwd = path("/home/user");
    sh.root = path("/");
    sh.exe = path("/bin/sh");
    sh.descriptors[0] = {path("/home/user/notes"), {}, kReadOnly};
    sh.descriptors[1].description.set("pipe:[4242]");
    sh.descriptors[1].flags = kWriteOnly;
    sh.descriptors[7] = {path("/tmp/log"), {}, kReadWrite};
    processes.current_pid = 42;
  }

  Path path(std::string_view p) {
    auto resolved = ns.vfs->resolve(ns.root, p);
    REQUIRE(resolved.has_value());
    return *resolved;
  }

  std::string read_link(std::string_view p) {
    char buffer[kPathMax];
    auto n = ns.vfs->read_link(ns.root, p, buffer);
    REQUIRE_MESSAGE(n.has_value(), "readlink ", p, ": ", mos::error_name(n.error()));
    return std::string(buffer, *n);
  }
  Error read_link_error(std::string_view p, const Context* context = nullptr) {
    char buffer[kPathMax];
    return error_of(ns.vfs->read_link(context != nullptr ? *context : ns.root, p, buffer));
  }

  // Declared in this order so that the processes' Paths go before the namespace.
  Namespace ns;
  FakeSystem system;
  RefPtr<ProcFs> procfs;
  FakeProcesses processes;
};

std::string read_open(OpenFile& file, std::size_t chunk = 1000) {
  std::string out;
  std::vector<char> buffer(chunk);
  for (;;) {
    auto n = file.read(std::as_writable_bytes(std::span(buffer)));
    REQUIRE(n.has_value());
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

constexpr Mode kDirectory0555 = static_cast<Mode>(FileType::Directory) | 0555;
constexpr Mode kRegular0444 = static_cast<Mode>(FileType::Regular) | 0444;
constexpr Mode kSymlink0777 = static_cast<Mode>(FileType::Symlink) | 0777;

}  // namespace

TEST_CASE("procfs: meminfo, uptime and version in Linux's formats") {
  ProcFixture f;
  CHECK(f.ns.read_file("/proc/meminfo") ==
        "MemTotal:       16318044 kB\n"
        "MemFree:          123456 kB\n"
        "MemAvailable:     234567 kB\n"
        "Buffers:               0 kB\n"
        "Cached:                0 kB\n"
        "SwapCached:            0 kB\n"
        "SwapTotal:             0 kB\n"
        "SwapFree:              0 kB\n"
        "Shmem:                 0 kB\n"
        "KReclaimable:          0 kB\n"
        "Slab:               1536 kB\n"
        "SReclaimable:          0 kB\n"
        "SUnreclaim:         1536 kB\n");
  CHECK(f.ns.read_file("/proc/uptime") == "12345.67 0.99\n");  // Truncated, not rounded.
  f.system.up = 5;
  f.system.idle = 1'000'000'000'000;
  CHECK(f.ns.read_file("/proc/uptime") == "0.00 1000.00\n");
  CHECK(f.ns.read_file("/proc/version") == "Mosaic version 0.1.0 (test)\n");
  // A number wider than 8 digits pushes on, as Linux's does.
  f.system.memory_info.total_bytes = 123456789 * kKiB;
  CHECK(f.ns.read_file("/proc/meminfo").substr(0, 29) == "MemTotal:       123456789 kB\n");
}

TEST_CASE("procfs: /proc/PID/status and stat of a user's process, read by itself") {
  ProcFixture f;
  CHECK(f.ns.read_file("/proc/42/status") ==
        "Name:\tsh\n"
        "Umask:\t0022\n"
        "State:\tS (sleeping)\n"
        "Tgid:\t42\n"
        "Ngid:\t0\n"
        "Pid:\t42\n"
        "PPid:\t1\n"
        "TracerPid:\t0\n"
        "Uid:\t1000\t1000\t1000\t1000\n"
        "Gid:\t1000\t1000\t1000\t1000\n"
        "FDSize:\t64\n"
        "Groups:\t1000 10 27 \n"
        "NStgid:\t42\n"
        "NSpid:\t42\n"
        "NSpgid:\t42\n"
        "NSsid:\t1\n"
        "Kthread:\t0\n"
        "VmPeak:\t    9216 kB\n"
        "VmSize:\t    8192 kB\n"
        "VmLck:\t       0 kB\n"
        "VmPin:\t       0 kB\n"
        "VmHWM:\t    3072 kB\n"
        "VmRSS:\t    2048 kB\n"
        "RssAnon:\t    1024 kB\n"
        "RssFile:\t    1024 kB\n"
        "RssShmem:\t       0 kB\n"
        "VmData:\t     512 kB\n"
        "VmStk:\t     132 kB\n"
        "VmExe:\t      20 kB\n"
        "VmLib:\t       0 kB\n"
        "VmPTE:\t      48 kB\n"
        "VmSwap:\t       0 kB\n"
        "HugetlbPages:\t       0 kB\n"
        "CoreDumping:\t0\n"
        "Threads:\t1\n"
        "SigQ:\t0/63704\n"
        "SigPnd:\t0000000000000000\n"
        "ShdPnd:\t0000000000000000\n"
        "SigBlk:\t0000000000000002\n"
        "SigIgn:\t0000000000000004\n"
        "SigCgt:\t0000000200010000\n"
        "CapInh:\t0000000000000000\n"
        "CapPrm:\t0000000000000000\n"
        "CapEff:\t0000000000000000\n"
        "CapBnd:\t000001ffffffffff\n"
        "CapAmb:\t0000000000000000\n"
        "NoNewPrivs:\t0\n"
        "Seccomp:\t0\n"
        "Seccomp_filters:\t0\n"
        "voluntary_ctxt_switches:\t10\n"
        "nonvoluntary_ctxt_switches:\t3\n");
  const std::string stat = f.ns.read_file("/proc/42/stat");
  CHECK(stat ==
        "42 (sh) S 1 42 1 1025 42 0 100 0 2 0 123 45 0 0 20 0 1 0 500 8388608 512 "
        "18446744073709551615 4194304 4214784 2147221504 0 0 0 2 4 65536 1 0 0 17 0 0 0 0 0 0 "
        "4218880 4222976 4227072 2147225600 2147225611 2147225611 2147225700 0\n");
  CHECK(split(stat.substr(0, stat.size() - 1), ' ').size() == 52);
  CHECK(f.ns.read_file("/proc/42/cmdline") == "sh\0-c\0echo hi\0"s);
}

TEST_CASE("procfs: stat hides another user's addresses; root's and a kernel thread's files") {
  ProcFixture f;
  // Read by uid 1000 (pid 42): init's code range shows as 1 1, the rest of the layout as 0.
  CHECK(f.ns.read_file("/proc/1/stat") ==
        "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 4194304 256 18446744073709551615 "
        "1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  // Read by init itself: all of it, and wchan 1 for a sleeping process.
  f.processes.current_pid = 1;
  CHECK(f.ns.read_file("/proc/1/stat") ==
        "1 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 4194304 256 18446744073709551615 "
        "4194304 4198400 2147418112 0 0 0 0 0 0 1 0 0 17 0 0 0 0 0 0 "
        "4202496 4206592 4210688 2147422208 2147422219 2147422219 2147422224 0\n");
  const std::string status = f.ns.read_file("/proc/1/status");
  CHECK(status.find("CapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n") != std::string::npos);
  CHECK(status.find("Groups:\t \n") != std::string::npos);  // None: Linux's lone space.
  // A kernel thread: PF_KTHREAD, no memory, no memory lines, an empty command line.
  CHECK(f.ns.read_file("/proc/2/stat") ==
        "2 (kthreadd) S 0 0 0 0 -1 2097152 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0 18446744073709551615 "
        "0 0 0 0 0 0 0 0 0 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  const std::string kthread = f.ns.read_file("/proc/2/status");
  CHECK(kthread.find("Kthread:\t1\nCoreDumping:\t0\n") != std::string::npos);
  CHECK(kthread.find("Vm") == std::string::npos);
  CHECK(f.ns.read_file("/proc/2/cmdline").empty());
}

TEST_CASE("procfs: names with odd characters, states, priorities") {
  ProcFixture f;
  ProcessStatus& s = f.processes.processes[42].status;
  s.name.set("a) b\\c\nd");
  s.state = ProcessState::Zombie;
  s.policy = SchedulingPolicy::Fifo;
  s.realtime_priority = 10;
  s.nice = 0;
  const std::string stat = f.ns.read_file("/proc/42/stat");
  // comm raw (parsers take the last ')'), then the state and the real-time priority -11.
  CHECK(stat.rfind("42 (a) b\\c\nd) Z 1 42 1 1025 42 0 100 0 2 0 123 45 0 0 -11 0 1 ", 0) == 0);
  const std::string status = f.ns.read_file("/proc/42/status");
  CHECK(status.rfind("Name:\ta) b\\\\c\\nd\nUmask:\t0022\nState:\tZ (zombie)\n", 0) == 0);
  s.name.set("a-name-longer-than-fifteen");
  CHECK(f.ns.read_file("/proc/42/status").rfind("Name:\ta-name-longer-t\n", 0) == 0);
  s.policy = SchedulingPolicy::Normal;
  s.nice = -5;
  s.umask = 077;
  const std::vector<std::string> fields = split(f.ns.read_file("/proc/42/stat"), ' ');
  CHECK(fields[17] == "15");  // priority: 20 + nice
  CHECK(fields[18] == "-5");
  CHECK(f.ns.read_file("/proc/42/status").find("Umask:\t0077\n") != std::string::npos);
}

TEST_CASE("procfs: cmdline is read through at any offset, however long") {
  ProcFixture f;
  std::string long_line;
  for (int i = 0; i < 20000; ++i) long_line += "argument" + std::to_string(i) + '\0';
  REQUIRE(long_line.size() > kProcFsRenderLimit);  // Not cut: cmdline is not rendered.
  f.processes.processes[42].command_line = long_line;
  CHECK(f.ns.read_file("/proc/42/cmdline") == long_line);
  auto file = f.ns.vfs->open(f.ns.root, "/proc/42/cmdline", kReadOnly);
  REQUIRE(file.has_value());
  char piece[9];
  auto n = (*file)->read_at(100000, std::as_writable_bytes(std::span(piece)));
  REQUIRE(n.has_value());
  CHECK(std::string(piece, *n) == long_line.substr(100000, 9));
  CHECK((*file)->read_at(long_line.size(), std::as_writable_bytes(std::span(piece))).value() == 0);
}

TEST_CASE("procfs: readdir of /proc lists the fixed entries, then the processes by pid") {
  ProcFixture f;
  CHECK(f.ns.list("/proc") ==
        std::vector<std::string>{"meminfo", "uptime", "version", "mounts", "self", "1", "2", "42"});
  auto dir = f.ns.vfs->open(f.ns.root, "/proc", kReadOnly | kDirectory);
  REQUIRE(dir.has_value());
  NameCollector all;
  REQUIRE((*dir)->read_directory(all).has_value());
  REQUIRE(all.names.size() == 10);
  CHECK(all.types[2] == FileType::Regular);
  CHECK(all.types[6] == FileType::Symlink);  // self
  CHECK(all.types[7] == FileType::Directory);
  CHECK(all.inodes[7] == f.ns.must_stat("/proc/1").inode);
  CHECK(all.inodes[2] == f.ns.must_stat("/proc/meminfo").inode);

  SUBCASE("processes coming and going during a walk in small steps") {
    auto walk = f.ns.vfs->open(f.ns.root, "/proc", kReadOnly | kDirectory);
    REQUIRE(walk.has_value());
    std::vector<std::string> seen;
    int step = 0;
    for (;;) {
      NameCollector two(2);
      REQUIRE((*walk)->read_directory(two).has_value());
      if (two.names.empty()) break;
      seen.insert(seen.end(), two.names.begin(), two.names.end());
      ++step;
      if (step == 4) {
        // Listed so far: "." ".." meminfo uptime version mounts self 1. 2 exits before its turn.
        f.processes.processes.erase(2);
      } else if (step == 5) {
        // 42 was listed (alone: the end), then exits; 5 starts before the position (not
        // listed), 100 after it (listed).
        FakeProcess copy = f.processes.processes[42];
        f.processes.processes.erase(42);
        f.processes.processes[5] = copy;
        f.processes.processes[100] = copy;
      }
    }
    CHECK(seen == std::vector<std::string>{".", "..", "meminfo", "uptime", "version", "mounts",
                                           "self", "1", "42", "100"});
  }
}

TEST_CASE("procfs: /proc/self follows the caller, looked up anew each time") {
  ProcFixture f;
  CHECK(f.read_link("/proc/self") == "42");
  CHECK(f.ns.read_file("/proc/self/status").rfind("Name:\tsh\n", 0) == 0);
  CHECK(f.ns.must_stat("/proc/self").inode == f.ns.must_stat("/proc/42").inode);
  f.processes.current_pid = 1;
  CHECK(f.read_link("/proc/self") == "1");
  CHECK(f.ns.read_file("/proc/self/status").rfind("Name:\tinit\n", 0) == 0);
  CHECK(f.read_link("/proc/self/cwd") == "/");
  // A kernel thread has no /proc/self: the link is there, but leads nowhere.
  f.processes.current_pid.reset();
  CHECK(f.read_link_error("/proc/self") == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->stat(f.ns.root, "/proc/self/status")) == Error::NoEntry);
  CHECK(type_of(f.ns.must_stat("/proc/self", false).mode) == FileType::Symlink);
  // readlink cuts the name to the buffer, as readlink(2).
  f.processes.current_pid = 12345;
  char small[3];
  CHECK(f.ns.vfs->read_link(f.ns.root, "/proc/self", small).value() == 3);
  CHECK(std::string(small, 3) == "123");
}

TEST_CASE("procfs: cwd, root, exe and fd links") {
  ProcFixture f;
  CHECK(f.read_link("/proc/42/cwd") == "/home/user");
  CHECK(f.read_link("/proc/42/root") == "/");
  CHECK(f.read_link("/proc/42/exe") == "/bin/sh");
  CHECK(f.ns.read_file("/proc/42/cwd/notes") == "notes");  // Followed like any symlink.
  CHECK(f.ns.must_stat("/proc/42/exe").inode == f.ns.must_stat("/bin/sh").inode);
  CHECK(f.ns.list("/proc/42") ==
        std::vector<std::string>{"fd", "status", "cmdline", "stat", "cwd", "root", "exe"});
  CHECK(f.ns.list("/proc/42/fd") == std::vector<std::string>{"0", "1", "7"});
  CHECK(f.read_link("/proc/42/fd/0") == "/home/user/notes");
  CHECK(f.read_link("/proc/42/fd/1") == "pipe:[4242]");
  CHECK(f.read_link("/proc/42/fd/7") == "/tmp/log");
  CHECK(f.ns.read_file("/proc/42/fd/0") == "notes");
  CHECK(f.read_link_error("/proc/42/fd/2") == Error::NoEntry);   // Not open.
  CHECK(f.read_link_error("/proc/42/fd/07") == Error::NoEntry);  // Not a descriptor's name.
  CHECK(f.read_link_error("/proc/42/fd/x") == Error::NoEntry);
  CHECK(f.read_link_error("/proc/2/exe") == Error::AccessDenied);  // Root's, to uid 1000.
  f.processes.current_pid = 1;
  CHECK(f.read_link_error("/proc/2/exe") == Error::NoEntry);  // A kernel thread runs no file.
  f.processes.current_pid = 42;
  // Named from the caller's root: a chrooted caller sees less.
  f.processes.processes[42].root = f.path("/home");
  CHECK(f.read_link("/proc/42/cwd") == "/user");
  CHECK(f.read_link("/proc/42/fd/7") == "/tmp/log");  // Outside the root: from the real one.
  // A working directory that was removed has no name.
  REQUIRE(f.ns.vfs->make_directory(f.ns.root, "/home/user/gone", 0755).has_value());
  f.processes.processes[42].cwd = f.path("/home/user/gone");
  REQUIRE(f.ns.vfs->remove_directory(f.ns.root, "/home/user/gone").has_value());
  CHECK(f.read_link_error("/proc/42/cwd") == Error::NoEntry);
}

TEST_CASE("procfs: who may read whose links") {
  ProcFixture f;
  Context user = f.ns.user(1000, 1000);
  // The caller is pid 42 (uid 1000): init's links are not its to see, its own are.
  CHECK(f.read_link_error("/proc/1/cwd", &user) == Error::AccessDenied);
  CHECK(f.read_link_error("/proc/1/exe", &user) == Error::AccessDenied);
  CHECK(f.read_link_error("/proc/42/cwd", &user) == Error{0});
  // init's fd directory is 0500 root's.
  CHECK(error_of(f.ns.vfs->open(user, "/proc/1/fd", kReadOnly | kDirectory)) ==
        Error::AccessDenied);
  CHECK(f.ns.list(user, "/proc/42/fd") == std::vector<std::string>{"0", "1", "7"});
  // Another process of the same user may; one with other ids may not; root may.
  f.processes.processes[43] = f.processes.processes[42];
  f.processes.current_pid = 43;
  CHECK(f.read_link_error("/proc/42/cwd", &user) == Error{0});
  f.processes.processes[43].status.saved_uid = 0;  // Set-uid: its ids differ from the target's.
  CHECK(f.read_link_error("/proc/42/cwd", &user) == Error{0});  // 43 still inspects 42...
  f.processes.current_pid = 42;
  CHECK(f.read_link_error("/proc/43/cwd", &user) == Error::AccessDenied);  // ...not the reverse.
  f.processes.current_pid = 1;
  CHECK(f.read_link("/proc/42/cwd") == "/home/user");
}

TEST_CASE("procfs: attributes of the entries") {
  ProcFixture f;
  const Stat root = f.ns.must_stat("/proc");
  CHECK(root.mode == kDirectory0555);
  CHECK(root.inode == 1);
  CHECK(root.uid == 0);
  for (const char* name : {"/proc/meminfo", "/proc/uptime", "/proc/version", "/proc/mounts"}) {
    CAPTURE(name);
    const Stat st = f.ns.must_stat(name);
    CHECK(st.mode == kRegular0444);
    CHECK(st.size == 0);
    CHECK(st.uid == 0);
    CHECK(st.gid == 0);
    CHECK(st.links == 1);
    CHECK(st.device == root.device);
  }
  CHECK(f.ns.must_stat("/proc/self", false).mode == kSymlink0777);
  const Stat dir = f.ns.must_stat("/proc/42");
  CHECK(dir.mode == kDirectory0555);
  CHECK(dir.uid == 1000);
  CHECK(dir.gid == 1000);
  CHECK(dir.links == 3);
  for (const char* name : {"/proc/42/stat", "/proc/42/status", "/proc/42/cmdline"}) {
    CAPTURE(name);
    const Stat st = f.ns.must_stat(name);
    CHECK(st.mode == kRegular0444);
    CHECK(st.size == 0);
    CHECK(st.uid == 1000);
  }
  for (const char* name : {"/proc/42/cwd", "/proc/42/root", "/proc/42/exe"}) {
    CAPTURE(name);
    const Stat st = f.ns.must_stat(name, false);
    CHECK(st.mode == kSymlink0777);
    CHECK(st.uid == 1000);
  }
  CHECK(f.ns.must_stat("/proc/42/fd").mode == (static_cast<Mode>(FileType::Directory) | 0500));
  CHECK(f.ns.must_stat("/proc/1/fd/0", false).mode ==
        (static_cast<Mode>(FileType::Symlink) | 0500));
  CHECK(f.ns.must_stat("/proc/1/fd/1", false).mode ==
        (static_cast<Mode>(FileType::Symlink) | 0300));
  CHECK(f.ns.must_stat("/proc/1/fd/2", false).mode ==
        (static_cast<Mode>(FileType::Symlink) | 0700));
  CHECK(f.ns.must_stat("/proc/1/fd/0", false).size == 64);  // As Linux's.
  CHECK(f.ns.must_stat("/proc/1/fd/0", false).uid == 0);
  // Inode numbers: stable per entry, distinct between entries and processes.
  std::vector<std::uint64_t> inodes;
  for (const char* name :
       {"/proc", "/proc/meminfo", "/proc/uptime", "/proc/version", "/proc/mounts", "/proc/1",
        "/proc/1/stat", "/proc/1/status", "/proc/1/cmdline", "/proc/1/fd", "/proc/1/fd/0",
        "/proc/1/fd/1", "/proc/42", "/proc/42/stat", "/proc/42/fd/0", "/proc/2"}) {
    const Stat once = f.ns.must_stat(name, false);
    CHECK(f.ns.must_stat(name, false).inode == once.inode);
    inodes.push_back(once.inode);
  }
  for (std::size_t i = 0; i < inodes.size(); ++i) {
    for (std::size_t j = i + 1; j < inodes.size(); ++j) CHECK(inodes[i] != inodes[j]);
  }
  const auto fs = f.ns.vfs->statfs(f.ns.root, "/proc/42");
  REQUIRE(fs.has_value());
  CHECK(fs->type == 0x9fa0);
  CHECK(fs->blocks == 0);
  CHECK(fs->flags == 0);
}

TEST_CASE("procfs: nothing is created, removed, renamed or written, with Linux's errors") {
  ProcFixture f;
  Context& root = f.ns.root;
  // Root: Linux's procfs lookups fail with ENOENT, so every creation does.
  CHECK(error_of(f.ns.vfs->open(root, "/proc/new", kWriteOnly | kCreate, 0644)) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->open(root, "/proc/42/new", kWriteOnly | kCreate, 0644)) ==
        Error::NoEntry);
  CHECK(error_of(f.ns.vfs->make_directory(root, "/proc/new", 0755)) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->make_symlink(root, "x", "/proc/new")) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->make_node(root, "/proc/new",
                                     static_cast<Mode>(FileType::Fifo) | 0644)) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->rename(root, "/proc/version", "/proc/other")) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->rename(root, "/proc/version", "/proc/uptime")) == Error::NotPermitted);
  CHECK(error_of(f.ns.vfs->unlink(root, "/proc/version")) == Error::NotPermitted);
  CHECK(error_of(f.ns.vfs->unlink(root, "/proc/42/status")) == Error::NotPermitted);
  CHECK(error_of(f.ns.vfs->remove_directory(root, "/proc/42")) == Error::NotPermitted);
  CHECK(error_of(f.ns.vfs->remove_directory(root, "/proc/42/fd")) == Error::NotPermitted);
  CHECK(error_of(f.ns.vfs->stat(root, "/proc/new")) == Error::NoEntry);
  // Root opens for writing (and truncating: nothing happens); the writes fail as on Linux.
  auto version = f.ns.vfs->open(root, "/proc/version", kWriteOnly | kTruncate);
  REQUIRE(version.has_value());
  CHECK(error_of((*version)->write(bytes_of("x"))) == Error::Io);
  auto status = f.ns.vfs->open(root, "/proc/42/status", kReadWrite | kTruncate);
  REQUIRE(status.has_value());
  CHECK(error_of((*status)->write(bytes_of("x"))) == Error::InvalidArgument);
  CHECK(read_open(**status).rfind("Name:\tsh\n", 0) == 0);
  CHECK(f.ns.vfs->truncate(root, "/proc/meminfo", 0).has_value());
  CHECK(f.ns.read_file("/proc/meminfo").rfind("MemTotal:", 0) == 0);
  // Anyone else is stopped by the modes first.
  Context user = f.ns.user(1000, 1000);
  CHECK(error_of(f.ns.vfs->open(user, "/proc/new", kWriteOnly | kCreate, 0644)) ==
        Error::AccessDenied);
  CHECK(error_of(f.ns.vfs->open(user, "/proc/version", kWriteOnly)) == Error::AccessDenied);
  CHECK(error_of(f.ns.vfs->open(user, "/proc/42/status", kWriteOnly)) == Error::AccessDenied);
  CHECK(error_of(f.ns.vfs->unlink(user, "/proc/version")) == Error::AccessDenied);
  // Nothing can be mounted on an entry (nothing would hold the mount).
  auto tmp = TmpFs::create();
  REQUIRE(tmp.has_value());
  CHECK(error_of(f.ns.vfs->mount(root, *tmp, "/proc/42")) == Error::InvalidArgument);
}

TEST_CASE("procfs: a process that goes") {
  ProcFixture f;
  auto status = f.ns.vfs->open(f.ns.root, "/proc/42/status", kReadOnly);
  REQUIRE(status.has_value());
  auto cmdline = f.ns.vfs->open(f.ns.root, "/proc/42/cmdline", kReadOnly);
  REQUIRE(cmdline.has_value());
  auto fd_dir = f.ns.vfs->open(f.ns.root, "/proc/42/fd", kReadOnly | kDirectory);
  REQUIRE(fd_dir.has_value());
  auto dir = f.ns.vfs->open(f.ns.root, "/proc/42", kReadOnly | kDirectory);
  REQUIRE(dir.has_value());
  char buffer[16];
  REQUIRE((*status)->read_at(0, std::as_writable_bytes(std::span(buffer))).has_value());

  f.processes.processes.erase(42);
  f.processes.current_pid = 1;
  // Open files: reading renders again, and the process is gone: ESRCH.
  CHECK(error_of((*status)->read_at(0, std::as_writable_bytes(std::span(buffer)))) ==
        Error::NoProcess);
  CHECK(error_of((*cmdline)->read(std::as_writable_bytes(std::span(buffer)))) == Error::NoProcess);
  // Its directories list nothing more, and nothing is found in them.
  NameCollector names;
  CHECK(error_of((*fd_dir)->read_directory(names)) == Error::NoEntry);
  CHECK(error_of((*dir)->read_directory(names)) == Error::NoEntry);
  // By name it is gone.
  CHECK(error_of(f.ns.vfs->stat(f.ns.root, "/proc/42")) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->stat(f.ns.root, "/proc/42/status")) == Error::NoEntry);
  CHECK(f.ns.list("/proc") ==
        std::vector<std::string>{"meminfo", "uptime", "version", "mounts", "self", "1", "2"});
  // A process that was not there when looked up is found once it is (no negative entries).
  CHECK(error_of(f.ns.vfs->stat(f.ns.root, "/proc/77")) == Error::NoEntry);
  f.processes.processes[77].status.name.set("new");
  CHECK(f.ns.read_file("/proc/77/status").rfind("Name:\tnew\n", 0) == 0);
  // The same pid again is a new process, found anew.
  f.processes.processes[42].status.name.set("again");
  CHECK(f.ns.read_file("/proc/42/status").rfind("Name:\tagain\n", 0) == 0);
  CHECK(f.ns.read_file("/proc/42/cmdline").empty());
}

TEST_CASE("procfs: /proc/mounts follows mounting and unmounting") {
  ProcFixture f;
  CHECK(f.ns.read_file("/proc/mounts") ==
        "rootfs / tmpfs rw 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec 0 0\n");
  REQUIRE(f.ns.vfs->make_directory(f.ns.root, "/mnt", 0755).has_value());
  REQUIRE(f.ns.vfs->make_directory(f.ns.root, "/mnt/with space", 0755).has_value());
  TmpFsOptions read_only;
  read_only.read_only = true;
  auto tmp = TmpFs::create(read_only);
  REQUIRE(tmp.has_value());
  REQUIRE(f.ns.vfs->mount(f.ns.root, *tmp, "/mnt/with space", kMountNoExec, "my\\dev").has_value());
  // A chrooted reader sees the mounts under its root, named from there.
  f.processes.processes[42].root = f.path("/mnt/with space");
  CHECK(f.ns.read_file("/proc/mounts") == "my\\134dev / tmpfs ro,noexec 0 0\n");
  f.processes.processes[42].root = f.path("/");
  REQUIRE(
      f.ns.vfs->bind_mount(f.ns.root, "/home", "/mnt", kMountReadOnly | kMountNoSetId).has_value());
  const std::string mounted = f.ns.read_file("/proc/mounts");
  CHECK(mounted ==
        "rootfs / tmpfs rw 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec 0 0\n"
        "my\\134dev /mnt/with\\040space tmpfs ro,noexec 0 0\n"
        "rootfs /mnt tmpfs ro,nosuid 0 0\n");
  REQUIRE(f.ns.vfs->unmount(f.ns.root, "/mnt").has_value());
  REQUIRE(f.ns.vfs->unmount(f.ns.root, "/mnt/with space").has_value());
  CHECK(f.ns.read_file("/proc/mounts") ==
        "rootfs / tmpfs rw 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec 0 0\n");
}

TEST_CASE("procfs: a file read in pieces is one rendering; offset 0 renders again") {
  ProcFixture f;
  auto file = f.ns.vfs->open(f.ns.root, "/proc/mounts", kReadOnly);
  REQUIRE(file.has_value());
  char piece[10];
  REQUIRE((*file)->read(std::as_writable_bytes(std::span(piece))).value() == 10);
  std::string text(piece, 10);
  REQUIRE(f.ns.vfs->make_directory(f.ns.root, "/mnt", 0755).has_value());
  auto tmp = TmpFs::create();
  REQUIRE(tmp.has_value());
  REQUIRE(f.ns.vfs->mount(f.ns.root, *tmp, "/mnt", 0, "tmpfs").has_value());
  text += read_open(**file, 10);
  CHECK(text ==
        "rootfs / tmpfs rw 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec 0 0\n");
  REQUIRE((*file)->seek(0, Whence::Set).has_value());
  CHECK(read_open(**file) ==
        "rootfs / tmpfs rw 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec 0 0\n"
        "tmpfs /mnt tmpfs rw 0 0\n");
}

TEST_CASE("procfs: a rendering longer than the limit is cut after its last whole line") {
  ProcFixture f;
  REQUIRE(f.ns.vfs->make_directory(f.ns.root, "/m", 0755).has_value());
  const std::string long_name(200, 'd');
  std::string expected = "rootfs / tmpfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\n";
  for (int i = 0; i < 400; ++i) {
    const std::string dir = "/m/" + std::to_string(i) + long_name;
    REQUIRE(f.ns.vfs->make_directory(f.ns.root, dir, 0755).has_value());
    auto tmp = TmpFs::create();
    REQUIRE(tmp.has_value());
    REQUIRE(f.ns.vfs->mount(f.ns.root, *tmp, dir).has_value());
    expected += "none " + dir + " tmpfs rw 0 0\n";
  }
  REQUIRE(expected.size() > kProcFsRenderLimit);
  const std::string mounts = f.ns.read_file("/proc/mounts");
  CHECK(mounts.size() <= kProcFsRenderLimit);
  CHECK(mounts.size() > kProcFsRenderLimit - 300);
  CHECK(mounts.back() == '\n');
  CHECK(expected.compare(0, mounts.size(), mounts) == 0);
  CHECK(expected[mounts.size() - 1] == '\n');
}

TEST_CASE("procfs: without process information, no processes and no self") {
  ProcFixture f(false);
  CHECK(f.ns.list("/proc") == std::vector<std::string>{"meminfo", "uptime", "version", "mounts"});
  CHECK(error_of(f.ns.vfs->stat(f.ns.root, "/proc/self", false)) == Error::NoEntry);
  CHECK(error_of(f.ns.vfs->stat(f.ns.root, "/proc/1")) == Error::NoEntry);
  CHECK(f.ns.read_file("/proc/mounts") ==
        "rootfs / tmpfs rw 0 0\n"
        "proc /proc proc rw,nosuid,nodev,noexec 0 0\n");
  CHECK(f.ns.read_file("/proc/version") == "Mosaic version 0.1.0 (test)\n");
}

namespace {

// A provider that lies: next_pid and next_descriptor go backwards, a command line longer than
// asked for, descriptors with neither a path nor a description.
class LyingProcesses final : public FakeProcesses {
 public:
  std::optional<Pid> next_pid(Pid) noexcept override { return 1; }
  std::optional<int> next_descriptor(Pid, int) noexcept override { return 0; }
  Result<std::size_t> read_command_line(Pid, std::uint64_t, std::span<char> out) noexcept override {
    for (char& c : out) c = 'x';
    return out.size() + 100;
  }
};

}  // namespace

TEST_CASE("procfs: a lying provider gives errors or short answers, never a crash") {
  Namespace ns;
  FakeSystem system;
  LyingProcesses processes;
  REQUIRE(ns.vfs->make_directory(ns.root, "/proc", 0555).has_value());
  auto fs = ProcFs::create(*ns.vfs, system, &processes);
  REQUIRE(fs.has_value());
  REQUIRE(ns.vfs->mount(ns.root, *fs, "/proc").has_value());
  processes.processes[1].status.name.set("one");
  processes.processes[1].descriptors[0] = {};  // Neither path nor description.
  processes.processes[3].status.name.set("three");
  processes.current_pid = 3;
  // Listed once each, and the walk ends.
  CHECK(ns.list("/proc") ==
        std::vector<std::string>{"meminfo", "uptime", "version", "mounts", "self", "1"});
  CHECK(ns.list("/proc/1/fd") == std::vector<std::string>{"0"});
  char link[64];
  CHECK(error_of(ns.vfs->read_link(ns.root, "/proc/1/fd/0", link)) == Error::NoEntry);
  auto cmdline = ns.vfs->open(ns.root, "/proc/1/cmdline", kReadOnly);
  REQUIRE(cmdline.has_value());
  char buffer[100];
  CHECK((*cmdline)->read_at(0, std::as_writable_bytes(std::span(buffer))).value() == 100);
  // Paths it never set: no cwd, no exe.
  CHECK(error_of(ns.vfs->read_link(ns.root, "/proc/3/cwd", link)) == Error::NoEntry);
  CHECK(error_of(ns.vfs->stat(ns.root, "/proc/3/exe")) == Error::NoEntry);
  // Names that are not pids.
  for (const char* name : {"/proc/0", "/proc/-1", "/proc/01", "/proc/2147483648", "/proc/1x",
                           "/proc/99999999999999999999"}) {
    CAPTURE(name);
    CHECK(error_of(ns.vfs->stat(ns.root, name)) == Error::NoEntry);
  }
}
