// /dev/random and /dev/urandom: one kernel CSPRNG (libk's Csprng) behind a spinlock, seeded
// from the platform on first use. As in Linux since 5.18 both give the same stream; random
// only waits until the generator has been seeded once.
#include <vfs/devfs.hpp>

#include <sched/thread.hpp>
#include <sched/time.hpp>

#include <k/random.hpp>
#include <k/spin_lock.hpp>

#include <new>

namespace mos::vfs {
namespace {

// Bytes generated per hold of the lock: long reads let others in between.
constexpr std::size_t kChunk = 256;

struct Generator {
  SpinLock lock;
  Csprng csprng;
  bool tried_platform = false;
};

Generator& generator() noexcept {
  static Generator g;
  return g;
}

// Seeds from the platform once; later calls add jitter. Returns whether it is seeded.
bool try_seed() noexcept {
  Generator& g = generator();
  SpinLockGuard guard(g.lock);
  if (!g.tried_platform) {
    g.tried_platform = true;
    (void)seed_from_platform(g.csprng);
  } else if (!g.csprng.seeded()) {
    (void)collect_jitter(g.csprng, 64);
  }
  return g.csprng.seeded();
}

class RandomDevice final : public Device {
 public:
  explicit RandomDevice(bool blocking) noexcept : blocking_(blocking) {}

  Result<std::size_t> read(std::uint64_t, std::span<std::byte> out, std::uint32_t flags) noexcept override {
    bool seeded = try_seed();
    while (blocking_ && !seeded) {
      if ((flags & open_flags::kNonBlocking) != 0) return Error::TryAgain;
      sched::sleep_for(10 * sched::kNanosPerMilli);  // Time passes: jitter to collect.
      seeded = try_seed();
    }
    Generator& g = generator();
    for (std::size_t done = 0; done < out.size(); done += kChunk) {
      const std::size_t n = out.size() - done < kChunk ? out.size() - done : kChunk;
      SpinLockGuard guard(g.lock);
      g.csprng.generate(out.subspan(done, n));
    }
    return out.size();
  }

  Result<std::size_t> write(std::uint64_t, std::span<const std::byte> data, std::uint32_t) noexcept override {
    (void)try_seed();
    Generator& g = generator();
    SpinLockGuard guard(g.lock);
    g.csprng.add_entropy(data, 0);  // Anyone may stir; nobody may claim entropy this way.
    return data.size();
  }

 private:
  bool blocking_;
};

}  // namespace

RefPtr<Device> make_random_device(bool blocking) noexcept {
  auto* device = new (std::nothrow) RandomDevice(blocking);
  return device != nullptr ? RefPtr<Device>::adopt(device) : RefPtr<Device>();
}

}  // namespace mos::vfs
