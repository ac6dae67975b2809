// From the boot code to the app: the first C++ the kernel runs. Stages, in order: the stack
// canary, the serial console, descriptor tables, kernel page permissions, the boot information,
// the image's components, global constructors, the app, the components' reports.
#include "console.hpp"
#include "cpu.hpp"
#include "descriptors.hpp"
#include "kernel_entry.hpp"
#include "kernel_map.hpp"

#include <x86_64/boot_protocols.hpp>

#include <k/app.hpp>
#include <k/cxx_runtime.hpp>
#include <k/log.hpp>
#include <k/platform/machine.hpp>

namespace mos::x86_64 {
namespace {

// Must match entry.S.
constexpr std::uint32_t kProtocolMultiboot2 = 1;
constexpr std::uint32_t kProtocolPvh = 2;

// Large (several KiB): static, not on the boot stack. constinit: it is filled before the global
// constructors run, which must not reset it.
constinit BootInfo g_boot_info;

// The loader's structures lie below 4 GiB, where the early direct map reaches.
Result<std::span<const std::byte>> read_physical(PhysAddr address, std::uint64_t length) noexcept {
  std::uint64_t end = address.value() + length;
  if (end < address.value() || end > kEarlyDirectMapSize) return Error::BadAddress;
  return std::span<const std::byte>(
      reinterpret_cast<const std::byte*>(kEarlyDirectMapBase + address.value()), length);
}

// "boot.dump_info" on the command line prints the loader's raw block in hex between markers;
// tools/capture_boot_info.py turns that into the test data of tests/data/.
void dump_info_block(const BootInfo& boot) noexcept {
  std::uint64_t length = boot.info_end - boot.info_start;
  auto bytes = read_physical(boot.info_start, length);
  if (!bytes) return;
  format_to(console_sink(), "BEGIN BOOT INFO {} {:#x}\n", length, boot.info_start.value());
  for (std::size_t i = 0; i < bytes->size(); ++i) {
    format_to(console_sink(), "{:02x}{}", static_cast<unsigned>((*bytes)[i]),
              (i % 32 == 31 || i + 1 == bytes->size()) ? "\n" : "");
  }
  console_sink().write("END BOOT INFO\n");
}

[[noreturn]] void kernel_main(std::uint32_t protocol, std::uint32_t info_address) noexcept {
  console_init();
  load_gdt();
  load_idt();
  protect_kernel_image();
  remove_identity_map();
  log::info("Mosaic x86_64: booted by {}{}", protocol == kProtocolPvh ? "PVH" : "Multiboot2",
            no_execute_enabled() ? ", W^X enforced" : ", no NX on this CPU");

  auto reader = [](PhysAddr address, std::uint64_t length) noexcept {
    return read_physical(address, length);
  };
  auto parsed = protocol == kProtocolPvh ? parse_pvh(PhysAddr(info_address), reader)
                                         : parse_multiboot2(PhysAddr(info_address), reader);
  if (!parsed) {
    log::error("cannot use the boot information: {}", parsed.error());
    platform::shutdown(platform::kExitFailure);
  }
  g_boot_info = std::move(parsed).value();
  if (g_boot_info.options().has_flag("boot.dump_info")) dump_info_block(g_boot_info);

  // Components first (memory management gives the heap that constructors may use), then the
  // constructors of objects with static storage, then the app.
  init_components(g_boot_info);
  run_global_constructors();
  const platform::ExitStatus status = app_main(g_boot_info);
  finish_components();
  platform::shutdown(status);
}

// A canary nobody can predict: RDRAND where the CPU has it, else the TSC (weak, but different
// on every boot on real hardware).
[[gnu::no_stack_protector]] std::uint64_t random_canary() noexcept {
  if (cpu::cpuid(1).ecx & (1u << 30)) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      std::uint64_t value;
      unsigned char ok;
      asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
      if (ok) return value;
    }
  }
  return cpu::rdtsc() * 0x9e3779b97f4a7c15ULL;
}

}  // namespace

const BootInfo& boot_info() noexcept { return g_boot_info; }

// Called by entry.S on the boot stack. Built without the stack protector: it changes the canary.
extern "C" [[noreturn, gnu::no_stack_protector]] void mos_x86_64_kernel_entry(
    std::uint32_t protocol, std::uint32_t info_address) {
  set_stack_guard(random_canary());
  kernel_main(protocol, info_address);
}

}  // namespace mos::x86_64
