// The System: creation (init is the calling thread), the program registry, the process table.
#include <posix/system.hpp>

#include "strings.hpp"

#include <sched/scheduler.hpp>

#include <k/string.hpp>

namespace mos::posix {

Process* current_process() noexcept {
  if (!sched::Scheduler::ready()) return nullptr;
  return static_cast<Process*>(sched::current().owner());
}

System::System(vfs::Vfs& vfs) noexcept : vfs_(vfs) {}

Result<System*> System::create(vfs::Vfs& vfs) noexcept {
  auto* system = new (std::nothrow) System(vfs);
  if (system == nullptr) return Error::NoMemory;
  auto* init = new (std::nothrow) Process(*system, 1);
  if (init == nullptr) {
    delete system;
    return Error::NoMemory;
  }
  RefPtr<Process> process = RefPtr<Process>::adopt(init);
  const vfs::Context root = vfs.context();
  init->root_ = root.root;
  init->cwd_ = root.cwd;
  init->group_ = 1;
  init->session_ = 1;
  init->thread_ = &sched::current();
  char init_name[] = "init";
  char* argv[] = {init_name, nullptr};
  if (!init->set_command_line("init", argv) || !init->set_environment(nullptr)) {
    delete system;
    return Error::NoMemory;
  }
  {
    sched::SchedulerGuard guard;
    system->next_pid_ = 2;
    process->acquire();  // The table's reference.
    system->table_.push_back(*init);
  }
  system->init_ = static_cast<RefPtr<Process>&&>(process);
  sched::current().set_owner(init);
  sched::ThreadAttributes attributes;
  attributes.name = "alarms";
  attributes.detached = sched::Detached::Yes;
  if (!sched::spawn(&System::alarm_main, system, attributes)) return Error::NoMemory;
  return system;
}

Result<void> System::register_program(std::string_view name, ProgramMain main) noexcept {
  if (name.empty() || name.size() >= sizeof(Program::name) || main == nullptr) {
    return Error::InvalidArgument;
  }
  if (find_program(name) != nullptr) return Error::Exists;
  if (program_count_ == program_capacity_) {
    const std::size_t capacity = program_capacity_ == 0 ? 32 : program_capacity_ * 2;
    MOS_TRY(detail::grow_array(programs_, program_count_, capacity));
    program_capacity_ = capacity;
  }
  Program& program = programs_[program_count_++];
  memory_copy(program.name, name.data(), name.size());
  program.name[name.size()] = '\0';
  program.main = main;
  return {};
}

ProgramMain System::find_program(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < program_count_; ++i) {
    if (name == std::string_view(programs_[i].name)) return programs_[i].main;
  }
  return nullptr;
}

Result<void> System::install_programs(std::string_view directory) noexcept {
  const vfs::Context context = init_->context();
  if (auto made = vfs_.make_directory(context, directory, 0755);
      !made && made.error() != Error::Exists) {
    return made.error();
  }
  char path[vfs::kPathMax];
  char contents[64];
  for (std::size_t i = 0; i < program_count_; ++i) {
    const std::string_view name(programs_[i].name);
    if (directory.size() + 1 + name.size() >= sizeof path) return Error::NameTooLong;
    std::size_t length = 0;
    memory_copy(path, directory.data(), directory.size());
    length = directory.size();
    path[length++] = '/';
    memory_copy(path + length, name.data(), name.size());
    length += name.size();
    std::size_t bytes = kLinkedProgramMagic.size();
    memory_copy(contents, kLinkedProgramMagic.data(), bytes);
    memory_copy(contents + bytes, name.data(), name.size());
    bytes += name.size();
    contents[bytes++] = '\n';
    RefPtr<vfs::OpenFile> file = MOS_TRY(vfs_.open(
        context, std::string_view(path, length),
        vfs::open_flags::kCreate | vfs::open_flags::kWriteOnly | vfs::open_flags::kTruncate, 0755));
    MOS_TRY(file->write(std::as_bytes(std::span<const char>(contents, bytes))));
  }
  return {};
}

RefPtr<Process> System::find(Pid pid) noexcept {
  sched::SchedulerGuard guard;
  for (Process& process : table_) {
    if (process.pid_ == pid) return RefPtr<Process>(&process);
  }
  return {};
}

}  // namespace mos::posix
