// Recursive descent over POSIX's grammar. Sequences and alternatives are built right-leaning so
// that the compiler can walk them iteratively (recursion depth is bounded by nesting only).
#include "regex_parse.hpp"

#include <posix/libc/ctype.hpp>

#include <k/string.hpp>

namespace mos::posix::libc {

namespace {

// Parentheses and stacked repetitions nest at most this deep (kRegESpace beyond), which bounds
// the recursion of the parser and the compiler.
constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(const char* pattern, int cflags, SyntaxTree& tree) noexcept
      : p_(pattern), cflags_(cflags), ere_((cflags & kRegExtended) != 0), tree_(tree) {}

  int run() noexcept {
    int root = alternation(0);
    if (error_ == kRegOk && *p_ != '\0') error_ = ere_ ? kRegBadPat : kRegEParen;
    tree_.root = root;
    tree_.groups = groups_;
    return error_;
  }

 private:
  int fail(int code) noexcept {
    if (error_ == kRegOk) error_ = code;
    return -1;
  }

  int node(NodeKind kind, int value = 0, int left = -1, int right = -1) noexcept {
    if (tree_.node_count == tree_.node_capacity) return fail(kRegESpace);
    Node& n = tree_.nodes[tree_.node_count];
    n = Node{kind, Op::Match, value, left, right, 0, 0};
    return tree_.node_count++;
  }

  int new_class(int& index) noexcept {
    if (tree_.class_count == tree_.class_capacity) return fail(kRegESpace);
    index = tree_.class_count++;
    tree_.classes[index] = ByteClass{};
    return 0;
  }

  bool icase() const noexcept { return (cflags_ & kRegICase) != 0; }

  // Appends `item` to a right-leaning chain of `kind` nodes.
  struct Chain {
    int head = -1;
    int tail = -1;  // the last chain node, whose right is the last item
  };
  void append(Chain& chain, NodeKind kind, int item) noexcept {
    if (chain.head < 0) {
      chain.head = item;
    } else if (chain.tail < 0) {
      chain.head = chain.tail = node(kind, 0, chain.head, item);
    } else {
      int link = node(kind, 0, tree_.nodes[chain.tail].right, item);
      if (link < 0) return;
      tree_.nodes[chain.tail].right = link;
      chain.tail = link;
    }
  }

  bool at_bar() const noexcept { return ere_ ? *p_ == '|' : (p_[0] == '\\' && p_[1] == '|'); }
  bool at_close() const noexcept { return ere_ ? *p_ == ')' : (p_[0] == '\\' && p_[1] == ')'); }

  int alternation(int depth) noexcept {
    if (depth > kMaxDepth) return fail(kRegESpace);
    Chain chain;
    append(chain, NodeKind::Alternate, branch(depth));
    while (error_ == kRegOk && at_bar()) {
      p_ += ere_ ? 1 : 2;
      append(chain, NodeKind::Alternate, branch(depth));
    }
    return chain.head;
  }

  int branch(int depth) noexcept {
    Chain chain;
    // BRE context: '^' is an anchor only at the start of a branch; '*' is an ordinary character
    // there and right after that leading '^'.
    bool start = true;
    bool star_literal = true;
    while (error_ == kRegOk && *p_ != '\0' && !at_bar()) {
      if (at_close() && (depth > 0 || !ere_)) break;
      bool was_anchor = false;
      int atom_node = atom(start, star_literal, was_anchor);
      if (error_ != kRegOk) return -1;
      // A BRE's leading '^' takes no repetition: a '*' after it is an ordinary character.
      if (!(was_anchor && start && !ere_)) {
        atom_node = quantifiers(atom_node, depth);
      }
      append(chain, NodeKind::Concat, atom_node);
      star_literal = !ere_ && was_anchor && start;
      start = false;
    }
    if (chain.head < 0) return node(NodeKind::Empty);
    return chain.head;
  }

  bool at_quantifier() const noexcept {
    if (*p_ == '*') return true;
    if (ere_) return *p_ == '+' || *p_ == '?' || *p_ == '{';
    return p_[0] == '\\' && (p_[1] == '+' || p_[1] == '?' || p_[1] == '{');
  }

  int number() noexcept {
    if (!is_digit(static_cast<unsigned char>(*p_))) return -1;
    int value = 0;
    while (is_digit(static_cast<unsigned char>(*p_))) {
      if (value <= kMaxRepeat) value = value * 10 + (*p_ - '0');
      ++p_;
    }
    return value;
  }

