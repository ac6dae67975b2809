// rand_r: glibc's three-step linear congruential generator, for identical sequences.
#include <posix/libc/rand.hpp>

namespace mos::posix::libc {

int rand_r(unsigned int* state) noexcept {
  unsigned int next = *state;
  auto step = [&next] {
    next = next * 1103515245u + 12345u;
    return next / 65536u;
  };
  unsigned int result = step() % 2048u;
  result = (result << 10) ^ (step() % 1024u);
  result = (result << 10) ^ (step() % 1024u);
  *state = next;
  return static_cast<int>(result);
}

}  // namespace mos::posix::libc
