// Open files: the open(2) flags, offsets, pread/pwrite, lseek, O_APPEND, truncation, sparse
// tmpfs files and its limits, readdir positions across concurrent changes, FIFOs (blocking
// opens, O_NONBLOCK, end of file, broken pipe) and device nodes.
#include "random.hpp"
#include "sched_test_support.hpp"
#include "vfs_test_support.hpp"

#include <atomic>
#include <set>
#include <string>

using namespace mos::vfs;
using namespace mos::vfs::test;
using mos::Error;
using mos::RefPtr;
using namespace open_flags;
namespace sched = mos::sched;

namespace {

RefPtr<OpenFile> must_open(Namespace& ns, std::string_view path, std::uint32_t flags,
                           Mode mode = 0644) {
  auto file = ns.vfs->open(ns.root, path, flags, mode);
  REQUIRE_MESSAGE(file.has_value(), "open ", path, ": ", mos::error_name(file.error()));
  return *file;
}

std::string read_some(OpenFile& file, std::size_t n) {
  std::string out(n, '\0');
  auto got = file.read(std::as_writable_bytes(std::span(out.data(), out.size())));
  REQUIRE(got.has_value());
  out.resize(*got);
  return out;
}

}  // namespace

TEST_CASE("open: O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW and access modes") {
  Namespace ns;
  ns.write_file("/f", "contents");
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  REQUIRE(ns.vfs->make_symlink(ns.root, "/f", "/link").has_value());
  REQUIRE(ns.vfs->make_symlink(ns.root, "/d/new", "/dangling").has_value());
  CHECK(error_of(ns.vfs->open(ns.root, "/missing", kReadOnly)) == Error::NoEntry);
  CHECK(error_of(ns.vfs->open(ns.root, "/f", kCreate | kExclusive | kWriteOnly, 0644)) ==
        Error::Exists);
  CHECK(error_of(ns.vfs->open(ns.root, "/link", kCreate | kExclusive | kWriteOnly, 0644)) ==
        Error::Exists);  // O_EXCL does not follow a final symlink.
  CHECK(error_of(ns.vfs->open(ns.root, "/f", kReadOnly | kDirectory)) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->open(ns.root, "/link", kReadOnly | kNoFollow)) == Error::SymlinkLoop);
  CHECK(error_of(ns.vfs->open(ns.root, "/d", kWriteOnly)) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->open(ns.root, "/d", kReadOnly | kCreate, 0644)) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->open(ns.root, "/f/", kReadOnly)) == Error::NotDirectory);
  CHECK(error_of(ns.vfs->open(ns.root, "/new/", kCreate | kWriteOnly, 0644)) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->open(ns.root, "/f", kReadOnly | kCreate | kDirectory, 0644)) ==
        Error::InvalidArgument);
  CHECK(error_of(ns.vfs->open(ns.root, "/f", kTemporary | kReadWrite, 0644)) == Error::NotSupported);
  CHECK(ns.vfs->open(ns.root, "/d", kReadOnly | kDirectory).has_value());
  // O_CREAT through a dangling symlink makes its target.
  auto made = must_open(ns, "/dangling", kCreate | kWriteOnly);
  CHECK(type_of(ns.must_stat("/d/new").mode) == FileType::Regular);
  // O_TRUNC empties; access modes are enforced per open file.
  auto truncating = must_open(ns, "/f", kReadOnly | kTruncate);
  CHECK(ns.must_stat("/f").size == 0);
  std::byte b[4];
  CHECK(error_of(truncating->write(bytes_of("x"))) == Error::BadFileDescriptor);
  auto write_only = must_open(ns, "/f", kWriteOnly);
  CHECK(error_of(write_only->read(b)) == Error::BadFileDescriptor);
  auto directory = must_open(ns, "/d", kReadOnly);
  CHECK(error_of(directory->read(b)) == Error::IsDirectory);
  // The new file's mode is masked by the umask.
  must_open(ns, "/masked", kCreate | kWriteOnly, 0777);
  CHECK((ns.must_stat("/masked").mode & 0777) == 0755);
}

