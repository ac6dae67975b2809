// procfs's formats, Linux's exactly (fs/proc/meminfo.c, uptime.c, version.c, array.c,
// task_mmu.c, fs/proc_namespace.c; checked against a Linux 6.18 /proc).
#include "proc_node.hpp"

#include <k/format.hpp>

namespace mos::vfs::procfs {
namespace {

// USER_HZ: what stat's times count in.
constexpr std::uint64_t kNanosPerTick = 10'000'000;
// Every capability of Linux 6.x (CAP_LAST_CAP 40): what root has.
constexpr std::uint64_t kAllCapabilities = (std::uint64_t{1} << 41) - 1;
// PF_KTHREAD, in stat's flags.
constexpr std::uint32_t kKernelThreadFlag = 0x00200000;
constexpr std::uint64_t kPageSize = 4096;

std::uint64_t ticks(std::uint64_t ns) noexcept {
  return ns / kNanosPerTick;
}
std::uint64_t kilobytes(std::uint64_t bytes) noexcept {
  return bytes >> 10;
}

// The state as Linux's get_task_state shows it (an unknown letter shows as running).
std::string_view state_text(ProcessState state) noexcept {
  switch (state) {
    case ProcessState::Running:
      return "R (running)";
    case ProcessState::Sleeping:
      return "S (sleeping)";
    case ProcessState::DiskSleep:
      return "D (disk sleep)";
    case ProcessState::Stopped:
      return "T (stopped)";
    case ProcessState::TracingStop:
      return "t (tracing stop)";
    case ProcessState::Zombie:
      return "Z (zombie)";
    case ProcessState::Dead:
      return "X (dead)";
    case ProcessState::Idle:
      return "I (idle)";
  }
  return "R (running)";
}

// Linux's task_prio: 20 + nice for the normal policies, -1 - rt_priority for real-time ones.
std::int64_t priority_of(const ProcessStatus& s) noexcept {
  if (s.policy == SchedulingPolicy::Fifo || s.policy == SchedulingPolicy::RoundRobin) {
    return -1 - static_cast<std::int64_t>(s.realtime_priority);
  }
  return 20 + static_cast<std::int64_t>(s.nice);
}

// seq_escape's octal escapes for /proc/mounts (" \t\n\\" become \040, \011, \012, \134).
void write_mangled(OutputSink& sink, std::string_view text) noexcept {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\\') continue;
    sink.write(text.substr(start, i - start));
    const auto byte = static_cast<unsigned char>(c);
    const char escaped[4] = {'\\', static_cast<char>('0' + (byte >> 6)),
                             static_cast<char>('0' + ((byte >> 3) & 7)),
                             static_cast<char>('0' + (byte & 7))};
    sink.write(std::string_view(escaped, 4));
    start = i + 1;
  }
  sink.write(text.substr(start));
}

// status's Name: newlines and backslashes escaped (seq_escape_str with "\n\\").
void write_name_escaped(OutputSink& sink, std::string_view name) noexcept {
  std::size_t start = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '\n' && name[i] != '\\') continue;
    sink.write(name.substr(start, i - start));
    sink.write(name[i] == '\n' ? "\\n" : "\\\\");
    start = i + 1;
  }
  sink.write(name.substr(start));
}

void memory_line(OutputSink& sink, std::string_view label, std::uint64_t bytes) noexcept {
  format_to(sink, "{:<16}{:>8} kB\n", label, kilobytes(bytes));
}

void status_memory(OutputSink& sink, std::string_view label, std::uint64_t bytes) noexcept {
  format_to(sink, "{}:\t{:>8} kB\n", label, kilobytes(bytes));
}

void status_signals(OutputSink& sink, std::string_view label, std::uint64_t mask) noexcept {
  format_to(sink, "{}:\t{:016x}\n", label, mask);
}

}  // namespace

void render_meminfo(OutputSink& sink, const MemoryInformation& m) noexcept {
  // Linux's lines in Linux's order; those Mosaic has no counterpart for are left out, but the
  // swap lines stay (as 0) because free(1) and others expect them.
  memory_line(sink, "MemTotal:", m.total_bytes);
  memory_line(sink, "MemFree:", m.free_bytes);
  memory_line(sink, "MemAvailable:", m.available_bytes);
  memory_line(sink, "Buffers:", m.buffers_bytes);
  memory_line(sink, "Cached:", m.cached_bytes);
  memory_line(sink, "SwapCached:", 0);
  memory_line(sink, "SwapTotal:", 0);
  memory_line(sink, "SwapFree:", 0);
  memory_line(sink, "Shmem:", 0);
  memory_line(sink, "KReclaimable:", 0);
  memory_line(sink, "Slab:", m.kernel_heap_bytes);
  memory_line(sink, "SReclaimable:", 0);
  memory_line(sink, "SUnreclaim:", m.kernel_heap_bytes);
}

