#include <k/panic.hpp>
#include <k/platform/console.hpp>
#include <k/platform/interrupts.hpp>
#include <k/platform/machine.hpp>

#include <atomic>

namespace mos {
namespace {

// A panic inside a panic (say, in a formatter) must not recurse forever.
std::atomic<bool> g_panicking{false};

}  // namespace

namespace detail {

OutputSink& panic_begin(std::source_location where) noexcept {
  (void)platform::interrupts_save_and_disable();
  if (g_panicking.exchange(true)) {
    // The report itself failed: stop without the platform's extras (a backtrace), which may be
    // what failed.
    platform::console_write("\nPANIC while panicking\n");
    platform::shutdown(platform::kExitPanic);
  }
  format_to(console_sink(), "\nPANIC at {}:{} ({}): ", where.file_name(), where.line(),
            where.function_name());
  return console_sink();
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