TEST_CASE("open files: offsets, O_APPEND, pread and pwrite, lseek") {
  Namespace ns;
  auto file = must_open(ns, "/f", kCreate | kReadWrite);
  REQUIRE(file->write(bytes_of("hello world")).value() == 11);
  CHECK(file->offset() == 11);
  CHECK(file->seek(0, Whence::Set).value() == 0);
  CHECK(read_some(*file, 5) == "hello");
  CHECK(file->seek(1, Whence::Current).value() == 6);
  CHECK(read_some(*file, 100) == "world");
  CHECK(read_some(*file, 100).empty());  // End of file.
  CHECK(file->seek(-5, Whence::End).value() == 6);
  CHECK(error_of(file->seek(-100, Whence::Current)) == Error::InvalidArgument);
  CHECK(error_of(file->seek(0, static_cast<Whence>(9))) == Error::InvalidArgument);
  CHECK(file->seek(0, Whence::Data).value() == 0);
  CHECK(file->seek(3, Whence::Hole).value() == 11);
  CHECK(error_of(file->seek(11, Whence::Data)) == Error::NoDeviceOrAddress);
  // pread and pwrite leave the offset.
  file->seek(2, Whence::Set).value();
  std::string buf(5, '\0');
  CHECK(file->read_at(6, std::as_writable_bytes(std::span(buf.data(), 5))).value() == 5);
  CHECK(buf == "world");
  CHECK(file->write_at(0, bytes_of("J")).value() == 1);
  CHECK(file->offset() == 2);
  CHECK(error_of(file->read_at(-1, std::as_writable_bytes(std::span(buf.data(), 1)))) ==
        Error::InvalidArgument);
  CHECK(ns.read_file("/f") == "Jello world");
  // A write past the end leaves a hole of zeros.
  CHECK(file->write_at(20, bytes_of("!")).value() == 1);
  CHECK(ns.read_file("/f") == std::string("Jello world") + std::string(9, '\0') + "!");
  // O_APPEND writes at the end, whatever the offset (pwrite too, as Linux).
  auto appending = must_open(ns, "/f", kWriteOnly | kAppend);
  CHECK(appending->write(bytes_of("A")).value() == 1);
  CHECK(appending->offset() == 22);
  CHECK(appending->write_at(0, bytes_of("B")).value() == 1);
  CHECK(ns.read_file("/f").substr(20) == "!AB");
  // F_SETFL changes only the status flags.
  appending->set_status_flags(kNonBlocking | kReadWrite);
  CHECK(appending->flags() == (kWriteOnly | kNonBlocking));
}

TEST_CASE("files: truncate and ftruncate grow with zeros and shrink, with their errors") {
  Namespace ns;
  ns.write_file("/f", "0123456789");
  REQUIRE(ns.vfs->truncate(ns.root, "/f", 4).has_value());
  CHECK(ns.read_file("/f") == "0123");
  REQUIRE(ns.vfs->truncate(ns.root, "/f", 6).has_value());
  CHECK(ns.read_file("/f") == std::string("0123") + std::string(2, '\0'));
  CHECK(error_of(ns.vfs->truncate(ns.root, "/f", -1)) == Error::InvalidArgument);
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  CHECK(error_of(ns.vfs->truncate(ns.root, "/d", 0)) == Error::IsDirectory);
  CHECK(error_of(ns.vfs->truncate(ns.root, "/f", std::int64_t{1} << 50)) == Error::FileTooBig);
  auto reading = must_open(ns, "/f", kReadOnly);
  CHECK(error_of(ns.vfs->truncate(ns.root, *reading, 0)) == Error::InvalidArgument);
  auto writing = must_open(ns, "/f", kWriteOnly);
  REQUIRE(ns.vfs->truncate(ns.root, *writing, 0).has_value());
  CHECK(ns.must_stat("/f").size == 0);
  // A page kept across a shrink reads zeros beyond the new end when the file grows again.
  ns.write_file("/g", std::string(5000, 'x'));
  REQUIRE(ns.vfs->truncate(ns.root, "/g", 4100).has_value());
  REQUIRE(ns.vfs->truncate(ns.root, "/g", 5000).has_value());
  CHECK(ns.read_file("/g") == std::string(4100, 'x') + std::string(900, '\0'));
}

