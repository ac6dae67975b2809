// Thread descriptors: what a Thread is before any scheduler touches it (policy tests use bare
// descriptors, so this file depends on nothing else in libsched).
#include <sched/thread.hpp>

#include <k/string.hpp>

namespace mos::sched {

std::string_view state_name(ThreadState state) noexcept {
  switch (state) {
    case ThreadState::New: return "new";
    case ThreadState::Ready: return "ready";
    case ThreadState::Running: return "running";
    case ThreadState::Blocked: return "blocked";
    case ThreadState::Sleeping: return "sleeping";
    case ThreadState::Exited: return "exited";
  }
  return "?";
}

Thread::Thread(std::string_view name, SchedParams params) noexcept
    : params_(params), effective_priority_(params.priority) {
  name_length_ = name.size() < kThreadNameBytes - 1 ? name.size() : kThreadNameBytes - 1;
  memory_copy(name_, name.data(), name_length_);
  name_[name_length_] = '\0';
}

Thread::~Thread() = default;

}  // namespace mos::sched
