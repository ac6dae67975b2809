// A tty registered in devfs as /dev/ttyS0 and used through the VFS: the open file's
// O_NONBLOCK reaches the tty, ioctls pass through, a terminal has no offset.
#include "tty_test_support.hpp"

#include <vfs/devfs.hpp>
#include <vfs/tmpfs.hpp>
#include <vfs/vfs.hpp>

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace mos::drv;
using namespace mos::drv::test;
using mos::Error;
namespace vfs = mos::vfs;

TEST_CASE("tty in devfs: /dev/ttyS0 reads lines, writes with ONLCR, answers ioctls") {
  RecordingOutput out;
  auto tty = Tty::create(out).value();
  vfs::DeviceRegistry devices;
  auto root = vfs::TmpFs::create().value();
  vfs::Vfs* ns = vfs::Vfs::create(root, devices).value();
  {
    const vfs::Context context = ns->context();
    REQUIRE(vfs::mount_devfs(*ns).has_value());
    REQUIRE(vfs::add_device(*ns, "/dev/ttyS0", vfs::FileType::CharDevice, {4, 64}, tty, 0620)
                .has_value());
    auto file =
        ns->open(context, "/dev/ttyS0", vfs::open_flags::kReadWrite | vfs::open_flags::kNonBlocking)
            .value();

    std::byte buffer[64];
    CHECK(file->read(buffer).error() == Error::TryAgain);
    type(*tty, "hi\r");
    auto n = file->read(buffer);
    REQUIRE(n.has_value());
    CHECK(std::string(reinterpret_cast<const char*>(buffer), *n) == "hi\n");

    const std::string text = "ok\n";
    CHECK(file->write(std::as_bytes(std::span<const char>(text.data(), text.size()))).value() == 3);
    CHECK(out.take() == "hi\r\nok\r\n");

    Termios t{};
    REQUIRE(file->control(tty_ioctl::kTcgets, reinterpret_cast<std::uintptr_t>(&t)).has_value());
    CHECK(t == kDefaultTermios);
    CHECK(file->seek(0, vfs::Whence::Current).error() == Error::IllegalSeek);
  }
  vfs::Vfs::destroy(ns);
}