TEST_CASE("tmpfs: sparse files, block counts, the size and inode limits give ENOSPC") {
  TmpFsOptions options;
  options.max_bytes = 16 * 4096;
  options.max_inodes = 8;
  Namespace ns(options);
  auto file = must_open(ns, "/sparse", kCreate | kReadWrite);
  REQUIRE(file->write_at(std::int64_t{1} << 30, bytes_of("end")).value() == 3);
  Stat st = ns.vfs->stat(*file).value();
  CHECK(st.size == (std::int64_t{1} << 30) + 3);
  CHECK(st.blocks == 8);  // One page.
  std::string hole(100, 'x');
  CHECK(file->read_at(12345, std::as_writable_bytes(std::span(hole.data(), hole.size()))).value() ==
        100);
  CHECK(hole == std::string(100, '\0'));
  CHECK(ns.root_fs->pages() == 1);
  // Fifteen pages left: a larger write stops at the limit, the next one fails.
  const std::string big(20 * 4096, 'b');
  auto filler = must_open(ns, "/big", kCreate | kWriteOnly);
  CHECK(filler->write(bytes_of(big)).value() == 15 * 4096);
  CHECK(error_of(filler->write(bytes_of("more"))) == Error::NoSpace);
  const StatFs fs = ns.vfs->statfs(ns.root, "/").value();
  CHECK(fs.type == kTmpFsMagic);
  CHECK(fs.blocks == 16);
  CHECK(fs.free_blocks == 0);
  // Space comes back with truncation and unlink.
  REQUIRE(ns.vfs->truncate(ns.root, "/big", 4096).has_value());
  CHECK(ns.root_fs->pages() == 2);
  // Inodes: the root, /sparse and /big so far; five more fit.
  for (int i = 0; i < 5; ++i) REQUIRE(ns.vfs->make_directory(ns.root, "/d" + std::to_string(i), 0755).has_value());
  CHECK(error_of(ns.vfs->make_directory(ns.root, "/one-too-many", 0755)) == Error::NoSpace);
  CHECK(error_of(ns.vfs->open(ns.root, "/nope", kCreate | kWriteOnly, 0644)) == Error::NoSpace);
  REQUIRE(ns.vfs->remove_directory(ns.root, "/d0").has_value());
  CHECK(ns.vfs->make_directory(ns.root, "/fits", 0755).has_value());
}

TEST_CASE("readdir: positions survive entries coming and going between calls") {
  Namespace ns;
  REQUIRE(ns.vfs->make_directory(ns.root, "/d", 0755).has_value());
  for (int i = 0; i < 50; ++i) ns.write_file("/d/f" + std::to_string(i), "");
  auto dir = must_open(ns, "/d", kReadOnly | kDirectory);
  std::multiset<std::string> seen;
  auto gen = mos::test::make_bitgen(0xd1e);
  std::set<std::string> removed;
  int added = 0;
  for (;;) {
    NameCollector batch(3);
    REQUIRE(dir->read_directory(batch).has_value());
    if (batch.names.empty()) break;
    for (auto& name : batch.names) seen.insert(name);
    // Between batches: remove a random original entry and add a new one (for a while: a reader
    // that keeps up with additions would otherwise never reach the end, as on Linux).
    const std::string victim = "f" + std::to_string(absl::Uniform(gen, 0, 50));
    if (removed.insert(victim).second) REQUIRE(ns.vfs->unlink(ns.root, "/d/" + victim).has_value());
    if (added < 30) ns.write_file("/d/new" + std::to_string(added++), "");
  }
  // Every original entry that was never removed came exactly once; nothing came twice.
  for (int i = 0; i < 50; ++i) {
    const std::string name = "f" + std::to_string(i);
    if (removed.count(name) == 0) CHECK(seen.count(name) == 1);
  }
  for (auto& name : seen) CHECK(seen.count(name) == 1);
  CHECK(seen.count(".") == 1);
  CHECK(seen.count("..") == 1);
  // Seeking back to 0 starts over; types and inodes are reported.
  REQUIRE(dir->seek(0, Whence::Set).value() == 0);
  NameCollector all;
  REQUIRE(dir->read_directory(all).has_value());
  CHECK(all.names[0] == ".");
  CHECK(all.names[1] == "..");
  CHECK(all.types[2] == FileType::Regular);
  CHECK(all.inodes[2] == ns.must_stat("/d/" + all.names[2]).inode);
  auto file = must_open(ns, "/d/new0", kReadOnly);
  NameCollector none;
  CHECK(error_of(file->read_directory(none)) == Error::NotDirectory);
}

