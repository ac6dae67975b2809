// Starting processes: posix_spawn of a program file, mos_spawn_function, execve. A program file
// names a linked program (kLinkedProgramMagic) or an interpreter (#!); the child is built whole
// (descriptors, directories, group, file actions) before its thread starts, so every error is
// the caller's to see.
#include <posix/files.hpp>
#include <posix/system.hpp>

#include "start.hpp"
#include "strings.hpp"

#include <sched/scheduler.hpp>

#include <k/string.hpp>

namespace mos::posix {

using namespace vfs::open_flags;

namespace {

constexpr int kMaxInterpreterDepth = 4;
constexpr std::size_t kHeaderBytes = 256;

// A program found on disk: its entry point and the arguments it gets (owned by `start`).
struct Resolved {
  ProgramMain main = nullptr;
  char** argv = nullptr;
  int argc = 0;
};

void free_argv(char** argv, int argc) noexcept {
  for (int i = 0; i < argc; ++i) delete[] argv[i];
  delete[] argv;
}

// A copy of `prefix` followed by argv[skip...].
Result<Resolved> build_argv(std::span<const std::string_view> prefix, char* const* argv,
                            int skip) noexcept {
  int rest = 0;
  while (argv != nullptr && argv[rest] != nullptr) ++rest;
  rest = rest > skip ? rest - skip : 0;
  const int argc = static_cast<int>(prefix.size()) + rest;
  char** copy = new (std::nothrow) char*[argc + 1];
  if (copy == nullptr) return Error::NoMemory;
  for (int i = 0; i < argc; ++i) {
    const std::string_view text = i < static_cast<int>(prefix.size())
                                      ? prefix[i]
                                      : std::string_view(argv[skip + i - prefix.size()]);
    auto string = detail::copy_string(text);
    if (!string) {
      free_argv(copy, i);
      return string.error();
    }
    copy[i] = *string;
  }
  copy[argc] = nullptr;
  return Resolved{nullptr, copy, argc};
}

std::string_view environment_value(char* const* envp, std::string_view name) noexcept {
  for (std::size_t i = 0; envp != nullptr && envp[i] != nullptr; ++i) {
    const std::string_view entry(envp[i]);
    if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
        entry[name.size()] == '=') {
      return entry.substr(name.size() + 1);
    }
  }
  return {};
}

}  // namespace

// Opens the program at `path` and finds what runs it; `depth` counts interpreters.
static Result<Resolved> resolve_file(System& system, const vfs::Context& context,
                                     std::string_view path, char* const* argv, int depth) noexcept {
  vfs::Vfs& vfs = system.vfs();
  const vfs::Stat stat = MOS_TRY(vfs.stat(context, path));
  if (vfs::type_of(stat.mode) != vfs::FileType::Regular) return Error::AccessDenied;
  MOS_TRY(vfs.access(context, path, vfs::access_mode::kExecute));
  RefPtr<vfs::OpenFile> file = MOS_TRY(vfs.open(context, path, kReadOnly, 0));
  char header[kHeaderBytes];
  const std::size_t got =
      MOS_TRY(file->read_at(0, std::as_writable_bytes(std::span<char>(header, sizeof header))));
  std::string_view text(header, got);
  const std::size_t newline = text.find('\n');
  std::string_view line = newline == std::string_view::npos ? text : text.substr(0, newline);
  if (line.substr(0, kLinkedProgramMagic.size()) == kLinkedProgramMagic) {
    line.remove_prefix(kLinkedProgramMagic.size());
    ProgramMain main = system.find_program(line);
    if (main == nullptr) return Error::ExecFormat;
    Resolved resolved = MOS_TRY(build_argv({}, argv, 0));
    resolved.main = main;
    return resolved;
  }
  if (line.substr(0, 2) != "#!" || newline == std::string_view::npos) return Error::ExecFormat;
  if (depth >= kMaxInterpreterDepth) return Error::SymlinkLoop;
  // "#!interpreter [one argument]", as Linux splits it.
  line.remove_prefix(2);
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  const std::size_t space = line.find_first_of(" \t");
  const std::string_view interpreter = line.substr(0, space);
  std::string_view argument;
  if (space != std::string_view::npos) {
    argument = line.substr(space + 1);
    while (!argument.empty() && (argument.front() == ' ' || argument.front() == '\t')) {
      argument.remove_prefix(1);
    }
  }
  if (interpreter.empty()) return Error::ExecFormat;
  char interpreter_path[kHeaderBytes];
  memory_copy(interpreter_path, interpreter.data(), interpreter.size());
  const std::string_view interpreter_copy(interpreter_path, interpreter.size());
  // The interpreter (and its argument), the script's path, then argv[1...].
  std::string_view prefix[3] = {interpreter_copy, argument, path};
  std::size_t count = 3;
  if (argument.empty()) {
    prefix[1] = path;
    count = 2;
  }
  Resolved script =
      MOS_TRY(build_argv(std::span<const std::string_view>(prefix, count), argv, 1));
  auto inner = resolve_file(system, context, interpreter_copy, script.argv, depth + 1);
  free_argv(script.argv, script.argc);
  return inner;
}

