// What procfs shows of the processes (vfs::ProcessInformation).
#include <posix/system.hpp>

#include <sched/scheduler.hpp>

#include <k/string.hpp>

namespace mos::posix {

std::optional<vfs::Pid> System::current() noexcept {
  Process* process = current_process();
  if (process == nullptr || &process->system_ != this) return std::nullopt;
  return process->pid_;
}

std::optional<vfs::Pid> System::next_pid(vfs::Pid at_least) noexcept {
  sched::SchedulerGuard guard;
  std::optional<vfs::Pid> best;
  for (Process& process : table_) {
    if (process.pid_ >= at_least && (!best || process.pid_ < *best)) best = process.pid_;
  }
  return best;
}

Result<vfs::ProcessStatus> System::status(vfs::Pid pid) noexcept {
  RefPtr<Process> process = find(pid);
  if (!process) return Error::NoProcess;
  vfs::ProcessStatus status;
  status.name = process->name();
  const ProcessCredentials& ids = process->credentials_;
  status.real_uid = ids.uid;
  status.effective_uid = status.filesystem_uid = ids.euid;
  status.saved_uid = ids.suid;
  status.real_gid = ids.gid;
  status.effective_gid = status.filesystem_gid = ids.egid;
  status.saved_gid = ids.sgid;
  for (std::size_t i = 0; i < ids.groups.size() && i < vfs::kProcMaxListedGroups; ++i) {
    status.groups[i] = ids.groups[i];
    status.group_count = static_cast<std::uint32_t>(i + 1);
  }
  status.umask = process->umask_;
  status.descriptor_slots = kMaxFds;
  status.start_ns = process->start_ns_;
  status.terminal = static_cast<std::uint32_t>(process->terminal_);
  sched::SchedulerGuard guard;
  status.parent = process->parent_ == nullptr ? 0 : process->parent_->pid_;
  status.process_group = process->group_;
  status.session = process->session_;
  switch (process->state_) {
    case ProcessState::Running: {
      const sched::Thread* thread = process->thread_;
      const bool running = thread != nullptr && (thread->state() == sched::ThreadState::Running ||
                                                 thread->state() == sched::ThreadState::Ready);
      status.state = running ? vfs::ProcessState::Running : vfs::ProcessState::Sleeping;
      break;
    }
    case ProcessState::Stopped:
      status.state = vfs::ProcessState::Stopped;
      break;
    case ProcessState::Zombie:
      status.state = vfs::ProcessState::Zombie;
      status.exit_code = process->wait_status_;
      break;
  }
  if (process->thread_ != nullptr) {
    status.system_ns = process->thread_->runtime_ns();
    status.voluntary_switches = process->thread_->switches_in();
  }
  status.children_system_ns = process->children_cpu_ns_;
  status.signals_pending = process->pending_.bits();
  status.signals_blocked = process->mask_.bits();
  for (int signal = 1; signal <= sig::kMax; ++signal) {
    const SignalAction& action = process->actions_[signal - 1];
    const std::uint64_t bit = std::uint64_t{1} << (signal - 1);
    if (action.kind == SignalAction::Kind::Ignore) status.signals_ignored |= bit;
    if (action.kind == SignalAction::Kind::Handler) status.signals_caught |= bit;
  }
  return status;
}

Result<std::size_t> System::read_command_line(vfs::Pid pid, std::uint64_t offset,
                                              std::span<char> out) noexcept {
  RefPtr<Process> process = find(pid);
  if (!process) return Error::NoProcess;
  const std::span<const char> line = process->command_line();
  if (offset >= line.size()) return 0;
  const std::size_t count = line.size() - offset < out.size() ? line.size() - offset : out.size();
  memory_copy(out.data(), line.data() + offset, count);
  return count;
}

Result<vfs::Path> System::working_directory(vfs::Pid pid) noexcept {
  RefPtr<Process> process = find(pid);
  if (!process || !process->cwd_) return Error::NoProcess;
  return process->cwd_;
}

Result<vfs::Path> System::root_directory(vfs::Pid pid) noexcept {
  RefPtr<Process> process = find(pid);
  if (!process || !process->root_) return Error::NoProcess;
  return process->root_;
}

Result<vfs::Path> System::executable(vfs::Pid pid) noexcept {
  if (!find(pid)) return Error::NoProcess;
  return Error::NoEntry;  // Linked programs have no file of their own.
}

std::optional<int> System::next_descriptor(vfs::Pid pid, int at_least) noexcept {
  RefPtr<Process> process = find(pid);
  if (!process) return std::nullopt;
  for (int fd = at_least < 0 ? 0 : at_least; fd < kMaxFds; ++fd) {
    if (process->fds_.get(fd)) return fd;
  }
  return std::nullopt;
}

Result<vfs::DescriptorInformation> System::descriptor(vfs::Pid pid, int fd) noexcept {
  RefPtr<Process> process = find(pid);
  if (!process) return Error::NoProcess;
  RefPtr<vfs::OpenFile> file = MOS_TRY(process->fds_.get(fd));
  vfs::DescriptorInformation information;
  information.flags = file->flags();
  if (file->path().mount().source() == std::string_view("pipefs")) {
    information.description.set("pipe:[]");
  } else {
    information.path = file->path();
  }
  return information;
}

}  // namespace mos::posix
