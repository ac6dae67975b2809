#include <posix/process.hpp>

#include "strings.hpp"

#include <sched/scheduler.hpp>

#include <k/platform/timer.hpp>

namespace mos::posix {

Process::Process(System& system, Pid pid) noexcept
    : system_(system), pid_(pid), start_ns_(platform::monotonic_ns()) {}

Process::~Process() {
  if (environment_ != nullptr) {
    for (char** entry = environment_; *entry != nullptr; ++entry) delete[] * entry;
    delete[] environment_;
  }
  delete[] command_line_;
}

Pid Process::parent_pid() const noexcept {
  sched::SchedulerGuard guard;
  return parent_ == nullptr ? 0 : parent_->pid_;
}

vfs::Credentials Process::vfs_credentials() const noexcept {
  vfs::Credentials credentials;
  credentials.uid = credentials_.euid;
  credentials.gid = credentials_.egid;
  credentials.groups =
      std::span<const std::uint32_t>(credentials_.groups.data(), credentials_.groups.size());
  return credentials;
}

vfs::Context Process::context() const noexcept {
  vfs::Context context;
  context.credentials = vfs_credentials();
  context.root = root_;
  context.cwd = cwd_;
  context.umask = umask_;
  return context;
}

std::uint64_t Process::cpu_ns() const noexcept {
  return thread_ == nullptr ? 0 : thread_->runtime_ns();
}

Result<void> Process::set_environment(char* const* strings) noexcept {
  std::size_t count = 0;
  while (strings != nullptr && strings[count] != nullptr) ++count;
  char** copy = new (std::nothrow) char*[count + 1];
  if (copy == nullptr) return Error::NoMemory;
  for (std::size_t i = 0; i < count; ++i) {
    auto entry = detail::copy_string(strings[i]);
    if (!entry) {
      for (std::size_t j = 0; j < i; ++j) delete[] copy[j];
      delete[] copy;
      return entry.error();
    }
    copy[i] = *entry;
  }
  copy[count] = nullptr;
  if (environment_ != nullptr) {
    for (char** entry = environment_; *entry != nullptr; ++entry) delete[] * entry;
    delete[] environment_;
  }
  environment_ = copy;
  environment_count_ = count;
  return {};
}

Result<void> Process::set_command_line(std::string_view name, char* const* argv) noexcept {
  std::size_t bytes = 0;
  for (std::size_t i = 0; argv != nullptr && argv[i] != nullptr; ++i) {
    bytes += string_length(argv[i]) + 1;
  }
  char* line = new (std::nothrow) char[bytes == 0 ? 1 : bytes];
  if (line == nullptr) return Error::NoMemory;
  std::size_t at = 0;
  for (std::size_t i = 0; argv != nullptr && argv[i] != nullptr; ++i) {
    const std::size_t length = string_length(argv[i]);
    memory_copy(line + at, argv[i], length + 1);
    at += length + 1;
  }
  delete[] command_line_;
  command_line_ = line;
  command_line_bytes_ = bytes;
  const std::size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  name_length_ = name.size() < sizeof name_ - 1 ? name.size() : sizeof name_ - 1;
  memory_copy(name_, name.data(), name_length_);
  name_[name_length_] = '\0';
  return {};
}

}  // namespace mos::posix
