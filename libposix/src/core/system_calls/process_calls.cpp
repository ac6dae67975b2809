// The process system calls: ids, credentials, limits, environment, the C layer's slot.
#include "calls.hpp"

#include "../strings.hpp"

#include <sched/thread.hpp>

#include <k/string.hpp>

namespace mos::posix::sys {

using detail::negative;
using detail::to_long;

int* errno_location() noexcept {
  return &sched::thread_errno();
}

void** c_runtime_slot(void (**release)(void*) noexcept) noexcept {
  Process* self = current_process();
  if (self == nullptr) return nullptr;
  CRuntimeSlot& slot = self->c_runtime();
  if (release != nullptr) {
    if (*release != nullptr) {
      slot.release = *release;
    } else {
      *release = slot.release;
    }
  }
  return &slot.data;
}

char*** environment() noexcept {
  Process* self = current_process();
  return self == nullptr ? nullptr : &self->environment();
}

long set_environment(char* const* strings) noexcept {
  MOS_SYS_CALLER();
  return to_long(self.set_environment(strings));
}

namespace {

// The index of NAME's entry, or -1.
long find_variable(char** environment, std::string_view name) noexcept {
  for (long i = 0; environment != nullptr && environment[i] != nullptr; ++i) {
    const std::string_view entry(environment[i]);
    if (entry.size() > name.size() && entry.substr(0, name.size()) == name &&
        entry[name.size()] == '=') {
      return i;
    }
  }
  return -1;
}

bool valid_name(std::string_view name) noexcept {
  return !name.empty() && name.find('=') == std::string_view::npos;
}

}  // namespace

long set_environment_variable(const char* name_text, const char* value_text,
                              int overwrite) noexcept {
  MOS_SYS_CALLER();
  if (name_text == nullptr || value_text == nullptr) return negative(Error::InvalidArgument);
  const std::string_view name(name_text);
  const std::string_view value(value_text);
  if (!valid_name(name)) return negative(Error::InvalidArgument);
  char**& environment = self.environment();
  const long at = find_variable(environment, name);
  if (at >= 0 && overwrite == 0) return 0;
  char* entry = new (std::nothrow) char[name.size() + value.size() + 2];
  if (entry == nullptr) return negative(Error::NoMemory);
  memory_copy(entry, name.data(), name.size());
  entry[name.size()] = '=';
  memory_copy(entry + name.size() + 1, value.data(), value.size());
  entry[name.size() + 1 + value.size()] = '\0';
  if (at >= 0) {
    delete[] environment[at];
    environment[at] = entry;
    return 0;
  }
  long count = 0;
  while (environment != nullptr && environment[count] != nullptr) ++count;
  char** grown = new (std::nothrow) char*[count + 2];
  if (grown == nullptr) {
    delete[] entry;
    return negative(Error::NoMemory);
  }
  for (long i = 0; i < count; ++i) grown[i] = environment[i];
  grown[count] = entry;
  grown[count + 1] = nullptr;
  delete[] environment;
  environment = grown;
  return 0;
}

long unset_environment_variable(const char* name_text) noexcept {
  MOS_SYS_CALLER();
  if (name_text == nullptr || !valid_name(name_text)) return negative(Error::InvalidArgument);
  char** environment = self.environment();
  long at;
  while ((at = find_variable(environment, name_text)) >= 0) {
    delete[] environment[at];
    for (long i = at; environment[i] != nullptr; ++i) environment[i] = environment[i + 1];
  }
  return 0;
}

long getpid() noexcept {
  MOS_SYS_CALLER();
  return self.pid();
}

long getppid() noexcept {
  MOS_SYS_CALLER();
  return self.parent_pid();
}

long getpgid(int pid) noexcept {
  MOS_SYS_CALLER();
  return to_long(self.system().group_of(self, pid));
}

long setpgid(int pid, int group) noexcept {
  MOS_SYS_CALLER();
  return to_long(self.system().set_group(self, pid, group));
}

long setsid() noexcept {
  MOS_SYS_CALLER();
  return to_long(self.system().create_session(self));
}

long getsid(int pid) noexcept {
  MOS_SYS_CALLER();
  return to_long(self.system().session_of(self, pid));
}

long get_id(int which) noexcept {
  MOS_SYS_CALLER();
  const ProcessCredentials& ids = self.credentials();
  switch (which) {
    case 0:
      return ids.uid;
    case 1:
      return ids.euid;
    case 2:
      return ids.gid;
    case 3:
      return ids.egid;
    default:
      return negative(Error::InvalidArgument);
  }
}

namespace {

using Id = std::uint32_t ProcessCredentials::*;

// setuid/setgid (POSIX): root sets the real, effective and saved id; others may only switch the
// effective one to their real or saved id.
long set_all_ids(Process& self, unsigned int value, Id real, Id effective, Id saved) noexcept {
  ProcessCredentials& ids = self.credentials();
  if (ids.euid == 0) {
    ids.*real = ids.*effective = ids.*saved = value;
  } else if (value == ids.*real || value == ids.*saved) {
    ids.*effective = value;
  } else {
    return negative(Error::NotPermitted);
  }
  return 0;
}

// seteuid/setegid: root sets any; others their real or saved id.
long set_effective_id(Process& self, unsigned int value, Id real, Id effective, Id saved) noexcept {
  ProcessCredentials& ids = self.credentials();
  if (ids.euid != 0 && value != ids.*real && value != ids.*saved) {
    return negative(Error::NotPermitted);
  }
  ids.*effective = value;
  return 0;
}

}  // namespace

long setuid(unsigned int uid) noexcept {
  MOS_SYS_CALLER();
  return set_all_ids(self, uid, &ProcessCredentials::uid, &ProcessCredentials::euid,
                     &ProcessCredentials::suid);
}

long setgid(unsigned int gid) noexcept {
  MOS_SYS_CALLER();
  return set_all_ids(self, gid, &ProcessCredentials::gid, &ProcessCredentials::egid,
                     &ProcessCredentials::sgid);
}

long seteuid(unsigned int uid) noexcept {
  MOS_SYS_CALLER();
  return set_effective_id(self, uid, &ProcessCredentials::uid, &ProcessCredentials::euid,
                          &ProcessCredentials::suid);
}

long setegid(unsigned int gid) noexcept {
  MOS_SYS_CALLER();
  return set_effective_id(self, gid, &ProcessCredentials::gid, &ProcessCredentials::egid,
                          &ProcessCredentials::sgid);
}

long getgroups(int size, unsigned int* list) noexcept {
  MOS_SYS_CALLER();
  const auto& groups = self.credentials().groups;
  const int count = static_cast<int>(groups.size());
  if (size == 0) return count;
  if (size < count) return negative(Error::InvalidArgument);
  for (int i = 0; i < count; ++i) list[i] = groups[i];
  return count;
}

long setgroups(unsigned long size, const unsigned int* list) noexcept {
  MOS_SYS_CALLER();
  ProcessCredentials& ids = self.credentials();
  if (ids.euid != 0) return negative(Error::NotPermitted);
  if (size > ids.groups.capacity()) return negative(Error::InvalidArgument);
  ids.groups.clear();
  for (unsigned long i = 0; i < size; ++i) (void)ids.groups.push_back(list[i]);
  return 0;
}

long getrlimit(int resource, unsigned long* current, unsigned long* maximum) noexcept {
  MOS_SYS_CALLER();
  if (resource < 0 || resource >= kResourceLimits) return negative(Error::InvalidArgument);
  const ResourceLimit& limit = self.limit(resource);
  const bool files = resource == kLimitOpenFiles;
  *current = files && limit.current > kMaxFds ? kMaxFds : limit.current;
  *maximum = files && limit.maximum > kMaxFds ? kMaxFds : limit.maximum;
  return 0;
}

long setrlimit(int resource, unsigned long current, unsigned long maximum) noexcept {
  MOS_SYS_CALLER();
  if (resource < 0 || resource >= kResourceLimits || current > maximum) {
    return negative(Error::InvalidArgument);
  }
  ResourceLimit& limit = self.limit(resource);
  if (maximum > limit.maximum && self.credentials().euid != 0) {
    return negative(Error::NotPermitted);
  }
  limit = ResourceLimit{current, maximum};
  return 0;
}

long cpu_time_ns(int which) noexcept {
  MOS_SYS_CALLER();
  return static_cast<long>(which == 0 ? self.cpu_ns() : self.children_cpu_ns());
}

}  // namespace mos::posix::sys