TEST_CASE("fifo: opens wait for the other end, data flows, EOF and EPIPE follow closes") {
  Namespace ns;
  REQUIRE(ns.vfs->make_node(ns.root, "/fifo", static_cast<Mode>(FileType::Fifo) | 0666).has_value());
  // Non-blocking: a reader opens at once, a writer without reader is ENXIO.
  CHECK(error_of(ns.vfs->open(ns.root, "/fifo", kWriteOnly | kNonBlocking)) ==
        Error::NoDeviceOrAddress);
  auto reader = must_open(ns, "/fifo", kReadOnly | kNonBlocking);
  std::byte b[16];
  CHECK(reader->read(b).value() == 0);  // No writer yet: end of file.
  auto writer = must_open(ns, "/fifo", kWriteOnly | kNonBlocking);
  CHECK(error_of(reader->read(b)) == Error::TryAgain);  // A writer, no data.
  CHECK(writer->write(bytes_of("ping")).value() == 4);
  CHECK(reader->read(b).value() == 4);
  CHECK(error_of(writer->seek(0, Whence::Set)) == Error::IllegalSeek);
  CHECK(error_of(writer->write_at(0, bytes_of("x"))) == Error::IllegalSeek);
  CHECK(ns.must_stat("/fifo").size == 0);
  writer.reset();
  CHECK(reader->read(b).value() == 0);  // The writer went: end of file.
  reader.reset();

  // Blocking: the reader's open waits until a writer opens; the writer's data arrives.
  std::atomic<int> read_result{-1};
  Vfs* vfs = ns.vfs;
  Context root = ns.root;
  sched::Thread& t = sched::test::must_spawn([&] {
    auto r = vfs->open(root, "/fifo", kReadOnly);
    if (!r) return;
    std::byte buffer[16];
    auto n = (*r)->read(buffer);
    read_result = n ? static_cast<int>(*n) : -static_cast<int>(n.error());
  });
  sched::sleep_for(2 * sched::test::kMs);
  CHECK(read_result == -1);  // Still waiting in open.
  auto blocking_writer = must_open(ns, "/fifo", kWriteOnly);
  CHECK(blocking_writer->write(bytes_of("hello")).value() == 5);
  sched::test::must_join(t);
  CHECK(read_result == 5);
  // The reader has gone: a write is a broken pipe.
  CHECK(error_of(blocking_writer->write(bytes_of("x"))) == Error::BrokenPipe);
  // O_RDWR never waits.
  CHECK(ns.vfs->open(ns.root, "/fifo", kReadWrite).has_value());
}

namespace {

// A device that counts what it sees: reads give a pattern, writes are swallowed.
class CountingDevice final : public Device {
 public:
  mos::Result<void> open(std::uint32_t) noexcept override {
    ++opens;
    return {};
  }
  void close() noexcept override { ++closes; }
  mos::Result<std::size_t> read(std::uint64_t, std::span<std::byte> out, std::uint32_t) noexcept override {
    for (auto& b : out) b = std::byte{'z'};
    return out.size();
  }
  mos::Result<std::size_t> write(std::uint64_t, std::span<const std::byte> data,
                            std::uint32_t) noexcept override {
    written += data.size();
    return data.size();
  }
  int opens = 0;
  int closes = 0;
  std::size_t written = 0;
};

}  // namespace

