#include <x86_64/backtrace.hpp>
#include <x86_64/exception_report.hpp>

#include "string_sink.hpp"
#include "symbol_table_builder.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using mos::test::StringSink;

std::string describe(std::uint64_t vector, std::uint64_t error_code) {
  StringSink sink;
  mos::x86_64::describe_error_code(sink, vector, error_code);
  return sink.text();
}

}  // namespace

TEST_CASE("exception names and which vectors push an error code") {
  CHECK(mos::x86_64::exception_name(14) == "#PF page fault");
  CHECK(mos::x86_64::exception_name(6) == "#UD invalid opcode");
  CHECK(mos::x86_64::exception_name(8) == "#DF double fault");
  CHECK(mos::x86_64::exception_name(40) == "external interrupt");
  for (std::uint64_t v = 0; v < 32; ++v) {
    bool expected = v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 ||
                    v == 21 || v == 29 || v == 30;
    CHECK(mos::x86_64::exception_has_error_code(v) == expected);
  }
}

TEST_CASE("page-fault error codes are decoded bit by bit") {
  CHECK(describe(14, 0x0) == "not-present page read in kernel mode");
  CHECK(describe(14, 0x2) == "not-present page write in kernel mode");
  CHECK(describe(14, 0x3) == "protection violation write in kernel mode");
  CHECK(describe(14, 0x7) == "protection violation write in user mode");
  CHECK(describe(14, 0x11) == "protection violation instruction fetch in kernel mode");
  CHECK(describe(14, 0x9) == "protection violation read in kernel mode, reserved bit set in a paging entry");
  CHECK(describe(14, 0x20) == "not-present page read in kernel mode, protection key");
}

TEST_CASE("selector error codes name the table and index") {
  CHECK(describe(13, 0) == "no selector");
  CHECK(describe(13, 0x28) == "GDT entry 5 (selector 0x28)");
  CHECK(describe(13, 0x72) == "IDT entry 14 (selector 0x70)");
  CHECK(describe(11, 0x0d) == "LDT entry 1 (selector 0x8), during an external event");
  CHECK(describe(6, 0) == "none");
  CHECK(describe(8, 0) == "none");
}

TEST_CASE("#VC and #SX error codes are not selectors: shown raw, not decoded") {
  CHECK(describe(29, 0x7b) == "(not decoded)");   // #VC: an IOIO intercept's exit code.
  CHECK(describe(30, 0x28) == "(not decoded)");   // Would read as "GDT entry 5" if decoded.
  CHECK(describe(30, 0) == "(not decoded)");

  mos::x86_64::TrapFrame frame{};
  frame.vector = 29;
  frame.error_code = 0x7b;
  mos::x86_64::FaultContext context{};
  mos::x86_64::SymbolTable empty;
  StringSink sink;
  mos::x86_64::write_exception_report(sink, frame, context, empty, {});
  CHECK(sink.text().find("CPU EXCEPTION: #VC VMM communication (vector 29)") !=
        std::string::npos);
  CHECK(sink.text().find("error code 0x7b: (not decoded)\n") != std::string::npos);
  CHECK(sink.text().find("selector") == std::string::npos);
}

TEST_CASE("the report shows registers, CR2 for page faults and a symbolised backtrace") {
  mos::x86_64::TrapFrame frame{};
  frame.vector = 14;
  frame.error_code = 2;
  frame.rip = 0x1010;  // 0x10 into fault_here.
  frame.rsp = 0x7ff0;
  frame.rax = 0xdead;
  frame.r15 = 0xbeef;
  frame.cs = 8;
  frame.ss = 0x10;
  mos::x86_64::FaultContext context{0x80010033, 0x0, 0x20d000, 0x6a0};
  // Symbols as tools/gen_symbols.py lays them out. A frame's return address points after its
  // call, so the backtrace looks up address - 1: 0x2000 is a return into the end of caller
  // (0x1ff0..0x1fff), not into unrelated_next, which starts at 0x2000.
  std::vector<std::byte> bytes = mos::test::build_symbol_table({{0x1000, 0x40, "fault_here"},
                                                                {0x1ff0, 0x10, "caller"},
                                                                {0x2000, 0x10, "unrelated_next"},
                                                                {0x2f00, 0x200, "recursive"}});
  auto symbols = mos::x86_64::SymbolTable::parse(bytes);
  REQUIRE(symbols.has_value());
  std::vector<std::uint64_t> backtrace = {0x2000, 0x3000, 0x3000, 0x3000, 0x9000};
  StringSink sink;
  mos::x86_64::write_exception_report(sink, frame, context, *symbols, backtrace);
  const std::string& r = sink.text();
  CHECK(r.find("CPU EXCEPTION: #PF page fault (vector 14)") != std::string::npos);
  CHECK(r.find("not-present page write in kernel mode") != std::string::npos);
  CHECK(r.find("RIP 0x0000000000001010 <fault_here+0x10>\n") != std::string::npos);
  CHECK(r.find("CR2 0x0000000000000000 (the faulting address)") != std::string::npos);
  CHECK(r.find("CR3 0x000000000020d000") != std::string::npos);
  CHECK(r.find("RAX 0x000000000000dead") != std::string::npos);
  CHECK(r.find("R15 0x000000000000beef") != std::string::npos);
  CHECK(r.find("#0  0x0000000000002000 <caller+0x10>\n") != std::string::npos);
  CHECK(r.find("unrelated_next") == std::string::npos);
  CHECK(r.find("#1  0x0000000000003000 <recursive+0x100> (and 2 more frames like it)\n") !=
        std::string::npos);
  CHECK(r.find("#2 ") == std::string::npos);
  CHECK(r.find("#4  0x0000000000009000\n") != std::string::npos);  // No symbol: bare address.
}

TEST_CASE("the frame-pointer walk follows the chain and stops at anything suspicious") {
  // A fake stack: three frames, each {saved rbp, return address}, at ascending addresses.
  alignas(16) std::uint64_t stack[16] = {};
  auto at = [&](int i) { return reinterpret_cast<std::uint64_t>(&stack[i]); };
  stack[0] = at(4);
  stack[1] = 0xa1;
  stack[4] = at(8);
  stack[5] = 0xa2;
  stack[8] = 0;  // End of the chain.
  stack[9] = 0xa3;
  auto in_stack = [&](std::uint64_t address, std::size_t bytes) {
    return address >= at(0) && address + bytes <= at(16);
  };
  std::uint64_t out[8];
  std::size_t n = mos::x86_64::walk_frame_pointers(at(0), out, in_stack);
  REQUIRE(n == 3);
  CHECK(out[0] == 0xa1);
  CHECK(out[1] == 0xa2);
  CHECK(out[2] == 0xa3);

  SUBCASE("a loop in the chain ends the walk") {
    stack[4] = at(0);
    CHECK(mos::x86_64::walk_frame_pointers(at(0), out, in_stack) == 2);
  }
  SUBCASE("an unreadable frame ends the walk") {
    stack[4] = at(0) + 4096 * 16;
    CHECK(mos::x86_64::walk_frame_pointers(at(0), out, in_stack) == 2);
  }
  SUBCASE("a misaligned frame pointer ends the walk") {
    CHECK(mos::x86_64::walk_frame_pointers(at(0) + 1, out, in_stack) == 0);
  }
  SUBCASE("the output buffer bounds the walk") {
    CHECK(mos::x86_64::walk_frame_pointers(at(0), std::span(out, 2), in_stack) == 2);
  }
}
