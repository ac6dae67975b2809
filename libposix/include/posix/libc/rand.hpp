#pragma once
/// rand_r: a pseudo-random sequence whose whole state is the caller's. (rand and srand are not
/// provided: their hidden state would be shared by every process of the address space.)

namespace mos::posix::libc {

/// The largest value rand_r returns (C's RAND_MAX).
inline constexpr int kRandMax = 2147483647;

/// The next number in [0, kRandMax] from `*state`, which it advances. The same sequence as
/// glibc's rand_r, so seeded programs behave as on Linux.
int rand_r(unsigned int* state) noexcept;

}  // namespace mos::posix::libc
