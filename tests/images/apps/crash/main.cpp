// crash: does one deliberately wrong thing, named on the kernel command line, so that image
// tests can check how the kernel reports it:
//   crash=page-fault      write through a null pointer (#PF, not-present write)
//   crash=invalid-opcode  execute ud2 (#UD)
//   crash=stack-overflow  recurse until the stack guard page (#PF then #DF on its own stack)
//   crash=write-text      write into the kernel's own code (#PF, protection violation: W^X)
//   crash=exec-data       jump into writable data (#PF, instruction fetch: NX)
//   crash=stack-smash     overrun a local array (the stack protector's canary catches it)
//   crash=panic           MOS_PANIC with a message
//   crash=assert          a failing MOS_ASSERT
#include <k/app.hpp>
#include <k/log.hpp>
#include <k/panic.hpp>

#include <cstdint>
#include <string_view>

namespace {

// noinline and a volatile pointer: the compiler must not optimise the faults away, and each
// fault site keeps a frame of its own in the backtrace.
[[gnu::noinline]] void crash_page_fault() {
  // Hide the null from the optimiser, which may otherwise drop a store it can prove is undefined.
  std::uintptr_t address = 0;
  asm volatile("" : "+r"(address));
  *reinterpret_cast<volatile std::uint64_t*>(address) = 0x6d6f73;
}

[[gnu::noinline]] void crash_invalid_opcode() { asm volatile("ud2"); }

// Recurses without end as long as the limit is out of reach; the limit exists only so that the
// compiler does not reject the recursion as infinite.
[[gnu::noinline]] std::uint64_t crash_stack_overflow(std::uint64_t depth, std::uint64_t limit) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  if (depth == limit) return pad[0];
  return crash_stack_overflow(depth + 1, limit) + pad[0];
}

[[gnu::noinline]] void crash_write_text() {
  auto* code = reinterpret_cast<volatile std::uint8_t*>(&crash_invalid_opcode);
  *code = 0x90;
}

// Writes past the end of a local array, as a buggy string copy would; the canary between the
// array and the return address is overwritten and checked when the function returns.
[[gnu::noinline]] void crash_stack_smash(std::size_t length) {
  char buffer[16];
  auto* volatile out = buffer;  // volatile: the compiler must not see the overrun.
  for (std::size_t i = 0; i < length; ++i) out[i] = 'x';
  asm volatile("" : : "r"(buffer) : "memory");
}

std::uint8_t g_data_code[16] = {0xc3};  // "ret", in writable data.

[[gnu::noinline]] void crash_exec_data() {
  auto* function = reinterpret_cast<void (*)()>(reinterpret_cast<std::uintptr_t>(g_data_code));
  function();
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo& boot) noexcept {
  std::string_view what = boot.options().option("crash").value_or("");
  log::info("crash: {}", what.empty() ? "(nothing asked)" : what);
  if (what == "page-fault") crash_page_fault();
  if (what == "invalid-opcode") crash_invalid_opcode();
  if (what == "stack-overflow") (void)crash_stack_overflow(0, ~std::uint64_t{0});
  if (what == "write-text") crash_write_text();
  if (what == "exec-data") crash_exec_data();
  if (what == "stack-smash") crash_stack_smash(32);
  if (what == "panic") MOS_PANIC("deliberate panic: {} {}", "code", 42);
  if (what == "assert") MOS_ASSERT(what.size() == 0);
  log::error("crash: nothing crashed");
  return platform::kExitFailure;
}
