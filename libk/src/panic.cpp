#include <k/panic.hpp>
#include <k/platform/console.hpp>
#include <k/platform/interrupts.hpp>
#include <k/platform/machine.hpp>

#include <atomic>

namespace mos {
namespace {

class ConsoleSink final : public OutputSink {
 public:
  void write(std::string_view text) noexcept override { platform::console_write(text); }
};

ConsoleSink g_panic_console;
// A panic inside a panic (say, in a formatter) must not recurse forever.
std::atomic<bool> g_panicking{false};

}  // namespace

namespace detail {

OutputSink& panic_begin(std::source_location where) noexcept {
  (void)platform::interrupts_save_and_disable();
  if (g_panicking.exchange(true)) {
    platform::console_write("\nPANIC while panicking\n");
    platform::stop_after_panic();
  }
  format_to(g_panic_console, "\nPANIC at {}:{} ({}): ", where.file_name(), where.line(),
            where.function_name());
  return g_panic_console;
}

void panic_end() noexcept {
  platform::console_write("\n");
  platform::stop_after_panic();
}

void assert_failed(const char* condition, std::source_location where) noexcept {
  format_to(panic_begin(where), "assertion failed: {}", condition);
  panic_end();
}

void result_access_failed(const char* what) noexcept {
  format_to(panic_begin(std::source_location::current()), "bad Result access: {}", what);
  panic_end();
}

}  // namespace detail

void panic(std::string_view message, std::source_location where) noexcept {
  detail::panic_begin(where).write(message);
  detail::panic_end();
}

}  // namespace mos