// resolve_file, searching $PATH (default /bin:/usr/bin) for a name without a slash.
static Result<Resolved> resolve_program(System& system, const vfs::Context& context,
                                        std::string_view path, bool search, char* const* argv,
                                        char* const* envp) noexcept {
  if (path.empty()) return Error::NoEntry;
  if (!search || path.find('/') != std::string_view::npos) {
    return resolve_file(system, context, path, argv, 0);
  }
  std::string_view directories = environment_value(envp, "PATH");
  if (directories.data() == nullptr) directories = "/bin:/usr/bin";
  Error last = Error::NoEntry;
  char candidate[vfs::kPathMax];
  while (true) {
    const std::size_t colon = directories.find(':');
    std::string_view directory = directories.substr(0, colon);
    if (directory.empty()) directory = ".";
    if (directory.size() + 1 + path.size() < sizeof candidate) {
      memory_copy(candidate, directory.data(), directory.size());
      candidate[directory.size()] = '/';
      memory_copy(candidate + directory.size() + 1, path.data(), path.size());
      const std::string_view full(candidate, directory.size() + 1 + path.size());
      auto found = resolve_file(system, context, full, argv, 0);
      if (found) return found;
      // As execvp: a file that exists but cannot run is remembered; keep looking.
      if (found.error() == Error::AccessDenied) {
        last = Error::AccessDenied;
      } else if (found.error() != Error::NoEntry && found.error() != Error::NotDirectory) {
        return found.error();
      }
    }
    if (colon == std::string_view::npos) break;
    directories.remove_prefix(colon + 1);
  }
  return last;
}

Result<RefPtr<Process>> System::new_child(Process& parent) noexcept {
  auto* child = new (std::nothrow) Process(*this, 0);
  if (child == nullptr) return Error::NoMemory;
  RefPtr<Process> process = RefPtr<Process>::adopt(child);
  child->credentials_ = parent.credentials_;
  child->cwd_ = parent.cwd_;
  child->root_ = parent.root_;
  child->umask_ = parent.umask_;
  child->limits_ = parent.limits_;
  child->fds_.copy_from(parent.fds_, false);
  child->terminal_ = parent.terminal_;
  MOS_TRY(child->set_command_line(parent.name(), nullptr));
  {
    sched::SchedulerGuard guard;
    child->group_ = parent.group_;
    child->session_ = parent.session_;
    child->actions_ = parent.actions_;
    child->mask_ = parent.mask_;
  }
  return process;
}