void render_uptime(OutputSink& sink, std::uint64_t uptime_ns, std::uint64_t idle_ns) noexcept {
  // Seconds with two decimals, truncated (not rounded), as Linux.
  constexpr std::uint64_t kSecond = 1'000'000'000;
  constexpr std::uint64_t kCentisecond = kSecond / 100;
  format_to(sink, "{}.{:02} {}.{:02}\n", uptime_ns / kSecond, uptime_ns % kSecond / kCentisecond,
            idle_ns / kSecond, idle_ns % kSecond / kCentisecond);
}

void render_version(OutputSink& sink, std::string_view version) noexcept {
  sink.write(version);
  sink.write("\n");
}

void render_mount(OutputSink& sink, std::string_view source, std::string_view mountpoint,
                  std::string_view type, bool read_only, std::uint32_t flags) noexcept {
  write_mangled(sink, source);
  sink.write(" ");
  write_mangled(sink, mountpoint);
  sink.write(" ");
  write_mangled(sink, type);
  sink.write(read_only ? " ro" : " rw");
  // show_mnt_opts's order.
  if ((flags & kMountNoSetId) != 0) sink.write(",nosuid");
  if ((flags & kMountNoDevices) != 0) sink.write(",nodev");
  if ((flags & kMountNoExec) != 0) sink.write(",noexec");
  sink.write(" 0 0\n");
}

void render_stat(OutputSink& sink, Pid pid, const ProcessStatus& s, bool inspect) noexcept {
  const bool has_memory = !s.kernel_thread;
  const char state = state_text(s.state)[0];
  // do_task_stat, field by field (proc(5) numbers them from 1).
  format_to(sink, "{} (", pid);  // 1 pid
  sink.write(s.name.view());     // 2 comm, unescaped: parsers look for the last ')'.
  format_to(sink, ") {} {} {} {} {} {}", state, s.parent, s.process_group, s.session,  // 3-6
            s.terminal, s.terminal_process_group);                                     // 7-8
  format_to(sink, " {} {} {} {} {}", s.kernel_thread ? kKernelThreadFlag : 0u,         // 9 flags
            s.minor_faults, s.children_minor_faults, s.major_faults,                   // 10-12
            s.children_major_faults);                                                  // 13
  format_to(sink, " {} {} {} {}", ticks(s.user_ns), ticks(s.system_ns),                // 14-15
            ticks(s.children_user_ns), ticks(s.children_system_ns));                   // 16-17
  format_to(sink, " {} {} {} 0 {}", priority_of(s), s.nice, s.threads,  // 18-21 itrealvalue
            ticks(s.start_ns));                                         // 22 starttime
  format_to(sink, " {} {} {}", has_memory ? s.virtual_bytes : 0,        // 23 vsize
            has_memory ? s.resident_bytes / kPageSize : 0,              // 24 rss, pages
            s.resident_limit);                                          // 25 rsslim
  // 26-28: Linux shows 1 for the code range of a process the caller may not inspect.
  const std::uint64_t hidden = has_memory ? 1 : 0;
  format_to(sink, " {} {} {} 0 0", has_memory ? (inspect ? s.code_start : hidden) : 0,
            has_memory ? (inspect ? s.code_end : hidden) : 0,
            has_memory && inspect ? s.stack_start : 0);  // 29-30 kstkesp, kstkeip
  // 31-34: the obsolete signal fields (the first 31 signals).
  constexpr std::uint64_t kLow31 = 0x7fffffff;
  format_to(sink, " {} {} {} {}", s.signals_pending & kLow31, s.signals_blocked & kLow31,
            s.signals_ignored & kLow31, s.signals_caught & kLow31);
  // 35 wchan (1 when it sleeps and may be inspected), 36-37 nswap, cnswap.
  const bool waits = inspect && s.state != ProcessState::Running;
  format_to(sink, " {} 0 0", waits ? 1 : 0);
  format_to(sink, " {} {} {} {}", s.exit_signal, s.processor, s.realtime_priority,  // 38-40
            static_cast<std::uint32_t>(s.policy));                                  // 41
  sink.write(" 0 0 0");  // 42-44 delayacct_blkio_ticks, guest_time, cguest_time
  if (has_memory && inspect) {
    format_to(sink, " {} {} {} {} {} {} {}", s.data_start, s.data_end, s.heap_start,  // 45-47
              s.arguments_start, s.arguments_end, s.environment_start,                // 48-50
              s.environment_end);                                                     // 51
  } else {
    sink.write(" 0 0 0 0 0 0 0");
  }
  format_to(sink, " {}\n", inspect ? s.exit_code : 0);  // 52
}

