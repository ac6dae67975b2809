// strverscmp: GNU's state machine, so that `ls -v` style orderings agree with glibc's exactly.
// States: N (not in a number), I (in an integer part), F (in a fractional part: a number that
// began with '0'), Z (in leading zeros). Character kinds: other, digit 1-9, '0'.
#include <posix/libc/ctype.hpp>
#include <posix/libc/strings.hpp>

#include <cstdint>

namespace mos::posix::libc {

namespace {

constexpr int kStateN = 0;
constexpr int kStateI = 3;
constexpr int kStateF = 6;
constexpr int kStateZ = 9;
constexpr int kCompareBytes = 2;
constexpr int kCompareLengths = 3;

constexpr std::uint8_t kNextState[] = {
    kStateN, kStateI, kStateZ,  // N: other, digit, '0'
    kStateN, kStateI, kStateI,  // I
    kStateN, kStateF, kStateF,  // F
    kStateN, kStateF, kStateZ,  // Z
};

// Indexed by state * 3 + kind of the second string's character; the state includes the first's.
constexpr std::int8_t kResult[] = {
    // x/x, x/d, x/0, d/x, d/d, d/0, 0/x, 0/d, 0/0
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareLengths,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,  // N
    kCompareBytes,
    -1,
    -1,
    +1,
    kCompareLengths,
    kCompareLengths,
    +1,
    kCompareLengths,
    kCompareLengths,  // I
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,
    kCompareBytes,  // F
    kCompareBytes,
    +1,
    +1,
    -1,
    kCompareBytes,
    kCompareBytes,
    -1,
    kCompareBytes,
    kCompareBytes,  // Z
};

int kind(unsigned char c) noexcept {
  return (c == '0') + (is_digit(c) ? 1 : 0);
}

}  // namespace

int strverscmp(const char* a, const char* b) noexcept {
  auto* p1 = reinterpret_cast<const unsigned char*>(a);
  auto* p2 = reinterpret_cast<const unsigned char*>(b);
  if (p1 == p2) return 0;
  unsigned char c1 = *p1++;
  unsigned char c2 = *p2++;
  int state = kStateN + kind(c1);
  int diff;
  while ((diff = c1 - c2) == 0) {
    if (c1 == '\0') return 0;
    state = kNextState[state];
    c1 = *p1++;
    c2 = *p2++;
    state += kind(c1);
  }
  int result = kResult[state * 3 + kind(c2)];
  if (result == kCompareBytes) return diff;
  if (result == kCompareLengths) {
    // Both are in integer parts: the longer digit run is the larger number.
    while (is_digit(*p1++)) {
      if (!is_digit(*p2++)) return 1;
    }
    return is_digit(*p2) ? -1 : diff;
  }
  return result;
}

}  // namespace mos::posix::libc