Result<void> System::prepare_child(Process& parent, Process& child, const SpawnFileActions* actions,
                                   const SpawnAttributes* attributes) noexcept {
  if (attributes != nullptr) {
    const std::uint16_t flags = attributes->flags;
    sched::SchedulerGuard guard;
    if ((flags & spawn_flags::kSetSignalMask) != 0) child.mask_ = attributes->mask & ~kUnblockable;
    if ((flags & spawn_flags::kSetSignalDefaults) != 0) {
      for (int signal = 1; signal <= sig::kMax; ++signal) {
        if (attributes->defaults.has(signal)) child.actions_[signal - 1] = SignalAction{};
      }
    }
    if ((flags & spawn_flags::kResetIds) != 0) {
      child.credentials_.euid = child.credentials_.uid;
      child.credentials_.egid = child.credentials_.gid;
    }
    if ((flags & spawn_flags::kSetSession) != 0) {
      child.session_ = child.pid_;
      child.group_ = child.pid_;
      child.terminal_ = 0;
    } else if ((flags & spawn_flags::kSetGroup) != 0) {
      const Pid group = attributes->group == 0 ? child.pid_ : attributes->group;
      if (group != child.pid_) {
        // A group lasts while any member is in the table, zombies included (as on Linux):
        // a pipeline's later stages join the group of a first stage that may have ended.
        bool found = false;
        for (Process& other : table_) {
          if (other.group_ == group && other.session_ == child.session_) found = true;
        }
        if (!found) return Error::NotPermitted;
      }
      child.group_ = group;
    }
  }
  (void)parent;
  if (actions == nullptr) return {};
  for (const SpawnFileAction& action : *actions) {
    switch (action.kind) {
      case SpawnFileAction::Kind::Open: {
        RefPtr<vfs::OpenFile> file =
            MOS_TRY(vfs_.open(child.context(), action.path, action.flags, action.mode));
        acquire_terminal(child, *file, action.flags);
        const CloseOnExec cloexec =
            (action.flags & kCloseOnExec) != 0 ? CloseOnExec::Yes : CloseOnExec::No;
        MOS_TRY(
            child.fds_.install_at(action.fd, static_cast<RefPtr<vfs::OpenFile>&&>(file), cloexec));
        break;
      }
      case SpawnFileAction::Kind::Close:
        // POSIX lets closing a descriptor that is not open succeed or fail; glibc succeeds.
        (void)child.fds_.close(action.fd);
        break;
      case SpawnFileAction::Kind::Dup2: {
        RefPtr<vfs::OpenFile> file = MOS_TRY(child.fds_.get(action.fd));
        if (action.fd == action.new_fd) {
          MOS_TRY(child.fds_.set_close_on_exec(action.fd, CloseOnExec::No));
        } else {
          MOS_TRY(child.fds_.install_at(action.new_fd, static_cast<RefPtr<vfs::OpenFile>&&>(file),
                                        CloseOnExec::No));
        }
        break;
      }
      case SpawnFileAction::Kind::Chdir: {
        const vfs::Context context = child.context();
        vfs::Path path = MOS_TRY(vfs_.resolve(context, action.path));
        if (!path.vnode().is_directory()) return Error::NotDirectory;
        MOS_TRY(vfs_.access(context, action.path, vfs::access_mode::kExecute));
        child.cwd_ = static_cast<vfs::Path&&>(path);
        break;
      }
      case SpawnFileAction::Kind::Fchdir: {
        RefPtr<vfs::OpenFile> file = MOS_TRY(child.fds_.get(action.fd));
        if (!file->vnode().is_directory()) return Error::NotDirectory;
        child.cwd_ = file->path();
        break;
      }
    }
  }
  return {};
}

Result<Pid> System::start(RefPtr<Process> child, Start* start) noexcept {
  Process* parent = nullptr;
  {
    sched::SchedulerGuard guard;
    parent = child->parent_;
    child->acquire();  // The table's reference.
    table_.push_back(*child);
    parent->children_.push_back(*child);
  }
  start->process = child.get();
  child->start_ = start;
  sched::ThreadAttributes attributes;
  attributes.name = child->name();
  attributes.detached = sched::Detached::Yes;
  attributes.stack_bytes = 64 * 1024;
  auto thread = sched::spawn(&System::run, start, attributes);
  if (!thread) {
    {
      sched::SchedulerGuard guard;
      parent->children_.erase(*child);
      table_.erase(*child);
    }
    child->start_ = nullptr;
    delete start;
    child->release();
    return thread.error();
  }
  return child->pid_;
}

void System::run(void* argument) noexcept {
  auto* start = static_cast<Start*>(argument);
  Process& self = *start->process;
  sched::current().set_owner(&self);
  {
    sched::SchedulerGuard guard;
    self.thread_ = &sched::current();
  }
  // A signal may have come before the thread existed to be interrupted.
  if (!self.pending_.empty()) sched::interrupt(sched::current());
  (void)self.system_.deliver_signals(self);
  const int status =
      start->main != nullptr ? start->main(start->argc, start->argv) : start->function(start->arg);
  self.system_.exit(self, status);
}

