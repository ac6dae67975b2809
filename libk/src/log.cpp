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

// The last kHistoryBytes of log text, for dmesg: a ring written under g_lock.
char g_history[kHistoryBytes];
std::size_t g_history_end = 0;   // Total bytes ever written; the ring holds the last ones.

// Writes to the console and keeps a copy in the history.
class HistorySink final : public OutputSink {
 public:
  void write(std::string_view text) noexcept override {
    console_sink().write(text);
    for (char c : text) g_history[g_history_end++ % kHistoryBytes] = c;
  }
};
HistorySink g_sink;

}  // namespace

void set_level(Level level) noexcept { g_level.store(level, std::memory_order_relaxed); }

Level level() noexcept { return g_level.load(std::memory_order_relaxed); }

namespace detail {

bool begin_line(Level level) noexcept {
  if (level > g_level.load(std::memory_order_relaxed)) return false;
  g_lock_state = g_lock.lock();
  g_sink.write(kPrefix[static_cast<int>(level)]);
  return true;
}

void end_line() noexcept {
  g_sink.write("\n");
  g_lock.unlock(g_lock_state);
}

OutputSink& line_sink() noexcept { return g_sink; }

}  // namespace detail

std::size_t copy_history(std::span<char> out) noexcept {
  const platform::InterruptState state = g_lock.lock();
  const std::size_t kept = g_history_end < kHistoryBytes ? g_history_end : kHistoryBytes;
  const std::size_t count = kept < out.size() ? kept : out.size();
  const std::size_t first = g_history_end - count;
  for (std::size_t i = 0; i < count; ++i) out[i] = g_history[(first + i) % kHistoryBytes];
  g_lock.unlock(state);
  return count;
}
}  // namespace mos::log
