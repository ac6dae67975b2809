#include <k/log.hpp>
#include <k/spin_lock.hpp>

#include <atomic>

namespace mos::log {
namespace {

// The logger is the one piece of global state in libk: every component logs to the same
// console, and lines from different CPUs must not interleave.
SpinLock g_lock;
platform::InterruptState g_lock_state;
std::atomic<Level> g_level{Level::Info};

constexpr std::string_view kPrefix[] = {"[error] ", "[warn] ", "[info] ", "[debug] ", "[trace] "};

}  // namespace

void set_level(Level level) noexcept { g_level.store(level, std::memory_order_relaxed); }

Level level() noexcept { return g_level.load(std::memory_order_relaxed); }

namespace detail {

bool begin_line(Level level) noexcept {
  if (level > g_level.load(std::memory_order_relaxed)) return false;
  g_lock_state = g_lock.lock();
  console_sink().write(kPrefix[static_cast<int>(level)]);
  return true;
}

void end_line() noexcept {
  console_sink().write("\n");
  g_lock.unlock(g_lock_state);
}

OutputSink& line_sink() noexcept { return console_sink(); }

}  // namespace detail
}  // namespace mos::log