Result<Pid> System::spawn(Process& parent, std::string_view path, bool search,
                          const SpawnFileActions* actions, const SpawnAttributes* attributes,
                          char* const* argv, char* const* envp) noexcept {
  RefPtr<Process> child = MOS_TRY(new_child(parent));
  {
    sched::SchedulerGuard guard;
    child->pid_ = next_pid_++;
    child->parent_ = &parent;
  }
  MOS_TRY(child->set_environment(envp));
  MOS_TRY(prepare_child(parent, *child, actions, attributes));
  Resolved resolved = MOS_TRY(resolve_program(*this, child->context(), path, search, argv, envp));
  auto* start = new (std::nothrow) Start;
  if (start == nullptr) {
    free_argv(resolved.argv, resolved.argc);
    return Error::NoMemory;
  }
  start->main = resolved.main;
  start->argc = resolved.argc;
  start->argv = resolved.argv;
  // exec: close-on-exec descriptors close, caught signals go back to their default.
  child->fds_.close_on_exec_all();
  {
    sched::SchedulerGuard guard;
    for (SignalAction& action : child->actions_) {
      if (action.kind == SignalAction::Kind::Handler) action = SignalAction{};
    }
  }
  if (auto named = child->set_command_line(start->argc > 0 ? start->argv[0] : path, start->argv);
      !named) {
    delete start;
    return named.error();
  }
  return this->start(static_cast<RefPtr<Process>&&>(child), start);
}

Result<Pid> System::spawn_function(Process& parent, FunctionMain entry, void* arg,
                                   const SpawnFileActions* actions,
                                   const SpawnAttributes* attributes) noexcept {
  if (entry == nullptr) return Error::InvalidArgument;
  RefPtr<Process> child = MOS_TRY(new_child(parent));
  {
    sched::SchedulerGuard guard;
    child->pid_ = next_pid_++;
    child->parent_ = &parent;
  }
  MOS_TRY(child->set_environment(parent.environment_));
  MOS_TRY(prepare_child(parent, *child, actions, attributes));
  auto* start = new (std::nothrow) Start;
  if (start == nullptr) return Error::NoMemory;
  start->function = entry;
  start->arg = arg;
  return this->start(static_cast<RefPtr<Process>&&>(child), start);
}

Result<void> System::exec(Process& self, std::string_view path, bool search, char* const* argv,
                          char* const* envp) noexcept {
  if (&self == init_.get()) return Error::NotSupported;  // Init is the boot thread.
  Resolved resolved = MOS_TRY(resolve_program(*this, self.context(), path, search, argv, envp));
  auto* start = new (std::nothrow) Start;
  if (start == nullptr) {
    free_argv(resolved.argv, resolved.argc);
    return Error::NoMemory;
  }
  start->process = &self;
  start->main = resolved.main;
  start->argc = resolved.argc;
  start->argv = resolved.argv;
  if (auto set = self.set_environment(envp); !set) {
    delete start;
    return set.error();
  }
  (void)self.set_command_line(start->argc > 0 ? start->argv[0] : path, start->argv);
  self.fds_.close_on_exec_all();
  {
    sched::SchedulerGuard guard;
    for (SignalAction& action : self.actions_) {
      if (action.kind == SignalAction::Kind::Handler) action = SignalAction{};
    }
  }
  if (self.c_runtime_.release != nullptr) self.c_runtime_.release(self.c_runtime_.data);
  self.c_runtime_ = {};
  sched::ThreadAttributes attributes;
  attributes.name = self.name();
  attributes.detached = sched::Detached::Yes;
  attributes.stack_bytes = 64 * 1024;
  auto* old_start = static_cast<Start*>(self.start_);
  self.start_ = start;
  auto thread = sched::spawn(&System::run, start, attributes);
  if (!thread) {
    self.start_ = old_start;
    delete start;
    return thread.error();
  }
  // The new program has copies of all it was given, and this thread only ends now: the old
  // program's arguments can go.
  delete old_start;
  if (Process* parent = self.vfork_parent_) {
    self.vfork_parent_ = nullptr;
    vfork_return(*parent);  // A vfork child: the thread was its parent's.
  }
  sched::exit(0);
}

}  // namespace mos::posix
