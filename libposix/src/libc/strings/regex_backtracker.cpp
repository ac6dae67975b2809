// The backtracking matcher, for patterns with back-references (which no automaton can match).
// It explores every path from each start position in priority order and keeps the longest match,
// so it finds the same leftmost-longest match as the Pike VM would. Loop bodies that match empty
// are cut by the Mark/Progress registers, and the total work is bounded by kRegexBacktrackLimit.
#include "regex_program.hpp"

#include <posix/libc/ctype.hpp>

#include <new>

namespace mos::posix::libc {

namespace {

// A choice point (pc >= 0: resume at pc, pos) or a register to restore (pc < 0).
struct Frame {
  int pc;
  int slot;
  long value;  // pos, or the register's old value
};

class Backtracker {
 public:
  Backtracker(const RegexProgram& p, const Subject& s, long* regs, long* best) noexcept
      : p_(p), s_(s), regs_(regs), best_(best), slots_(2 * (p.groups + 1)) {}

  ~Backtracker() { delete[] stack_; }

  // Leftmost-longest from the first start position that matches; kRegOk, kRegNoMatch or
  // kRegESpace.
  int run() noexcept {
    int total = slots_ + p_.loop_registers;
    for (long start = s_.begin; start <= s_.end; ++start) {
      for (int i = 0; i < total; ++i) regs_[i] = -1;
      int status = from(start);
      if (status != kRegNoMatch) return status;
    }
    return kRegNoMatch;
  }

 private:
  bool push(Frame f) noexcept {
    if (top_ == capacity_) {
      int grown = capacity_ == 0 ? 256 : capacity_ * 2;
      auto* bigger = new (std::nothrow) Frame[grown];
      if (bigger == nullptr) return false;
      for (int i = 0; i < top_; ++i) bigger[i] = stack_[i];
      delete[] stack_;
      stack_ = bigger;
      capacity_ = grown;
    }
    stack_[top_++] = f;
    return true;
  }

  bool backref_matches(int group, long& pos) const noexcept {
    long so = regs_[2 * group];
    long eo = regs_[2 * group + 1];
    if (so < 0 || eo < 0) return false;
    long len = eo - so;
    if (pos + len > s_.end) return false;
    bool icase = (p_.cflags & kRegICase) != 0;
    for (long i = 0; i < len; ++i) {
      int a = static_cast<unsigned char>(s_.text[so + i]);
      int b = static_cast<unsigned char>(s_.text[pos + i]);
      if (icase ? to_lower(a) != to_lower(b) : a != b) return false;
    }
    pos += len;
    return true;
  }

  int from(long start) noexcept {
    bool found = false;
    top_ = 0;
    if (!push(Frame{0, 0, start})) return kRegESpace;
    while (top_ > 0) {
      Frame f = stack_[--top_];
      if (f.pc < 0) {
        regs_[f.slot] = f.value;
        continue;
      }
      int pc = f.pc;
      long pos = f.value;
      for (bool alive = true; alive;) {
        if (++steps_ > kRegexBacktrackLimit) return kRegESpace;
        const Instruction& in = p_.code[pc];
        switch (in.op) {
          case Op::Char:
          case Op::Any:
          case Op::Class:
            alive = s_.matches(in, p_.classes, pos);
            ++pc;
            ++pos;
            break;
          case Op::Split:
            if (!push(Frame{in.y, 0, pos})) return kRegESpace;
            pc = in.x;
            break;
          case Op::Jump:
            pc = in.x;
            break;
          case Op::Save:
          case Op::Mark: {
            int slot = in.op == Op::Save ? in.x : slots_ + in.x;
            if (!push(Frame{-1, slot, regs_[slot]})) return kRegESpace;
            regs_[slot] = pos;
            ++pc;
            break;
          }
          case Op::Progress:
            alive = regs_[slots_ + in.x] != pos;
            pc = in.y;
            break;
          case Op::Backref:
            alive = backref_matches(in.x, pos);
            ++pc;
            break;
          case Op::Match:
            if (!found || pos > best_[1]) {
              for (int i = 0; i < slots_; ++i) best_[i] = regs_[i];
              best_[1] = pos;
              found = true;
            }
            alive = false;
            break;
          default:
            alive = s_.at_assertion(in.op, pos);
            ++pc;
            break;
        }
      }
    }
    return found ? kRegOk : kRegNoMatch;
  }

  const RegexProgram& p_;
  const Subject& s_;
  long* regs_;
  long* best_;
  int slots_;
  Frame* stack_ = nullptr;
  int top_ = 0;
  int capacity_ = 0;
  long steps_ = 0;
};

}  // namespace

int run_backtracker(const RegexProgram& p, const char* subject, long begin, long end,
                    std::size_t count, RegexMatch* match, int eflags) noexcept {
  int slots = 2 * (p.groups + 1);
  auto* regs = new (std::nothrow) long[slots + p.loop_registers];
  auto* best = new (std::nothrow) long[slots];
  int status = kRegESpace;
  if (regs != nullptr && best != nullptr) {
    Subject s{subject, begin, end, p.cflags, eflags};
    Backtracker b(p, s, regs, best);
    status = b.run();
  }
  if (status == kRegOk) {
    for (std::size_t i = 0; i < count; ++i) {
      bool have =
          i < static_cast<std::size_t>(slots / 2) && best[2 * i] >= 0 && best[2 * i + 1] >= 0;
      match[i].rm_so = have ? best[2 * i] : -1;
      match[i].rm_eo = have ? best[2 * i + 1] : -1;
    }
  }
  delete[] regs;
  delete[] best;
  return status;
}

}  // namespace mos::posix::libc