  // {m}, {m,}, {m,n} or {,n}; p_ is after the opening brace.
  bool interval(int& min, int& max) noexcept {
    min = number();
    max = min;
    if (*p_ == ',') {
      ++p_;
      max = number();  // -1: no upper bound
      if (min < 0) min = 0;
    }
    bool closed = ere_ ? *p_ == '}' : (p_[0] == '\\' && p_[1] == '}');
    if (!closed) {
      // Distinguish a missing brace from bad contents, as glibc does.
      const char* q = p_;
      while (*q != '\0' && *q != '}') ++q;
      fail(*q == '\0' ? kRegEBrace : kRegBadBr);
      return false;
    }
    p_ += ere_ ? 1 : 2;
    if (min < 0 || (max >= 0 && max < min)) {
      fail(kRegBadBr);
      return false;
    }
    if (min > kMaxRepeat || max > kMaxRepeat) {
      fail(kRegESize);
      return false;
    }
    return true;
  }

  int quantifiers(int atom_node, int depth) noexcept {
    bool repeated = false;
    while (error_ == kRegOk && at_quantifier()) {
      if (++depth > kMaxDepth) return fail(kRegESpace);
      // glibc: an ERE anchor cannot be repeated; in a BRE, '*' and \{ cannot follow another
      // repetition (\+ and \? can).
      if (ere_ && tree_.nodes[atom_node].kind == NodeKind::Assert) return fail(kRegBadRpt);
      if (!ere_ && repeated && (*p_ == '*' || p_[1] == '{')) return fail(kRegBadRpt);
      repeated = true;
      int min = 0;
      int max = -1;
      char c = *p_ == '\\' ? p_[1] : *p_;
      p_ += *p_ == '\\' ? 2 : 1;
      if (c == '+') {
        min = 1;
      } else if (c == '?') {
        max = 1;
      } else if (c == '{') {
        if (!interval(min, max)) return -1;
      }
      int r = node(NodeKind::Repeat, 0, atom_node);
      if (r < 0) return -1;
      tree_.nodes[r].min = min;
      tree_.nodes[r].max = max;
      atom_node = r;
    }
    return atom_node;
  }

  int literal(int c) noexcept {
    if (icase() && is_alpha(c)) {
      int index;
      if (new_class(index) < 0) return -1;
      tree_.classes[index].add(to_lower(c));
      tree_.classes[index].add(to_upper(c));
      return node(NodeKind::Class, index);
    }
    return node(NodeKind::Char, c);
  }

  int assertion(Op op) noexcept {
    int n = node(NodeKind::Assert);
    if (n >= 0) tree_.nodes[n].assertion = op;
    return n;
  }

  int class_node(CharClass cls, bool negate) noexcept {
    int index;
    if (new_class(index) < 0) return -1;
    ByteClass& set = tree_.classes[index];
    for (int c = 0; c < 256; ++c) {
      if (in_class(cls, c) || (cls == CharClass::Alnum && c == '_')) set.add(c);
    }
    if (negate) set.invert();
    return node(NodeKind::Class, index);
  }

  // `$` is an anchor in a BRE only at the end of the pattern, a group or an alternative.
  bool bre_dollar_is_anchor() const noexcept {
    const char* q = p_ + 1;
    return *q == '\0' || (q[0] == '\\' && (q[1] == ')' || q[1] == '|'));
  }

  int atom(bool start, bool star_literal, bool& was_anchor) noexcept {
    char c = *p_;
    if (ere_ && (c == '*' || c == '+' || c == '?' || c == '{')) return fail(kRegBadRpt);
    if (!ere_ && c == '*' && star_literal) {
      ++p_;
      return literal('*');
    }
    if (!ere_ && c == '\\' && p_[1] == '{' && star_literal) return fail(kRegBadRpt);
    if (!ere_ && c == '\\' && (p_[1] == '+' || p_[1] == '?') && start) {
      p_ += 2;
      return literal(p_[-1]);  // nothing to repeat yet: an ordinary character, as in glibc
    }
    if (c == '^' && (ere_ || start)) {
      ++p_;
      was_anchor = true;
      return assertion(Op::LineStart);
    }
    if (c == '$' && (ere_ || bre_dollar_is_anchor())) {
      ++p_;
      return assertion(Op::LineEnd);
    }
    if (c == '.') {
      ++p_;
      return node(NodeKind::Any);
    }
    if (c == '[') {
      ++p_;
      return bracket();
    }
    if (ere_ && c == '(') {
      ++p_;
      return group();
    }
    if (c == '\\') return escape();
    ++p_;
    return literal(static_cast<unsigned char>(c));
  }

  int group() noexcept {
    int number = ++groups_;
    if (depth_ + 1 > kMaxDepth) return fail(kRegESpace);
    ++depth_;
    int child = alternation(depth_);
    --depth_;
    if (error_ != kRegOk) return -1;
    if (!at_close()) return fail(kRegEParen);
    p_ += ere_ ? 1 : 2;
    closed_groups_ |= number < 64 ? std::uint64_t{1} << number : 0;
    return node(NodeKind::Group, number, child);
  }

