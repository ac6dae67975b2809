// Block devices (vfs/block_device.hpp): the RAM disk's checks, and a disk as a device file —
// byte offsets, partial sectors, the end of the disk and lseek, as Linux's block-device files.
#include <vfs/block_device.hpp>
#include <vfs/devfs.hpp>

#include "vfs_test_support.hpp"

#include <string>
#include <vector>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using mos::RefPtr;
using namespace open_flags;

namespace {

std::vector<std::byte> pattern(std::size_t bytes, unsigned seed) {
  std::vector<std::byte> out(bytes);
  for (std::size_t i = 0; i < bytes; ++i) out[i] = std::byte((i * 7 + seed) & 0xff);
  return out;
}

}  // namespace

TEST_CASE("block device: a RAM disk checks sizes and ranges") {
  auto disk = MemoryBlockDevice::create(8).value();
  CHECK(disk->sector_size() == 512);
  CHECK(disk->sector_count() == 8);
  CHECK(disk->size_bytes() == 4096);
  std::vector<std::byte> sector(512), two(1024), odd(100);
  CHECK(disk->read(7, sector).has_value());
  CHECK(error_of(disk->read(8, sector)) == Error::NoDeviceOrAddress);
  CHECK(error_of(disk->read(7, two)) == Error::NoDeviceOrAddress);
  CHECK(error_of(disk->read(~std::uint64_t{0}, sector)) == Error::NoDeviceOrAddress);
  CHECK(error_of(disk->read(0, odd)) == Error::InvalidArgument);
  const auto data = pattern(1024, 3);
  REQUIRE(disk->write(6, data).has_value());
  CHECK(disk->writes() == 1);
  REQUIRE(disk->read(6, two).has_value());
  CHECK(two == data);
  CHECK(error_of(MemoryBlockDevice::create(1, 1000)) == Error::InvalidArgument);
  std::vector<std::byte> memory(1000);
  CHECK(error_of(MemoryBlockDevice::wrap(memory)) == Error::InvalidArgument);
}

TEST_CASE("block device: a disk as a device file") {
  Namespace ns;
  REQUIRE(mount_devfs(*ns.vfs).has_value());
  auto disk = MemoryBlockDevice::create(8).value();  // 4 KiB.
  const auto original = pattern(4096, 1);
  REQUIRE(disk->write(0, original).has_value());
  REQUIRE(add_device(*ns.vfs, "/dev/vda", FileType::BlockDevice, {254, 0},
                     RefPtr<Device>::adopt(new BlockDeviceFile(RefPtr<BlockDevice>(disk))), 0660)
              .has_value());
  CHECK(type_of(ns.must_stat("/dev/vda").mode) == FileType::BlockDevice);
  auto file = ns.vfs->open(ns.root, "/dev/vda", kReadWrite).value();

  SUBCASE("reads at any offset and length, and 0 at the end") {
    std::vector<std::byte> out(1000);
    REQUIRE(file->read_at(300, out).value() == 1000);
    CHECK(std::equal(out.begin(), out.end(), original.begin() + 300));
    CHECK(file->read_at(4000, out).value() == 96);
    CHECK(file->read_at(4096, out).value() == 0);
    CHECK(file->read_at(10000, out).value() == 0);
    // A sequential read advances the offset.
    REQUIRE(file->read(std::span(out).first(10)).value() == 10);
    CHECK(file->seek(0, Whence::Current).value() == 10);
  }
  SUBCASE("partial-sector writes keep the rest of the sector") {
    const auto data = pattern(700, 9);
    REQUIRE(file->write_at(1000, data).value() == 700);
    std::vector<std::byte> back(4096);
    REQUIRE(disk->read(0, back).has_value());
    auto expected = original;
    std::copy(data.begin(), data.end(), expected.begin() + 1000);
    CHECK(back == expected);
  }
  SUBCASE("writes stop at the end: short, then ENOSPC") {
    const auto data = pattern(200, 5);
    CHECK(file->write_at(4000, data).value() == 96);
    CHECK(error_of(file->write_at(4096, data)) == Error::NoSpace);
  }
  SUBCASE("lseek stays within the disk") {
    CHECK(file->seek(0, Whence::End).value() == 4096);
    CHECK(file->seek(-96, Whence::End).value() == 4000);
    CHECK(error_of(file->seek(1, Whence::End)) == Error::InvalidArgument);
    CHECK(error_of(file->seek(-1, Whence::Set)) == Error::InvalidArgument);
    CHECK(file->seek(512, Whence::Set).value() == 512);
  }
}
