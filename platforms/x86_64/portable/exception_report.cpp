#include <x86_64/exception_report.hpp>

#include <k/format.hpp>

namespace mos::x86_64 {
namespace {

// [intel-sdm vol3] 6.3.1, table 6-1; AMD APM vol2 8.2 for #VC and #SX.
constexpr std::string_view kExceptionNames[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI non-maskable interrupt",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range exceeded",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack-segment fault",
    "#GP general protection",
    "#PF page fault",
    "reserved vector 15",
    "#MF x87 floating-point error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating-point exception",
    "#VE virtualization exception",
    "#CP control protection",
    "reserved vector 22",
    "reserved vector 23",
    "reserved vector 24",
    "reserved vector 25",
    "reserved vector 26",
    "reserved vector 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security exception",
    "reserved vector 31",
};

constexpr std::uint64_t kPageFault = 14;

}  // namespace

std::string_view exception_name(std::uint64_t vector) noexcept {
  return vector < 32 ? kExceptionNames[vector] : std::string_view("external interrupt");
}

bool exception_has_error_code(std::uint64_t vector) noexcept {
  switch (vector) {
    case 8: case 10: case 11: case 12: case 13: case 14: case 17: case 21: case 29: case 30:
      return true;
    default:
      return false;
  }
}

void describe_error_code(OutputSink& sink, std::uint64_t vector, std::uint64_t error_code) noexcept {
  if (vector == kPageFault) {
    // [intel-sdm vol3] 4.7, figure 4-12
    format_to(sink, "{} {} in {} mode", (error_code & 1) ? "protection violation" : "not-present page",
              (error_code & 0x10) ? "instruction fetch" : (error_code & 2) ? "write" : "read",
              (error_code & 4) ? "user" : "kernel");
    if (error_code & 8) sink.write(", reserved bit set in a paging entry");
    if (error_code & 0x20) sink.write(", protection key");
    if (error_code & 0x40) sink.write(", shadow stack");
    if (error_code & 0x8000) sink.write(", SGX");
    return;
  }
  if (!exception_has_error_code(vector) || vector == 8 || vector == 17) {
    sink.write("none");
    return;
  }
  if (vector == 21) {  // #CP: the kind of control-flow violation.
    format_to(sink, "control-flow violation kind {}", error_code & 0x7fff);
    return;
  }
  if (vector == 29 || vector == 30) {
    // #VC: the VMEXIT code of the intercepted event; #SX: which security event occurred.
    // Neither is a selector (AMD APM vol2 8.2): the raw value printed before this is all.
    sink.write("(not decoded)");
    return;
  }
  if (error_code == 0) {
    sink.write("no selector");
    return;
  }
  // [intel-sdm vol3] 6.13, figure 6-6: selector index, table, external event.
  std::string_view table = (error_code & 2) ? "IDT" : (error_code & 4) ? "LDT" : "GDT";
  format_to(sink, "{} entry {} (selector {:#x}){}", table, (error_code >> 3) & 0x1fff,
            error_code & 0xfff8, (error_code & 1) ? ", during an external event" : "");
}

void write_backtrace(OutputSink& sink, const SymbolTable& symbols,
                     std::span<const std::uint64_t> backtrace) noexcept {
  sink.write("backtrace:\n");
  if (backtrace.empty()) sink.write("  (no frames)\n");
  for (std::size_t i = 0; i < backtrace.size(); ++i) {
    std::uint64_t address = backtrace[i];
    // Deep recursion shows as one line and a count, not a screenful of the same frame.
    std::size_t repeats = 0;
    while (i + repeats + 1 < backtrace.size() && backtrace[i + repeats + 1] == address) ++repeats;
    // Return addresses point after the call; the symbol of address - 1 is the caller's.
    auto symbol = symbols.lookup(address - 1);
    format_to(sink, "  #{:<2} {:#018x}", i, address);
    if (symbol) format_to(sink, " <{}+{:#x}>", symbol->name, address - symbol->address);
    if (repeats > 0) format_to(sink, " (and {} more frames like it)", repeats);
    sink.write("\n");
    i += repeats;
  }
}

void write_exception_report(OutputSink& sink, const TrapFrame& f, const FaultContext& context,
                            const SymbolTable& symbols,
                            std::span<const std::uint64_t> backtrace) noexcept {
  format_to(sink, "\n=== CPU EXCEPTION: {} (vector {}) ===\n", exception_name(f.vector), f.vector);
  format_to(sink, "error code {:#x}: ", f.error_code);
  describe_error_code(sink, f.vector, f.error_code);
  sink.write("\n");
  format_to(sink, "RIP {}\n", SymbolizedAddress{f.rip, &symbols});
  if (f.vector == kPageFault) format_to(sink, "CR2 {:#018x} (the faulting address)\n", context.cr2);
  format_to(sink, "RSP {:#018x}  RFLAGS {:#010x}  CS {:#06x}  SS {:#06x}\n", f.rsp, f.rflags, f.cs,
            f.ss);
  format_to(sink, "CR0 {:#018x}  CR2 {:#018x}\nCR3 {:#018x}  CR4 {:#018x}\n", context.cr0,
            context.cr2, context.cr3, context.cr4);
  format_to(sink, "RAX {:#018x}  RBX {:#018x}  RCX {:#018x}\n", f.rax, f.rbx, f.rcx);
  format_to(sink, "RDX {:#018x}  RSI {:#018x}  RDI {:#018x}\n", f.rdx, f.rsi, f.rdi);
  format_to(sink, "RBP {:#018x}  R8  {:#018x}  R9  {:#018x}\n", f.rbp, f.r8, f.r9);
  format_to(sink, "R10 {:#018x}  R11 {:#018x}  R12 {:#018x}\n", f.r10, f.r11, f.r12);
  format_to(sink, "R13 {:#018x}  R14 {:#018x}  R15 {:#018x}\n", f.r13, f.r14, f.r15);
  write_backtrace(sink, symbols, backtrace);
}

}  // namespace mos::x86_64
