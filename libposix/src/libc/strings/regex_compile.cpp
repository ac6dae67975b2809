// regcomp, regfree, regerror and regexec's dispatch: the syntax tree becomes a program of
// instructions (a Thompson construction with capture and loop-guard instructions).
#include "regex_parse.hpp"
#include "regex_program.hpp"

#include <posix/libc/ctype.hpp>

#include <k/string.hpp>

#include <new>

namespace mos::posix::libc {

namespace {

class Compiler {
 public:
  Compiler(const SyntaxTree& tree, Instruction* code) noexcept : tree_(tree), code_(code) {}

  // Instructions `node` compiles to, saturating just above kMaxInstructions.
  long long size(int n) const noexcept {
    long long total = 0;
    while (n >= 0) {
      const Node& node = tree_.nodes[n];
      if (node.kind == NodeKind::Concat || node.kind == NodeKind::Alternate) {
        total += size(node.left) + (node.kind == NodeKind::Alternate ? 2 : 0);
        n = node.right;
        if (total > kMaxInstructions) return kMaxInstructions + 1;
        continue;
      }
      total += leaf_size(node);
      break;
    }
    return total > kMaxInstructions ? kMaxInstructions + 1 : total;
  }

  void emit(int n) noexcept {
    int pending_jumps = -1;  // a chain through Jump.x of the alternatives' exits
    while (n >= 0) {
      const Node& node = tree_.nodes[n];
      if (node.kind == NodeKind::Concat) {
        emit(node.left);
        n = node.right;
        continue;
      }
      if (node.kind == NodeKind::Alternate) {
        int split = put(Op::Split, length_ + 1, 0);
        emit(node.left);
        pending_jumps = put(Op::Jump, pending_jumps, 0);
        code_[split].y = length_;
        n = node.right;
        continue;
      }
      emit_leaf(node);
      break;
    }
    while (pending_jumps >= 0) {
      int next = code_[pending_jumps].x;
      code_[pending_jumps].x = length_;
      pending_jumps = next;
    }
  }

  int length() const noexcept { return length_; }
  int loop_registers() const noexcept { return loops_; }
  int put(Op op, int x, int y) noexcept {
    code_[length_] = Instruction{op, x, y};
    return length_++;
  }

 private:
  long long leaf_size(const Node& node) const noexcept {
    switch (node.kind) {
      case NodeKind::Empty:
        return 0;
      case NodeKind::Group:
        return size(node.left) + 2;
      case NodeKind::Repeat: {
        long long child = size(node.left);
        long long total = node.min * child;
        total += node.max < 0 ? child + 3 : (node.max - node.min) * (child + 1);
        return total;
      }
      default:
        return 1;
    }
  }

  void emit_leaf(const Node& node) noexcept {
    switch (node.kind) {
      case NodeKind::Empty:
        return;
      case NodeKind::Char:
        put(Op::Char, node.value, 0);
        return;
      case NodeKind::Any:
        put(Op::Any, 0, 0);
        return;
      case NodeKind::Class:
        put(Op::Class, node.value, 0);
        return;
      case NodeKind::Assert:
        put(node.assertion, 0, 0);
        return;
      case NodeKind::Backref:
        put(Op::Backref, node.value, 0);
        return;
      case NodeKind::Group:
        put(Op::Save, 2 * node.value, 0);
        emit(node.left);
        put(Op::Save, 2 * node.value + 1, 0);
        return;
      case NodeKind::Repeat:
        emit_repeat(node);
        return;
      default:
        return;
    }
  }

  void emit_repeat(const Node& node) noexcept {
    for (int i = 0; i < node.min; ++i) emit(node.left);
    if (node.max < 0) {
      // loop: Split body, out; body: Mark r; child; Progress r -> loop; out:
      int loop = put(Op::Split, length_ + 1, 0);
      int reg = loops_++;
      put(Op::Mark, reg, 0);
      emit(node.left);
      put(Op::Progress, reg, loop);
      code_[loop].y = length_;
      return;
    }
    // Optional copies, nested: Split a, out; a: child; Split b, out; b: child; ... out:
    int splits = -1;  // chained through Split.y
    for (int i = node.min; i < node.max; ++i) {
      splits = put(Op::Split, length_ + 1, splits);
      emit(node.left);
    }
    while (splits >= 0) {
      int next = code_[splits].y;
      code_[splits].y = length_;
      splits = next;
    }
  }

