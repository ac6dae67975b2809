// virtio: the real transport, virtqueue and virtio-blk driver against a behavioural fake
// device (fake_virtio_blk.hpp): initialisation and negotiation, round trips, request
// splitting, device errors, protocol violations, concurrency with a small queue and
// out-of-order completion. Thread bodies use no doctest macros; they count what they saw.
#include "fake_dma.hpp"
#include "fake_pci.hpp"
#include "fake_pci_bar.hpp"
#include "fake_virtio_blk.hpp"
#include "sched_test_support.hpp"

#include <drv/virtio_blk.hpp>

#include <sched/thread.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

using namespace mos::drv;
using mos::Error;
using mos::RefPtr;
using mos::testing::FakeVirtioBlk;
namespace sched = mos::sched;

namespace {

constexpr PciAddress kAt{0, 4, 0};

// A machine with one fake virtio-blk disk. The driver (declared last) goes first.
// Whether the driver ever set `bits` in the device status.
bool status_had(const FakeVirtioBlk& device, std::uint8_t bits) {
  for (std::uint8_t s : device.status_writes()) {
    if ((s & bits) == bits) return true;
  }
  return false;
}

struct Rig {
  explicit Rig(FakeVirtioBlk::Options options = {})
      : device(config, kAt, mapper, dma, options) {}

  mos::Result<RefPtr<VirtioBlk>> start(const VirtioBlkOptions& options = {}) {
    auto function = pci_read_function(config, kAt);
    REQUIRE(function.has_value());
    auto made = VirtioBlk::create(config, *function, mapper, dma, options);
    if (made) {
      blk = *made;
      VirtioBlk* raw = blk.get();
      const bool msix = options.interrupts == VirtioBlkOptions::Interrupts::Msix;
      device.on_interrupt([raw, msix, this] {
        if (msix) {
          raw->on_queue_interrupt();
        } else {
          interrupts += raw->on_interrupt() ? 1 : 0;
        }
      });
    }
    return made;
  }
  VirtioBlk& must_start(const VirtioBlkOptions& options = {}) {
    auto made = start(options);
    REQUIRE(made.has_value());
    return *blk;
  }

  mos::testing::FakePciConfigSpace config;
  mos::testing::FakeMmioMapper mapper;
  mos::testing::FakeDmaMemory dma;
  FakeVirtioBlk device;
  std::atomic<int> interrupts{0};
  RefPtr<VirtioBlk> blk;
};

std::vector<std::byte> pattern(std::size_t bytes, unsigned seed) {
  std::vector<std::byte> v(bytes);
  for (std::size_t i = 0; i < bytes; ++i) v[i] = static_cast<std::byte>((i * 7 + seed * 13) & 0xff);
  return v;
}

}  // namespace

TEST_CASE("virtio-blk: initialisation follows the status protocol and negotiates features") {
  FakeVirtioBlk::Options options;
  options.sectors = 1000;
  options.max_queue_size = 100;
  options.blk_size = 4096;
  Rig rig(options);
  VirtioBlk& blk = rig.must_start();
  using namespace virtio::status;
  CHECK(rig.device.status_writes() ==
        std::vector<std::uint8_t>{0, kAcknowledge, kAcknowledge | kDriver,
                                  kAcknowledge | kDriver | kFeaturesOk,
                                  kAcknowledge | kDriver | kFeaturesOk | kDriverOk});
  CHECK(rig.device.driver_features() ==
        (virtio::feature::kVersion1 | virtio_blk::kFlush | virtio_blk::kBlockSize));
  CHECK(rig.device.queue_size() == 64);  // min(device 100, ours 128), a power of two.
  CHECK(rig.device.queue_vector() == virtio::kNoVector);
  CHECK(blk.sector_count() == 1000);
  CHECK(blk.sector_size() == 512);
  CHECK(blk.block_size() == 4096);
  CHECK_FALSE(blk.read_only());
  // Memory and bus mastering are on.
  CHECK((rig.config.at(kAt).get(0x04, 2) & 0x6) == 0x6);
  CHECK(rig.device.violations().empty());
}

