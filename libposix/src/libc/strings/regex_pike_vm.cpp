// The Pike VM: every thread of the NFA advances in lock step over the subject, one position at a
// time, so time is O(program * subject). Threads are kept in priority order; a thread's captures
// travel with it. Leftmost-longest: threads are ordered by start position (earlier first), a
// match cuts the threads that started later, and a longer match from the same start replaces a
// shorter one.
#include "regex_program.hpp"

#include <initializer_list>
#include <new>

namespace mos::posix::libc {

namespace {

// A set of threads (pc plus capture slots), at most one per pc, in insertion order.
struct ThreadList {
  int* pcs;
  long* caps;
  int* sparse;  // pc -> index in pcs, valid when pcs[sparse[pc]] == pc
  int count;
  int slots;

  bool contains(int pc) const noexcept {
    auto i = static_cast<unsigned>(sparse[pc]);  // may be stale garbage: checked below
    return i < static_cast<unsigned>(count) && pcs[i] == pc;
  }
  long* add(int pc) noexcept {
    sparse[pc] = count;
    pcs[count] = pc;
    return caps + static_cast<long>(count++) * slots;
  }
};

// Exploration stack of add_thread: a pc to follow, or a capture slot to restore.
struct Job {
  int pc;  // -1: restore
  int slot;
  long value;
};

class PikeVm {
 public:
  PikeVm(const RegexProgram& p, const Subject& s, int slots, unsigned char* memory) noexcept
      : p_(p), s_(s), slots_(slots) {
    auto take = [&memory](std::size_t bytes) {
      unsigned char* at = memory;
      memory += (bytes + 15) & ~std::size_t{15};
      return at;
    };
    for (ThreadList* list : {&a_, &b_}) {
      list->pcs = reinterpret_cast<int*>(take(sizeof(int) * p.length));
      list->sparse = reinterpret_cast<int*>(take(sizeof(int) * p.length));
      list->caps = reinterpret_cast<long*>(take(sizeof(long) * p.length * slots));
      list->count = 0;
      list->slots = slots;
    }
    stack_ = reinterpret_cast<Job*>(take(sizeof(Job) * 2 * p.length));
    scratch_ = reinterpret_cast<long*>(take(sizeof(long) * slots));
    best_ = reinterpret_cast<long*>(take(sizeof(long) * slots));
  }

  static std::size_t memory_needed(const RegexProgram& p, int slots) noexcept {
    std::size_t n = p.length;
    auto round = [](std::size_t bytes) { return (bytes + 15) & ~std::size_t{15}; };
    return 2 * (2 * round(sizeof(int) * n) + round(sizeof(long) * n * slots)) +
           round(sizeof(Job) * 2 * n) + 2 * round(sizeof(long) * slots);
  }

  bool run() noexcept {
    ThreadList* current = &a_;
    ThreadList* next = &b_;
    current->count = 0;
    for (long pos = s_.begin;; ++pos) {
      if (!matched_) {
        for (int i = 0; i < slots_; ++i) scratch_[i] = -1;
        add_thread(*current, 0, scratch_, pos);
      }
      if (current->count == 0) break;
      next->count = 0;
      for (int i = 0; i < current->count; ++i) {
        const Instruction& in = p_.code[current->pcs[i]];
        if (in.op != Op::Match && in.op != Op::Char && in.op != Op::Any && in.op != Op::Class) {
          continue;  // passed through on the way to a waiting thread; holds no captures
        }
        long* caps = current->caps + static_cast<long>(i) * slots_;
        if (matched_ && caps[0] > best_[0]) break;  // started later than the match: cut
        if (in.op == Op::Match) {
          if (!matched_ || caps[0] < best_[0] || (caps[0] == best_[0] && pos > best_[1])) {
            for (int k = 0; k < slots_; ++k) best_[k] = caps[k];
            best_[1] = pos;
            matched_ = true;
          }
          continue;
        }
        if (s_.matches(in, p_.classes, pos)) add_thread(*next, current->pcs[i] + 1, caps, pos + 1);
      }
      ThreadList* t = current;
      current = next;
      next = t;
      if (pos >= s_.end) break;
    }
    return matched_;
  }

  const long* best() const noexcept { return best_; }

 private:
  // Follows the non-consuming instructions from pc, adding the threads that wait on input (or
  // match) to `list`, in priority order.
  void add_thread(ThreadList& list, int pc0, const long* caps0, long pos) noexcept {
    long* caps = scratch_;
    if (caps != caps0) {
      for (int i = 0; i < slots_; ++i) caps[i] = caps0[i];
    }
    int top = 0;
    stack_[top++] = Job{pc0, 0, 0};
    while (top > 0) {
      Job job = stack_[--top];
      if (job.pc < 0) {
        caps[job.slot] = job.value;
        continue;
      }
      int pc = job.pc;
      for (;;) {
        if (list.contains(pc)) break;
        long* entry = list.add(pc);
        const Instruction& in = p_.code[pc];
        bool stop = false;
        switch (in.op) {
          case Op::Split:
            stack_[top++] = Job{in.y, 0, 0};
            pc = in.x;
            break;
          case Op::Jump:
            pc = in.x;
            break;
          case Op::Progress:
            pc = in.y;
            break;
          case Op::Mark:
            ++pc;
            break;
          case Op::Save:
            if (in.x < slots_) {
              stack_[top++] = Job{-1, in.x, caps[in.x]};
              caps[in.x] = pos;
            }
            ++pc;
            break;
          case Op::LineStart:
          case Op::LineEnd:
          case Op::WordBoundary:
          case Op::NotWordBoundary:
          case Op::WordStart:
          case Op::WordEnd:
          case Op::BufferStart:
          case Op::BufferEnd:
            if (s_.at_assertion(in.op, pos)) {
              ++pc;
            } else {
              stop = true;
            }
            break;
          default:  // consumes input, or Match: the thread waits here with its captures
            for (int i = 0; i < slots_; ++i) entry[i] = caps[i];
            stop = true;
            break;
        }
        if (stop) break;
      }
    }
  }

  const RegexProgram& p_;
  const Subject& s_;
  int slots_;
  ThreadList a_{};
  ThreadList b_{};
  Job* stack_;
  long* scratch_;
  long* best_;
  bool matched_ = false;
};

}  // namespace

int run_pike_vm(const RegexProgram& p, const char* subject, long begin, long end, std::size_t count,
                RegexMatch* match, int eflags) noexcept {
  std::size_t wanted = count < static_cast<std::size_t>(p.groups) + 1 ? count : p.groups + 1;
  int slots = static_cast<int>(wanted < 1 ? 2 : 2 * wanted);
  std::size_t bytes = PikeVm::memory_needed(p, slots);
  auto* memory = new (std::nothrow) unsigned char[bytes];
  if (memory == nullptr) return kRegESpace;
  Subject s{subject, begin, end, p.cflags, eflags};
  PikeVm vm(p, s, slots, memory);
  bool found = vm.run();
  if (found) {
    const long* best = vm.best();
    for (std::size_t i = 0; i < count; ++i) {
      bool have = i < wanted && best[2 * i] >= 0 && best[2 * i + 1] >= 0;
      match[i].rm_so = have ? best[2 * i] : -1;
      match[i].rm_eo = have ? best[2 * i + 1] : -1;
    }
  }
  delete[] memory;
  return found ? kRegOk : kRegNoMatch;
}

}  // namespace mos::posix::libc
