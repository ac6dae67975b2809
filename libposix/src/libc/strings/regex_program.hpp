#pragma once
// The compiled form of a regular expression: instructions for the Pike VM and the backtracker,
// and the syntax tree the parser builds first.

#include <posix/libc/regex.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::posix::libc {

/// 256-bit byte set for bracket expressions (and letters under kRegICase).
struct ByteClass {
  std::uint64_t bits[4] = {};
  void add(int c) noexcept { bits[c >> 6] |= std::uint64_t{1} << (c & 63); }
  bool has(int c) const noexcept { return (bits[c >> 6] >> (c & 63)) & 1; }
  void invert() noexcept {
    for (auto& b : bits) b = ~b;
  }
};

enum class Op : std::uint8_t {
  Char,       // x: the byte
  Any,        // any byte (but '\n' under kRegNewline)
  Class,      // x: index of a ByteClass
  Split,      // try x, then y
  Jump,       // to x
  Save,       // capture slot x = position
  Mark,       // loop register x = position (backtracker only; a no-op in the Pike VM)
  Progress,   // fail if loop register x == position (the loop body matched empty), else jump y
  LineStart,  // ^
  LineEnd,    // $
  WordBoundary,
  NotWordBoundary,
  WordStart,
  WordEnd,
  BufferStart,  // \`
  BufferEnd,    // \'
  Backref,      // x: group number
  Match,
};

struct Instruction {
  Op op;
  int x;
  int y;
};

/// Syntax tree node kinds.
enum class NodeKind : std::uint8_t {
  Empty,
  Char,
  Any,
  Class,
  Concat,
  Alternate,
  Group,
  Repeat,
  Assert,
  Backref
};

struct Node {
  NodeKind kind;
  Op assertion;  // for Assert
  int value;     // Char: byte; Class: class index; Group: group number; Backref: group
  int left;      // Concat/Alternate: left; Group/Repeat: child
  int right;     // Concat/Alternate: right
  int min;       // Repeat
  int max;       // Repeat; -1 for no upper bound
};

/// Largest program regcomp builds (kRegESpace beyond): bounds regexec's memory.
inline constexpr int kMaxInstructions = 1 << 16;
/// Largest repetition count ({m,n}), glibc's RE_DUP_MAX.
inline constexpr int kMaxRepeat = 0x7fff;

}  // namespace mos::posix::libc

/// The definition of the opaque type of regex.hpp.
struct mos::posix::libc::RegexProgram {
  Instruction* code;
  int length;
  ByteClass* classes;
  int class_count;
  int groups;          // parenthesised subexpressions
  int loop_registers;  // Mark/Progress registers
  int cflags;
  bool has_backrefs;
};

namespace mos::posix::libc {

/// Runs the Pike VM; see regexec for the contract.
int run_pike_vm(const RegexProgram& p, const char* subject, long begin, long end, std::size_t count,
                RegexMatch* match, int eflags) noexcept;
/// Runs the backtracking matcher (programs with back-references).
int run_backtracker(const RegexProgram& p, const char* subject, long begin, long end,
                    std::size_t count, RegexMatch* match, int eflags) noexcept;

/// What both matchers need to evaluate assertions at a position.
struct Subject {
  const char* text;
  long begin;  // the first position (offsets are absolute in text)
  long end;
  int cflags;
  int eflags;

  bool at_assertion(Op op, long pos) const noexcept;
  bool matches(const Instruction& in, const ByteClass* classes, long pos) const noexcept;
};

}  // namespace mos::posix::libc