TEST_CASE("virtio-blk: devices the driver cannot drive are refused with a clear error") {
  SUBCASE("no VIRTIO_F_VERSION_1") {
    FakeVirtioBlk::Options options;
    options.version_1 = false;
    Rig rig(options);
    CHECK(rig.start().error() == Error::NotSupported);
    CHECK(status_had(rig.device, virtio::status::kFailed));
    CHECK_FALSE(status_had(rig.device, virtio::status::kFeaturesOk));
    CHECK(rig.device.device_status() == 0);  // And reset when the driver let go.
  }
  SUBCASE("FEATURES_OK does not stick") {
    FakeVirtioBlk::Options options;
    options.refuse_features_ok = true;
    Rig rig(options);
    CHECK(rig.start().error() == Error::NotSupported);
    CHECK(status_had(rig.device, virtio::status::kFailed));
    CHECK_FALSE(status_had(rig.device, virtio::status::kDriverOk));
  }
  SUBCASE("not a virtio-blk function") {
    Rig rig;
    rig.config.add({0, 5, 0}, 0x8086, 0x100e, 0x02, 0x00);
    auto function = pci_read_function(rig.config, {0, 5, 0});
    REQUIRE(function.has_value());
    CHECK(VirtioBlk::create(rig.config, *function, rig.mapper, rig.dma).error() ==
          Error::NoDevice);
  }
  SUBCASE("an MSI-X vector the device cannot use") {
    FakeVirtioBlk::Options options;
    options.msix_entries = 2;
    Rig rig(options);
    VirtioBlkOptions o;
    o.interrupts = VirtioBlkOptions::Interrupts::Msix;
    o.config_vector = 0;
    o.queue_vector = 5;
    CHECK(rig.start(o).error() == Error::Io);
  }
}

TEST_CASE("virtio-blk: write, read back and flush") {
  Rig rig;
  VirtioBlk& blk = rig.must_start();
  const auto data = pattern(3 * 512, 1);
  REQUIRE(blk.write(10, data).has_value());
  CHECK(std::memcmp(rig.device.disk().data() + 10 * 512, data.data(), data.size()) == 0);
  std::vector<std::byte> back(3 * 512);
  REQUIRE(blk.read(10, back).has_value());
  CHECK(back == data);
  REQUIRE(blk.flush().has_value());
  CHECK(rig.device.flushes() == 1);
  CHECK(rig.interrupts >= 3);

  std::vector<std::byte> odd(100);
  CHECK(blk.read(0, odd).error() == Error::InvalidArgument);
  std::vector<std::byte> two(1024);
  CHECK(blk.read(255, two).error() == Error::NoDeviceOrAddress);
  CHECK(rig.dma.live() == 1);  // Only the ring: bounce buffers were returned.
  CHECK(rig.device.violations().empty());
}

TEST_CASE("virtio-blk: requests are split to size_max and seg_max") {
  FakeVirtioBlk::Options options;
  options.size_max = 1024;
  options.seg_max = 2;
  Rig rig(options);
  VirtioBlk& blk = rig.must_start();
  CHECK(blk.max_request_bytes() == 2048);
  const auto data = pattern(8192, 2);
  REQUIRE(blk.write(4, data).has_value());
  CHECK(rig.device.writes() == 4);
  CHECK(rig.device.largest_segment() == 1024);
  CHECK(rig.device.most_segments() == 2);
  std::vector<std::byte> back(8192);
  REQUIRE(blk.read(4, back).has_value());
  CHECK(rig.device.reads() == 4);
  CHECK(back == data);
  CHECK(rig.device.violations().empty());
}

TEST_CASE("virtio-blk: a disk without a write cache needs no flush request") {
  FakeVirtioBlk::Options options;
  options.flush = false;
  Rig rig(options);
  VirtioBlk& blk = rig.must_start();
  REQUIRE(blk.flush().has_value());
  CHECK(rig.device.flushes() == 0);
}

TEST_CASE("virtio-blk: device status IOERR and UNSUPP become errors") {
  Rig rig;
  VirtioBlk& blk = rig.must_start();
  std::vector<std::byte> buffer(512);
  rig.device.fail_next_with(virtio_blk::kStatusIoErr);
  CHECK(blk.read(0, buffer).error() == Error::Io);
  rig.device.fail_next_with(virtio_blk::kStatusIoErr);
  CHECK(blk.flush().error() == Error::Io);
  rig.device.fail_next_with(virtio_blk::kStatusUnsupported);
  CHECK(blk.write(0, buffer).error() == Error::NotSupported);
  rig.device.fail_next_with(0x7f);
  CHECK(blk.read(0, buffer).error() == Error::Protocol);
  CHECK(blk.read(0, buffer).has_value());  // The queue is fine.
}

TEST_CASE("virtio-blk: a read-only disk refuses writes") {
  FakeVirtioBlk::Options options;
  options.read_only = true;
  Rig rig(options);
  VirtioBlk& blk = rig.must_start();
  CHECK(blk.read_only());
  const auto data = pattern(512, 3);
  CHECK(blk.write(0, data).error() == Error::ReadOnlyFileSystem);
  CHECK(rig.device.writes() == 0);
  std::vector<std::byte> back(512);
  CHECK(blk.read(0, back).has_value());
}