TEST_CASE("device nodes reach their registered device; none registered is ENXIO") {
  Namespace ns;
  auto device = RefPtr<CountingDevice>::adopt(new CountingDevice);
  REQUIRE(ns.devices.add(FileType::CharDevice, {42, 0}, device).has_value());
  CHECK(error_of(ns.devices.add(FileType::CharDevice, {42, 0}, device)) == Error::Exists);
  CHECK(error_of(ns.devices.add(FileType::Regular, {42, 1}, device)) == Error::InvalidArgument);
  REQUIRE(ns.vfs->make_node(ns.root, "/dev42", static_cast<Mode>(FileType::CharDevice) | 0666,
                            DeviceNumber{42, 0}).has_value());
  REQUIRE(ns.vfs->make_node(ns.root, "/dev43", static_cast<Mode>(FileType::CharDevice) | 0666,
                            DeviceNumber{43, 0}).has_value());
  REQUIRE(ns.vfs->make_node(ns.root, "/blk42", static_cast<Mode>(FileType::BlockDevice) | 0666,
                            DeviceNumber{42, 0}).has_value());
  {
    auto file = must_open(ns, "/dev42", kReadWrite);
    CHECK(device->opens == 1);
    CHECK(read_some(*file, 3) == "zzz");
    CHECK(file->write(bytes_of("12345")).value() == 5);
    CHECK(device->written == 5);
    CHECK(file->seek(100, Whence::Set).value() == 0);  // Offsets stay: noop_llseek.
    CHECK(error_of(file->control(0x5401, 0)) == Error::NotTerminal);
  }
  CHECK(device->closes == 1);
  CHECK(error_of(ns.vfs->open(ns.root, "/dev43", kReadOnly)) == Error::NoDeviceOrAddress);
  CHECK(error_of(ns.vfs->open(ns.root, "/blk42", kReadOnly)) == Error::NoDeviceOrAddress);
  REQUIRE(ns.devices.remove(FileType::CharDevice, {42, 0}).has_value());
  CHECK(error_of(ns.vfs->open(ns.root, "/dev42", kReadOnly)) == Error::NoDeviceOrAddress);
}

TEST_CASE("pipes: open_pipe gives two ends of one FIFO that no path reaches") {
  Namespace ns;
  auto ends = ns.vfs->open_pipe(ns.root.credentials, 0);
  REQUIRE(ends.has_value());
  CHECK(ends->read->readable());
  CHECK_FALSE(ends->read->writable());
  CHECK(ends->write->writable());
  CHECK_FALSE(ends->read->non_blocking());
  CHECK(type_of(ns.vfs->stat(*ends->read)->mode) == FileType::Fifo);
  REQUIRE(ends->write->write(bytes_of("through")).value() == 7);
  CHECK(read_some(*ends->read, 16) == "through");
  // Nothing shows in the namespace, and /proc/mounts-style listings do not see pipefs.
  int mounts = 0;
  ns.vfs->for_each_mount([&](const auto&) { ++mounts; });
  CHECK(mounts == 1);
  // O_NONBLOCK: an empty pipe says EAGAIN; without writers, end of file; without readers, EPIPE.
  auto nonblocking = ns.vfs->open_pipe(ns.root.credentials, kNonBlocking | kCloseOnExec);
  REQUIRE(nonblocking.has_value());
  std::byte b[4];
  CHECK(error_of(nonblocking->read->read(b)) == Error::TryAgain);
  nonblocking->write.reset();
  CHECK(nonblocking->read->read(b).value() == 0);
  ends->read.reset();
  CHECK(error_of(ends->write->write(bytes_of("x"))) == Error::BrokenPipe);
  CHECK(error_of(ns.vfs->open_pipe(ns.root.credentials, kAppend)) == Error::InvalidArgument);
}