  const SyntaxTree& tree_;
  Instruction* code_;
  int length_ = 0;
  int loops_ = 0;
};

// glibc's messages, indexed by RegexStatus.
constexpr const char* kMessages[] = {
    "Success",
    "No match",
    "Invalid regular expression",
    "Invalid collation character",
    "Invalid character class name",
    "Trailing backslash",
    "Invalid back reference",
    "Unmatched [, [^, [:, [., or [=",
    "Unmatched ( or \\(",
    "Unmatched \\{",
    "Invalid content of \\{\\}",
    "Invalid range end",
    "Memory exhausted",
    "Invalid preceding regular expression",
    "Premature end of regular expression",
    "Regular expression too big",
    "Unmatched ) or \\)",
};

template <class T>
T* allocate(long count) noexcept {
  return new (std::nothrow) T[count > 0 ? count : 1];
}

}  // namespace

int regcomp(RegexProgram*& out, std::size_t& groups, const char* pattern, int cflags) noexcept {
  out = nullptr;
  long len = static_cast<long>(string_length(pattern));
  SyntaxTree tree{};
  tree.node_capacity = static_cast<int>(4 * len + 8);
  tree.class_capacity = static_cast<int>(len + 8);
  tree.nodes = allocate<Node>(tree.node_capacity);
  tree.classes = allocate<ByteClass>(tree.class_capacity);
  int status = kRegESpace;
  RegexProgram* program = nullptr;
  if (tree.nodes != nullptr && tree.classes != nullptr) {
    status = parse_regex(pattern, cflags, tree);
  }
  if (status == kRegOk) {
    Compiler sizer(tree, nullptr);
    long long body = sizer.size(tree.root);
    long long total = body + 3;  // Save 0, body, Save 1, Match
    program = new (std::nothrow) RegexProgram{};
    if (total > kMaxInstructions || program == nullptr) {
      status = kRegESpace;
    } else {
      program->code = allocate<Instruction>(static_cast<long>(total));
      program->classes = allocate<ByteClass>(tree.class_count);
      if (program->code == nullptr || program->classes == nullptr) status = kRegESpace;
    }
  }
  if (status == kRegOk) {
    Compiler compiler(tree, program->code);
    compiler.put(Op::Save, 0, 0);
    compiler.emit(tree.root);
    compiler.put(Op::Save, 1, 0);
    compiler.put(Op::Match, 0, 0);
    program->length = compiler.length();
    for (int i = 0; i < tree.class_count; ++i) program->classes[i] = tree.classes[i];
    program->class_count = tree.class_count;
    program->groups = tree.groups;
    program->loop_registers = compiler.loop_registers();
    program->cflags = cflags;
    program->has_backrefs = tree.has_backrefs;
    groups = static_cast<std::size_t>(tree.groups);
    out = program;
  } else {
    regfree(program);
  }
  delete[] tree.nodes;
  delete[] tree.classes;
  return status;
}

void regfree(RegexProgram* program) noexcept {
  if (program == nullptr) return;
  delete[] program->code;
  delete[] program->classes;
  delete program;
}

std::size_t regerror(int status, char* buffer, std::size_t size) noexcept {
  constexpr int kCount = sizeof(kMessages) / sizeof(kMessages[0]);
  const char* message = status >= 0 && status < kCount ? kMessages[status] : "Unknown error";
  std::size_t len = string_length(message);
  if (size > 0) {
    std::size_t n = len < size - 1 ? len : size - 1;
    memory_copy(buffer, message, n);
    buffer[n] = '\0';
  }
  return len + 1;
}

int regexec(const RegexProgram* program, const char* subject, std::size_t count, RegexMatch* match,
            int eflags) noexcept {
  if (program == nullptr) return kRegBadPat;
  long begin = 0;
  long end;
  if ((eflags & kRegStartEnd) != 0) {
    begin = match[0].rm_so;
    end = match[0].rm_eo;
  } else {
    end = static_cast<long>(string_length(subject));
  }
  if ((program->cflags & kRegNoSub) != 0) count = 0;
  if (program->has_backrefs) {
    return run_backtracker(*program, subject, begin, end, count, match, eflags);
  }
  return run_pike_vm(*program, subject, begin, end, count, match, eflags);
}

namespace {

bool is_word(int c) noexcept {
  return is_alnum(c) || c == '_';
}

}  // namespace

bool Subject::at_assertion(Op op, long pos) const noexcept {
  const bool newline = (cflags & kRegNewline) != 0;
  int before = pos > begin ? static_cast<unsigned char>(text[pos - 1]) : -1;
  int after = pos < end ? static_cast<unsigned char>(text[pos]) : -1;
  bool word_before = before >= 0 && is_word(before);
  bool word_after = after >= 0 && is_word(after);
  switch (op) {
    case Op::LineStart:
      return (pos == begin && (eflags & kRegNotBol) == 0) || (newline && before == '\n');
    case Op::LineEnd:
      return (pos == end && (eflags & kRegNotEol) == 0) || (newline && after == '\n');
    case Op::WordBoundary:
      return word_before != word_after;
    case Op::NotWordBoundary:
      return word_before == word_after;
    case Op::WordStart:
      return !word_before && word_after;
    case Op::WordEnd:
      return word_before && !word_after;
    case Op::BufferStart:
      return pos == begin;
    case Op::BufferEnd:
      return pos == end;
    default:
      return false;
  }
}

bool Subject::matches(const Instruction& in, const ByteClass* classes, long pos) const noexcept {
  if (pos >= end) return false;
  int c = static_cast<unsigned char>(text[pos]);
  switch (in.op) {
    case Op::Char:
      return c == in.x;
    case Op::Any:
      return c != '\n' || (cflags & kRegNewline) == 0;
    case Op::Class:
      return classes[in.x].has(c);
    default:
      return false;
  }
}

}  // namespace mos::posix::libc