TEST_CASE("virtio-blk: a bogus used id breaks the queue without crashing") {
  Rig rig;
  VirtioBlk& blk = rig.must_start();
  std::vector<std::byte> buffer(512);
  rig.device.bogus_used_id_next();
  CHECK(blk.read(0, buffer).error() == Error::Protocol);
  CHECK(blk.queue().broken());
  CHECK(rig.device.status_writes().back() == 0);  // The device was reset.
  CHECK(blk.read(0, buffer).error() == Error::Io);
  CHECK(blk.write(0, buffer).error() == Error::Io);
}

TEST_CASE("virtio-blk: a used length beyond the chain fails that request only") {
  Rig rig;
  VirtioBlk& blk = rig.must_start();
  std::vector<std::byte> buffer(512);
  rig.device.overlong_len_next();
  CHECK(blk.read(0, buffer).error() == Error::Protocol);
  CHECK_FALSE(blk.queue().broken());
  CHECK(blk.read(0, buffer).has_value());
}

TEST_CASE("virtio-blk: MSI-X vectors are set up and the queue vector completes requests") {
  FakeVirtioBlk::Options options;
  options.msix_entries = 2;
  Rig rig(options);
  VirtioBlkOptions o;
  o.interrupts = VirtioBlkOptions::Interrupts::Msix;
  o.config_vector = 0;
  o.queue_vector = 1;
  VirtioBlk& blk = rig.must_start(o);
  CHECK(rig.device.queue_vector() == 1);
  const auto data = pattern(1024, 4);
  REQUIRE(blk.write(7, data).has_value());
  std::vector<std::byte> back(1024);
  REQUIRE(blk.read(7, back).has_value());
  CHECK(back == data);
}

namespace {

struct Tally {
  std::atomic<int> errors{0};
  std::atomic<int> mismatches{0};
  std::atomic<int> finished{0};
};

// Writes its own region, reads it back, `rounds` times, with a fresh pattern each round.
void worker(VirtioBlk* blk, int id, int rounds, std::size_t sectors, Tally* tally) {
  for (int r = 0; r < rounds; ++r) {
    const auto data = pattern(sectors * 512, static_cast<unsigned>(id * 100 + r));
    const std::uint64_t first = static_cast<std::uint64_t>(id) * sectors;
    if (!blk->write(first, data)) ++tally->errors;
    std::vector<std::byte> back(data.size());
    if (!blk->read(first, back)) ++tally->errors;
    if (back != data) ++tally->mismatches;
  }
  ++tally->finished;
}

}  // namespace

TEST_CASE("virtio-blk: threads share a queue smaller than their requests (synchronous device)") {
  FakeVirtioBlk::Options options;
  options.max_queue_size = 4;
  options.size_max = 512;
  options.seg_max = 4;
  Rig rig(options);
  VirtioBlk& blk = rig.must_start();
  CHECK(blk.max_request_bytes() == 1024);  // Two segments: the queue has room for no more.
  constexpr int kThreads = 8;
  Tally tally;
  std::vector<sched::Thread*> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.push_back(&sched::test::must_spawn([&blk, i, &tally] { worker(&blk, i, 20, 4, &tally); }));
  }
  for (auto* t : threads) sched::test::must_join(*t);
  CHECK(tally.finished == kThreads);
  CHECK(tally.errors == 0);
  CHECK(tally.mismatches == 0);
  CHECK(blk.queue().free_descriptors() == 4);
  CHECK(rig.device.violations().empty());
}

TEST_CASE("virtio-blk: requests in flight from several threads complete out of order") {
  FakeVirtioBlk::Options options;
  options.max_queue_size = 8;  // Two 3-descriptor requests at a time.
  options.mode = FakeVirtioBlk::Mode::Deferred;
  Rig rig(options);
  VirtioBlk& blk = rig.must_start();
  constexpr int kThreads = 6;
  Tally tally;
  std::vector<sched::Thread*> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.push_back(&sched::test::must_spawn([&blk, i, &tally] { worker(&blk, i, 10, 2, &tally); }));
  }
  // This thread is the device: it lets requests pile up, then completes them last first.
  int idle = 0;
  while (tally.finished < kThreads) {
    if (rig.device.pending() >= 2 || idle > 50) {
      rig.device.run_device();
      idle = 0;
    } else {
      ++idle;
      sched::yield();
    }
  }
  for (auto* t : threads) sched::test::must_join(*t);
  CHECK(tally.errors == 0);
  CHECK(tally.mismatches == 0);
  CHECK(rig.device.out_of_order() > 0);
  CHECK(rig.device.most_in_flight() == 2);
  CHECK(blk.queue().descriptor_waits() > 0);
  CHECK(blk.queue().free_descriptors() == 8);
  CHECK(rig.device.violations().empty());
}
