// hello: the smallest useful image. It greets, shows what the boot loader handed over, and, when
// the kernel command line contains "echo", copies console input back until end of input (^D),
// which is how tests check that nothing typed into the serial console is lost.
#include <k/app.hpp>
#include <k/log.hpp>
#include <k/platform/console.hpp>
#include <k/platform/cycle_counter.hpp>

#include <string_view>

namespace {

// An object with a constructor that runs at boot: proves that the platform ran the global
// constructors before app_main (a constant-initialised value would not).
struct BootStamp {
  BootStamp() : cycles(mos::platform::cycle_counter()) {}
  std::uint64_t cycles;
};
BootStamp g_boot_stamp;

void show_boot_info(const mos::BootInfo& boot) {
  mos::log::info("protocol: {}, loader: \"{}\"",
                 boot.protocol == mos::BootInfo::Protocol::Multiboot2 ? "multiboot2" : "pvh",
                 boot.loader_name.view());
  mos::log::info("command line: \"{}\"", boot.command_line.view());
  mos::log::info("memory map ({} regions):", boot.memory_map.size());
  for (const mos::MemoryRegion& r : boot.memory_map) {
    mos::log::info("  [{} - {}) {}", r.base, r.end(), r.kind);
  }
  mos::log::info("usable memory: {} KiB", boot.usable_bytes() / 1024);
  for (const mos::BootModule& m : boot.modules) {
    mos::log::info("module [{} - {}) \"{}\"", m.start, m.end, m.command_line.view());
  }
  if (boot.framebuffer) {
    mos::log::info("framebuffer: {}x{} at {}", boot.framebuffer->width, boot.framebuffer->height,
                   boot.framebuffer->address);
  }
  if (boot.acpi) mos::log::info("acpi: revision {}", boot.acpi->revision);
}

// Echoes the console until ^D (0x04) or the end of input.
void echo_console() {
  char buffer[256];
  for (;;) {
    std::size_t n = mos::platform::console_read(buffer);
    if (n == 0) return;
    std::string_view chunk(buffer, n);
    std::size_t eot = chunk.find('\x04');
    mos::platform::console_write(chunk.substr(0, eot));
    if (eot != std::string_view::npos) return;
  }
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  log::info("Hello from Mosaic!");
  log::info("cycles since reset: {}", platform::cycle_counter());
  log::info("global constructors ran: {}", g_boot_stamp.cycles != 0 ? "yes" : "no");
  show_boot_info(boot);
  if (boot.options().has_flag("echo")) {
    log::info("echo: ready");
    echo_console();
    log::info("echo: done");
  }
  return platform::kExitSuccess;
}
