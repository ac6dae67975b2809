#include "c_runtime.hpp"

#include <posix/system_calls.hpp>

#include <getopt.h>
#include <new>

namespace mos::posix::c_api {

namespace {

void release(void* data) noexcept {
  auto* runtime = static_cast<CRuntime*>(data);
  (void)runtime->streams.close_all();
  delete runtime;
}

// Threads outside every process (the image's own kernel threads) share this one.
CRuntime fallback;

}  // namespace

CRuntime& c_runtime() noexcept {
  void (*releaser)(void*) noexcept = &release;
  void** slot = sys::c_runtime_slot(&releaser);
  if (slot == nullptr) return fallback;
  if (*slot == nullptr) {
    auto* runtime = new (std::nothrow) CRuntime;
    if (runtime == nullptr) return fallback;
    *slot = runtime;
  }
  return *static_cast<CRuntime*>(*slot);
}

void run_exit_handlers() noexcept {
  CRuntime& runtime = c_runtime();
  while (runtime.at_exit_count > 0) runtime.at_exit[--runtime.at_exit_count]();
  (void)runtime.streams.flush_all();
}

}  // namespace mos::posix::c_api

namespace mos::posix::libc {
StreamRegistry& current_stream_registry() noexcept {
  return c_api::c_runtime().streams;
}
}  // namespace mos::posix::libc

extern "C" mos_getopt_state* __mos_getopt_state(void) {
  static_assert(sizeof(mos_getopt_state) == sizeof(mos::posix::libc::GetoptState));
  return reinterpret_cast<mos_getopt_state*>(&mos::posix::c_api::c_runtime().getopt);
}
