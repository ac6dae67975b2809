// devfs (vfs/devfs.hpp): the standard nodes with Linux's numbers and behaviour, and drivers'
// nodes added later.
#include <vfs/devfs.hpp>

#include "vfs_test_support.hpp"

#include <set>
#include <string>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using mos::RefPtr;
using namespace open_flags;

TEST_CASE("devfs: the standard nodes, their numbers and modes") {
  Namespace ns;
  REQUIRE(mount_devfs(*ns.vfs).has_value());
  const struct {
    const char* path;
    DeviceNumber number;
    Mode mode;
  } expected[] = {{"/dev/null", {1, 3}, 0666},   {"/dev/zero", {1, 5}, 0666},
                  {"/dev/full", {1, 7}, 0666},   {"/dev/random", {1, 8}, 0666},
                  {"/dev/urandom", {1, 9}, 0666}, {"/dev/console", {5, 1}, 0600}};
  for (const auto& e : expected) {
    CAPTURE(e.path);
    const Stat st = ns.must_stat(e.path);
    CHECK(type_of(st.mode) == FileType::CharDevice);
    CHECK((st.mode & 07777) == e.mode);
    CHECK(st.rdev == e.number.encode());
  }
  CHECK(ns.list("/dev").size() == 6);
  CHECK((ns.must_stat("/dev").mode & 07777) == 0755);
  CHECK(ns.vfs->statfs(ns.root, "/dev").value().type == kTmpFsMagic);
  CHECK(error_of(mount_devfs(*ns.vfs)) == Error::Exists);  // The numbers are taken.
}

TEST_CASE("devfs: null, zero and full read and write as Linux's do") {
  Namespace ns;
  REQUIRE(mount_devfs(*ns.vfs).has_value());
  std::byte buffer[64];
  for (auto& b : buffer) b = std::byte{0x55};
  auto null = ns.vfs->open(ns.root, "/dev/null", kReadWrite).value();
  CHECK(null->read(buffer).value() == 0);
  CHECK(null->write(bytes_of("gone")).value() == 4);
  CHECK(null->seek(123, Whence::Set).value() == 0);
  auto zero = ns.vfs->open(ns.root, "/dev/zero", kReadWrite).value();
  CHECK(zero->read(buffer).value() == sizeof buffer);
  for (auto b : buffer) CHECK(b == std::byte{0});
  CHECK(zero->write(bytes_of("gone")).value() == 4);
  auto full = ns.vfs->open(ns.root, "/dev/full", kReadWrite).value();
  CHECK(full->read(buffer).value() == sizeof buffer);
  CHECK(error_of(full->write(bytes_of("x"))) == Error::NoSpace);
}

TEST_CASE("devfs: urandom gives fresh bytes; random gives them once seeded") {
  Namespace ns;
  REQUIRE(mount_devfs(*ns.vfs).has_value());
  auto urandom = ns.vfs->open(ns.root, "/dev/urandom", kReadWrite).value();
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    std::string block(32, '\0');
    REQUIRE(urandom->read(std::as_writable_bytes(std::span(block.data(), block.size()))).value() == 32);
    CHECK(seen.insert(block).second);
  }
  std::string big(100000, '\0');
  REQUIRE(urandom->read(std::as_writable_bytes(std::span(big.data(), big.size()))).value() == big.size());
  std::size_t zeros = 0;
  for (char c : big) zeros += c == 0;
  CHECK(zeros < 1000);  // About 390 expected from uniform bytes.
  CHECK(urandom->write(bytes_of("stir")).value() == 4);
  // The host has getrandom: the generator is seeded, so random does not wait.
  auto random = ns.vfs->open(ns.root, "/dev/random", kReadOnly | kNonBlocking).value();
  std::byte b[16];
  CHECK(random->read(b).value() == 16);
}

namespace {

class Disk final : public Device {
 public:
  mos::Result<std::size_t> read(std::uint64_t offset, std::span<std::byte> out, std::uint32_t) noexcept override {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::byte>((offset + i) & 0xff);
    return out.size();
  }
  bool advances_offset() const noexcept override { return true; }
};

}  // namespace

TEST_CASE("devfs: a driver adds its node; a taken number or name is refused") {
  Namespace ns;
  REQUIRE(mount_devfs(*ns.vfs).has_value());
  REQUIRE(add_device(*ns.vfs, "/dev/vda", FileType::BlockDevice, {254, 0},
                     RefPtr<Device>::adopt(new Disk), 0660).has_value());
  const Stat st = ns.must_stat("/dev/vda");
  CHECK(type_of(st.mode) == FileType::BlockDevice);
  CHECK((st.mode & 0777) == 0660);
  auto disk = ns.vfs->open(ns.root, "/dev/vda", kReadOnly).value();
  std::byte b[4];
  REQUIRE(disk->read(b).value() == 4);
  REQUIRE(disk->read(b).value() == 4);
  CHECK(b[0] == std::byte{4});  // The offset advanced.
  CHECK(error_of(add_device(*ns.vfs, "/dev/vdb", FileType::BlockDevice, {254, 0},
                            RefPtr<Device>::adopt(new Disk), 0660)) == Error::Exists);
  CHECK(error_of(add_device(*ns.vfs, "/dev/vda", FileType::BlockDevice, {254, 16},
                            RefPtr<Device>::adopt(new Disk), 0660)) == Error::Exists);
  // The failed node left no registration behind.
  CHECK(error_of(ns.devices.find(FileType::BlockDevice, {254, 16})) == Error::NoDeviceOrAddress);
}