void render_status(OutputSink& sink, Pid pid, const ProcessStatus& s) noexcept {
  // proc_pid_status: task_name, task_umask, task_state, task_mem, task_sig, task_cap,
  // task_seccomp, task_context_switch_counts (the CPU and NUMA lists are left out).
  sink.write("Name:\t");
  write_name_escaped(sink, s.name.view());
  format_to(sink, "\nUmask:\t{:04o}\n", s.umask & 0777);
  format_to(sink, "State:\t{}\n", state_text(s.state));
  format_to(sink, "Tgid:\t{}\nNgid:\t0\nPid:\t{}\nPPid:\t{}\nTracerPid:\t0\n", pid, pid, s.parent);
  format_to(sink, "Uid:\t{}\t{}\t{}\t{}\n", s.real_uid, s.effective_uid, s.saved_uid,
            s.filesystem_uid);
  format_to(sink, "Gid:\t{}\t{}\t{}\t{}\n", s.real_gid, s.effective_gid, s.saved_gid,
            s.filesystem_gid);
  format_to(sink, "FDSize:\t{}\nGroups:\t", s.descriptor_slots);
  const std::uint32_t groups = s.group_count < kProcMaxListedGroups
                                   ? s.group_count
                                   : static_cast<std::uint32_t>(kProcMaxListedGroups);
  for (std::uint32_t i = 0; i < groups; ++i)
    format_to(sink, "{}{}", i == 0 ? "" : " ", s.groups[i]);
  sink.write(" \n");  // Linux's trailing space, kept for compatibility.
  format_to(sink, "NStgid:\t{}\nNSpid:\t{}\nNSpgid:\t{}\nNSsid:\t{}\n", pid, pid, s.process_group,
            s.session);
  format_to(sink, "Kthread:\t{}\n", s.kernel_thread ? 1 : 0);
  if (!s.kernel_thread) {
    status_memory(sink, "VmPeak", s.peak_virtual_bytes);
    status_memory(sink, "VmSize", s.virtual_bytes);
    status_memory(sink, "VmLck", 0);
    status_memory(sink, "VmPin", 0);
    status_memory(sink, "VmHWM", s.peak_resident_bytes);
    status_memory(sink, "VmRSS", s.resident_bytes);
    status_memory(sink, "RssAnon", s.anonymous_bytes);
    status_memory(sink, "RssFile", s.file_bytes);
    status_memory(sink, "RssShmem", 0);
    status_memory(sink, "VmData", s.data_bytes);
    status_memory(sink, "VmStk", s.stack_bytes);
    status_memory(sink, "VmExe", s.code_bytes);
    status_memory(sink, "VmLib", 0);
    status_memory(sink, "VmPTE", s.page_table_bytes);
    status_memory(sink, "VmSwap", 0);
    status_memory(sink, "HugetlbPages", 0);
  }
  sink.write("CoreDumping:\t0\n");
  format_to(sink, "Threads:\t{}\nSigQ:\t{}/{}\n", s.threads, s.signals_queued,
            s.signals_queue_limit);
  status_signals(sink, "SigPnd", s.signals_pending);
  status_signals(sink, "ShdPnd", s.signals_shared_pending);
  status_signals(sink, "SigBlk", s.signals_blocked);
  status_signals(sink, "SigIgn", s.signals_ignored);
  status_signals(sink, "SigCgt", s.signals_caught);
  // Mosaic has no capabilities: root (uid 0) has them all, as Linux gives root.
  const bool root_permitted = s.real_uid == 0 || s.effective_uid == 0;
  status_signals(sink, "CapInh", 0);
  status_signals(sink, "CapPrm", root_permitted ? kAllCapabilities : 0);
  status_signals(sink, "CapEff", s.effective_uid == 0 ? kAllCapabilities : 0);
  status_signals(sink, "CapBnd", kAllCapabilities);
  status_signals(sink, "CapAmb", 0);
  sink.write("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
  format_to(sink, "voluntary_ctxt_switches:\t{}\nnonvoluntary_ctxt_switches:\t{}\n",
            s.voluntary_switches, s.involuntary_switches);
}

}  // namespace mos::vfs::procfs