  int escape() noexcept {
    char c = p_[1];
    if (c == '\0') return fail(kRegEEscape);
    p_ += 2;
    if (!ere_ && c == '(') return group();
    if (c >= '1' && c <= '9') {
      int n = c - '0';
      if (n > groups_ || ((closed_groups_ >> n) & 1) == 0) return fail(kRegESubReg);
      tree_.has_backrefs = true;
      return node(NodeKind::Backref, n);
    }
    switch (c) {
      case 'w':
        return class_node(CharClass::Alnum, false);
      case 'W':
        return class_node(CharClass::Alnum, true);
      case 's':
        return class_node(CharClass::Space, false);
      case 'S':
        return class_node(CharClass::Space, true);
      case 'b':
        return assertion(Op::WordBoundary);
      case 'B':
        return assertion(Op::NotWordBoundary);
      case '<':
        return assertion(Op::WordStart);
      case '>':
        return assertion(Op::WordEnd);
      case '`':
        return assertion(Op::BufferStart);
      case '\'':
        return assertion(Op::BufferEnd);
      default:
        return literal(static_cast<unsigned char>(c));
    }
  }

  // One element of a bracket expression: a byte (lo == hi), or a class (is_class).
  bool bracket_element(int& value, bool& is_class, CharClass& cls) noexcept {
    is_class = false;
    if (p_[0] == '[' && (p_[1] == ':' || p_[1] == '.' || p_[1] == '=')) {
      char kind = p_[1];
      const char* name = p_ + 2;
      const char* q = name;
      while (*q != '\0' && !(q[0] == kind && q[1] == ']')) ++q;
      if (*q == '\0') {
        fail(kRegEBrack);
        return false;
      }
      auto length = static_cast<unsigned long>(q - name);
      p_ = q + 2;
      if (kind == ':') {
        if (!char_class_from_name(name, length, cls)) {
          fail(kRegECtype);
          return false;
        }
        is_class = true;
        return true;
      }
      if (length != 1) {
        fail(kRegECollate);
        return false;
      }
      value = static_cast<unsigned char>(*name);
      return true;
    }
    if (*p_ == '\0') {
      fail(kRegEBrack);
      return false;
    }
    value = static_cast<unsigned char>(*p_++);
    return true;
  }

  int bracket() noexcept {
    int index;
    if (new_class(index) < 0) return -1;
    ByteClass set;
    bool negate = *p_ == '^';
    if (negate) ++p_;
    if (*p_ == '\0') return fail(kRegBadPat);  // glibc: the pattern ends right after '['
    bool first = true;
    while (first || *p_ != ']') {
      if (*p_ == '\0') return fail(kRegEBrack);
      first = false;
      int lo = 0;
      bool is_class = false;
      CharClass cls{};
      if (!bracket_element(lo, is_class, cls)) return -1;
      if (is_class) {
        for (int c = 0; c < 256; ++c) {
          if (in_class(cls, c)) set.add(c);
        }
        if (*p_ == '-' && p_[1] != ']') return fail(kRegERange);
        continue;
      }
      int hi = lo;
      if (p_[0] == '-' && p_[1] != ']' && p_[1] != '\0') {
        ++p_;
        if (!bracket_element(hi, is_class, cls)) return -1;
        if (is_class || hi < lo) return fail(kRegERange);
      }
      for (int c = lo; c <= hi; ++c) set.add(c);
    }
    ++p_;
    if (icase()) {
      for (int c = 0; c < 256; ++c) {
        if (set.has(c)) {
          set.add(to_lower(c));
          set.add(to_upper(c));
        }
      }
    }
    if (negate) {
      set.invert();
      if ((cflags_ & kRegNewline) != 0) set.bits['\n' >> 6] &= ~(std::uint64_t{1} << ('\n' & 63));
    }
    tree_.classes[index] = set;
    return node(NodeKind::Class, index);
  }

  const char* p_;
  int cflags_;
  bool ere_;
  SyntaxTree& tree_;
  int error_ = kRegOk;
  int groups_ = 0;
  int depth_ = 0;
  std::uint64_t closed_groups_ = 0;  // back-references reach \1..\9 only
};

}  // namespace

int parse_regex(const char* pattern, int cflags, SyntaxTree& tree) noexcept {
  tree.node_count = 0;
  tree.class_count = 0;
  tree.has_backrefs = false;
  Parser parser(pattern, cflags, tree);
  return parser.run();
}

}  // namespace mos::posix::libc
