// The hardware-entropy facet on the host: the Linux kernel's generator through getrandom(2),
// which blocks only until the kernel's pool is first initialised.
#include <k/platform/entropy.hpp>

#include <sys/random.h>

#include <cerrno>

namespace mos::platform {
namespace {

struct HostEntropy {
  static std::size_t fill(std::span<std::uint64_t> out) noexcept {
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    std::size_t wanted = out.size_bytes();
    std::size_t got = 0;
    // getrandom may return less than asked (signals, requests over 256 bytes); only whole
    // words count.
    while (got < wanted) {
      ssize_t n = ::getrandom(bytes + got, wanted - got, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got / sizeof(std::uint64_t);
  }
};
static_assert(HardwareEntropySource<HostEntropy>);

}  // namespace

std::size_t hardware_entropy(std::span<std::uint64_t> out) noexcept {
  return HostEntropy::fill(out);
}

}  // namespace mos::platform
