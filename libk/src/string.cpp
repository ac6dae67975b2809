// Built with -fno-builtin and -fno-tree-loop-distribute-patterns (see libk/meson.build): without
// them the compiler would turn these loops back into calls to memcpy/memset, which in the
// freestanding build are these very functions.
#include <k/string.hpp>

#include <cstdint>

namespace mos {
namespace {

using Word = std::uintptr_t;
constexpr std::size_t kWord = sizeof(Word);

bool word_aligned(const void* p) noexcept {
  return (reinterpret_cast<std::uintptr_t>(p) & (kWord - 1)) == 0;
}

// Word accesses through a may_alias type so that copying bytes of any type is defined.
using AliasWord [[gnu::may_alias]] = Word;
// A word at any address: a packed struct's member may be unaligned, and the compiler reads it
// with one load where the machine allows.
struct [[gnu::packed, gnu::may_alias]] UnalignedWord {
  Word value;
};

}  // namespace

void* memory_copy(void* dest, const void* src, std::size_t n) noexcept {
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  if (n >= 2 * kWord) {
    // Align the destination, then copy whole words, eight at a time while there are (a cache
    // line: fewer loop steps per byte, which matters for the 64 KiB copies of pipes and
    // channels). The source may stay unaligned: it is read through a 1-aligned word type, which
    // the compiler reads in one load where the machine allows it and in pieces where not.
    while (!word_aligned(d)) {
      *d++ = *s++;
      --n;
    }
    auto* dw = reinterpret_cast<AliasWord*>(d);
    const auto* sw = reinterpret_cast<const UnalignedWord*>(s);
    for (; n >= 8 * kWord; n -= 8 * kWord, dw += 8, sw += 8) {
      const Word w0 = sw[0].value, w1 = sw[1].value, w2 = sw[2].value, w3 = sw[3].value;
      const Word w4 = sw[4].value, w5 = sw[5].value, w6 = sw[6].value, w7 = sw[7].value;
      dw[0] = w0, dw[1] = w1, dw[2] = w2, dw[3] = w3;
      dw[4] = w4, dw[5] = w5, dw[6] = w6, dw[7] = w7;
    }
    for (; n >= kWord; n -= kWord) *dw++ = (sw++)->value;
    d = reinterpret_cast<unsigned char*>(dw);
    s = reinterpret_cast<const unsigned char*>(sw);
  }
  while (n-- > 0) *d++ = *s++;
  return dest;
}

void* memory_move(void* dest, const void* src, std::size_t n) noexcept {
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d == s || n == 0) return dest;
  // Forward copy is safe unless the destination starts inside the source.
  if (reinterpret_cast<std::uintptr_t>(d) - reinterpret_cast<std::uintptr_t>(s) >= n) {
    return memory_copy(dest, src, n);
  }
  d += n;
  s += n;
  while (n-- > 0) *--d = *--s;
  return dest;
}

void* memory_set(void* dest, int value, std::size_t n) noexcept {
  auto* d = static_cast<unsigned char*>(dest);
  auto byte = static_cast<unsigned char>(value);
  if (n >= 2 * kWord) {
    while (!word_aligned(d)) {
      *d++ = byte;
      --n;
    }
    Word pattern = static_cast<Word>(byte) * (~Word{0} / 0xff);
    for (; n >= kWord; n -= kWord, d += kWord) *reinterpret_cast<AliasWord*>(d) = pattern;
  }
  while (n-- > 0) *d++ = byte;
  return dest;
}

int memory_compare(const void* a, const void* b, std::size_t n) noexcept {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

const void* memory_find(const void* s, int value, std::size_t n) noexcept {
  const auto* p = static_cast<const unsigned char*>(s);
  auto byte = static_cast<unsigned char>(value);
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] == byte) return p + i;
  }
  return nullptr;
}

std::size_t string_length(const char* s) noexcept {
  std::size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

std::size_t string_length_bounded(const char* s, std::size_t max) noexcept {
  std::size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

int string_compare(const char* a, const char* b) noexcept {
  const auto* x = reinterpret_cast<const unsigned char*>(a);
  const auto* y = reinterpret_cast<const unsigned char*>(b);
  while (*x != 0 && *x == *y) {
    ++x;
    ++y;
  }
  return *x == *y ? 0 : (*x < *y ? -1 : 1);
}

int string_compare_bounded(const char* a, const char* b, std::size_t n) noexcept {
  const auto* x = reinterpret_cast<const unsigned char*>(a);
  const auto* y = reinterpret_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    if (x[i] == 0) return 0;
  }
  return 0;
}

}  // namespace mos
