// Streams over a fake backend that records every call: when writes reach the backend (full,
// line and no buffering), reads, ungetc, seeks after reads and writes, getline on long lines,
// backend errors; memory streams; the registry. Defines current_stream_registry() for the test.

#include <posix/libc/memory_stream.hpp>
#include <posix/libc/stream.hpp>
#include <posix/libc/stream_registry.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace mos::posix::libc {
// The test program is one process.
StreamRegistry& current_stream_registry() noexcept {
  static StreamRegistry registry;
  return registry;
}
}  // namespace mos::posix::libc

namespace {

using mos::Error;
using mos::Result;
using namespace mos::posix::libc;

// A file in memory that records the size of every write and read it receives.
struct FakeFile {
  std::string data;
  std::size_t position = 0;
  std::vector<std::size_t> writes;
  std::vector<std::size_t> reads;
  bool seekable = true;
  bool fail_writes = false;
  bool fail_reads = false;
  std::size_t max_read = SIZE_MAX;  // A terminal hands out one line at a time, say.
  bool closed = false;

  static Result<std::size_t> read(void* cookie, char* out, std::size_t n) noexcept {
    auto* file = static_cast<FakeFile*>(cookie);
    file->reads.push_back(n);
    if (file->fail_reads) return Error::Io;
    std::size_t step = std::min(
        {n, file->max_read, file->data.size() - std::min(file->position, file->data.size())});
    std::memcpy(out, file->data.data() + file->position, step);
    file->position += step;
    return step;
  }
  static Result<std::size_t> write(void* cookie, const char* in, std::size_t n) noexcept {
    auto* file = static_cast<FakeFile*>(cookie);
    if (file->fail_writes) return Error::NoSpace;
    file->writes.push_back(n);
    if (file->data.size() < file->position + n) file->data.resize(file->position + n);
    file->data.replace(file->position, n, in, n);
    file->position += n;
    return n;
  }
  static Result<std::int64_t> seek(void* cookie, std::int64_t offset, Whence whence) noexcept {
    auto* file = static_cast<FakeFile*>(cookie);
    if (!file->seekable) return Error::IllegalSeek;
    std::int64_t base = whence == Whence::Set       ? 0
                        : whence == Whence::Current ? static_cast<std::int64_t>(file->position)
                                                    : static_cast<std::int64_t>(file->data.size());
    if (base + offset < 0) return Error::InvalidArgument;
    file->position = static_cast<std::size_t>(base + offset);
    return base + offset;
  }
  static Result<void> close(void* cookie) noexcept {
    static_cast<FakeFile*>(cookie)->closed = true;
    return {};
  }

  StreamBackend backend() {
    StreamBackend b;
    b.cookie = this;
    b.read = read;
    b.write = write;
    b.seek = seek;
    b.close = close;
    return b;
  }
};

Stream* open(FakeFile& file, const char* mode, BufferMode buffering,
             StreamRegistry* registry = nullptr) {
  Result<Stream*> stream =
      Stream::create(file.backend(), *parse_open_mode(mode), buffering, 3, registry);
  REQUIRE(stream.has_value());
  return *stream;
}

int print(Stream* stream, const char* format, ...) {
  va_list args;
  va_start(args, format);
  Result<int> result = stream->print(format, args);
  va_end(args);
  return result ? *result : -1;
}

}  // namespace

TEST_CASE("stream: open modes decode to open(2) flags") {
  CHECK(parse_open_mode("r")->open_flags == 0);
  CHECK(parse_open_mode("w")->open_flags == (01 | 0100 | 01000));
  CHECK(parse_open_mode("a")->open_flags == (01 | 0100 | 02000));
  CHECK(parse_open_mode("r+")->open_flags == 02);
  CHECK(parse_open_mode("w+b")->open_flags == (02 | 0100 | 01000));
  CHECK(parse_open_mode("rbe")->open_flags == 02000000);
  CHECK(parse_open_mode("wx")->open_flags == (01 | 0100 | 01000 | 0200));
  CHECK(parse_open_mode("a+")->readable);
  CHECK(!parse_open_mode("z").has_value());
  CHECK(!parse_open_mode("rq").has_value());
  CHECK(!parse_open_mode("").has_value());
}

TEST_CASE("stream: full buffering writes when the buffer fills or at fflush") {
  FakeFile file;
  Stream* stream = open(file, "w", BufferMode::Full);
  CHECK(stream->write("hello\n", 6) == 6);
  CHECK(file.writes.empty());
  std::string big(kDefaultBufferSize, 'x');
  CHECK(stream->write(big.data(), big.size()) == big.size());
  REQUIRE(file.writes.size() == 1);
  CHECK(file.writes[0] == kDefaultBufferSize);
  CHECK(stream->flush().has_value());
  CHECK(file.data == "hello\n" + big);
  CHECK(Stream::close(stream).has_value());
  CHECK(file.closed);
}

TEST_CASE("stream: line buffering writes through the last newline") {
  FakeFile file;
  Stream* stream = open(file, "w", BufferMode::Line);
  CHECK(stream->write("ab", 2) == 2);
  CHECK(file.data.empty());
  CHECK(stream->write("c\nde\nf", 6) == 6);
  CHECK(file.data == "abc\nde\n");
  CHECK(stream->put('g') == 'g');
  CHECK(file.data == "abc\nde\n");
  CHECK(print(stream, "%d\n", 42) == 3);
  CHECK(file.data == "abc\nde\nfg42\n");
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: unbuffered streams write at every call, printf in one piece") {
  FakeFile file;
  Stream* stream = open(file, "w", BufferMode::None);
  CHECK(stream->put('a') == 'a');
  CHECK(file.data == "a");
  CHECK(print(stream, "%s: %d items\n", "list", 3) == 14);
  CHECK(file.data == "alist: 3 items\n");
  CHECK(file.writes.size() == 2);
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: reads, ungetc, fgets, feof") {
  FakeFile file;
  file.data = "line one\nline two\nlast";
  Stream* stream = open(file, "r", BufferMode::Full);
  CHECK(stream->get() == 'l');
  CHECK(stream->unget('X') == 'X');
  CHECK(stream->get() == 'X');
  char line[64];
  CHECK(std::string(stream->get_line(line, sizeof(line))) == "ine one\n");
  CHECK(std::string(stream->get_line(line, 5)) == "line");
  CHECK(std::string(stream->get_line(line, sizeof(line))) == " two\n");
  CHECK(std::string(stream->get_line(line, sizeof(line))) == "last");
  CHECK(stream->eof());
  CHECK(stream->get_line(line, sizeof(line)) == nullptr);
  CHECK(stream->get() == kEof);
  CHECK(file.reads.size() == 2);  // One buffer, then the end: sticky EOF reads no more.
  stream->clear_error();
  CHECK(!stream->eof());
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: fseek and ftell after reads and writes") {
  FakeFile file;
  file.data = "0123456789";
  Stream* stream = open(file, "r+", BufferMode::Full);
  CHECK(stream->get() == '0');
  CHECK(stream->get() == '1');
  CHECK(*stream->tell() == 2);
  CHECK(file.position == 10);  // Read ahead.
  CHECK(stream->unget('1') == '1');
  CHECK(*stream->tell() == 1);
  CHECK(stream->seek(2, Whence::Current).has_value());
  CHECK(*stream->tell() == 3);
  CHECK(stream->get() == '3');
  // Writing right after reading (forgiven): lands at the stream's position.
  CHECK(stream->write("ab", 2) == 2);
  CHECK(*stream->tell() == 6);
  CHECK(stream->seek(0, Whence::Set).has_value());
  CHECK(file.data == "0123ab6789");
  char all[11] = {};
  CHECK(stream->read(all, 10) == 10);
  CHECK(std::string(all) == "0123ab6789");
  CHECK(stream->seek(-3, Whence::End).has_value());
  CHECK(stream->get() == '7');
  CHECK(stream->write("Z", 1) == 1);
  CHECK(stream->get() == '9');  // Reading after writing (forgiven): the write is flushed first.
  CHECK(file.data == "0123ab67Z9");
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: getline on lines longer than the buffer, and getdelim") {
  FakeFile file;
  std::string long_line(3 * kDefaultBufferSize + 17, 'q');
  file.data = long_line + "\nshort\nend";
  file.max_read = 1000;
  Stream* stream = open(file, "r", BufferMode::Full);
  char* line = nullptr;
  std::size_t capacity = 0;
  CHECK(stream->get_delimited(&line, &capacity, '\n') == static_cast<long>(long_line.size() + 1));
  CHECK(std::string(line) == long_line + "\n");
  CHECK(stream->get_delimited(&line, &capacity, '\n') == 6);
  CHECK(std::string(line) == "short\n");
  CHECK(stream->get_delimited(&line, &capacity, 'x') == 3);
  CHECK(std::string(line) == "end");
  CHECK(stream->get_delimited(&line, &capacity, '\n') == -1);
  CHECK(stream->eof());
  std::free(line);
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: backend errors set the error indicator") {
  FakeFile file;
  file.fail_writes = true;
  Stream* stream = open(file, "w", BufferMode::Line);
  CHECK(stream->write("ab\n", 3) == 0);
  CHECK(stream->error());
  CHECK(stream->last_error() == Error::NoSpace);
  CHECK(print(stream, "x\n") == -1);
  stream->clear_error();
  CHECK(!stream->error());
  file.fail_writes = false;
  CHECK(stream->write("ok\n", 3) == 3);
  Result<void> closed = Stream::close(stream);
  CHECK(closed.has_value());

  FakeFile input;
  input.data = "abc";
  input.fail_reads = true;
  Stream* reader = open(input, "r", BufferMode::Full);
  CHECK(reader->get() == kEof);
  CHECK(reader->error());
  CHECK(!reader->eof());
  CHECK(reader->last_error() == Error::Io);
  CHECK(Stream::close(reader).has_value());

  FakeFile read_only;
  Stream* wrong = open(read_only, "r", BufferMode::Full);
  CHECK(wrong->write("x", 1) == 0);
  CHECK(wrong->last_error() == Error::BadFileDescriptor);
  CHECK(Stream::close(wrong).has_value());
}

TEST_CASE("stream: unseekable backends report ESPIPE") {
  FakeFile pipe;
  pipe.seekable = false;
  pipe.data = "data";
  Stream* stream = open(pipe, "r", BufferMode::Full);
  CHECK(stream->get() == 'd');
  CHECK(stream->tell().error() == Error::IllegalSeek);
  CHECK(stream->seek(0, Whence::Set).error() == Error::IllegalSeek);
  CHECK(stream->get() == 'a');
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: setvbuf changes the buffering") {
  FakeFile file;
  Stream* stream = open(file, "w", BufferMode::Full);
  char buffer[4];
  CHECK(stream->set_buffer(buffer, BufferMode::Full, sizeof(buffer)).has_value());
  CHECK(stream->write("abc", 3) == 3);
  CHECK(file.data.empty());
  CHECK(stream->write("de", 2) == 2);
  CHECK(file.data == "abcd");
  CHECK(stream->set_buffer(nullptr, BufferMode::None, 0).has_value());
  CHECK(file.data == "abcde");
  CHECK(stream->put('f') == 'f');
  CHECK(file.data == "abcdef");
  CHECK(!stream->set_buffer(nullptr, static_cast<BufferMode>(7), 0).has_value());
  CHECK(Stream::close(stream).has_value());
}

TEST_CASE("stream: the registry flushes line-buffered output before an interactive read") {
  StreamRegistry registry;
  FakeFile terminal_out;
  FakeFile terminal_in;
  terminal_in.data = "answer\n";
  Stream* out = open(terminal_out, "w", BufferMode::Line, &registry);
  Stream* in = open(terminal_in, "r", BufferMode::Line, &registry);
  registry.set_standard(1, out);
  registry.set_standard(0, in);
  CHECK(registry.standard(1) == out);
  CHECK(out->write("prompt> ", 8) == 8);
  CHECK(terminal_out.data.empty());
  CHECK(in->get() == 'a');
  CHECK(terminal_out.data == "prompt> ");

  FakeFile file;
  Stream* other = open(file, "w", BufferMode::Full, &registry);
  CHECK(other->write("pending", 7) == 7);
  CHECK(registry.size() == 3);
  CHECK(registry.flush_all().has_value());
  CHECK(file.data == "pending");
  CHECK(other->write("more", 4) == 4);
  CHECK(Stream::close(out).has_value());
  CHECK(registry.standard(1) == nullptr);
  CHECK(registry.standard_closed(1));
  CHECK(registry.close_all().has_value());
  CHECK(registry.size() == 0);
  CHECK(file.data == "pendingmore");
  CHECK(file.closed);
  CHECK(terminal_in.closed);
}

TEST_CASE("stream: fmemopen as glibc's") {
  SUBCASE("read") {
    char text[] = "12 abc";
    Stream* stream = *open_memory_stream(text, 6, "r", nullptr);
    char word[8];
    CHECK(stream->get() == '1');
    CHECK(stream->read(word, 8) == 5);
    CHECK(stream->eof());
    CHECK(Stream::close(stream).has_value());
  }
  SUBCASE("write, NUL after the data, no room beyond the size") {
    char buffer[8];
    std::memset(buffer, 'x', sizeof(buffer));
    Stream* stream = *open_memory_stream(buffer, sizeof(buffer), "w", nullptr);
    CHECK(buffer[0] == '\0');
    CHECK(print(stream, "%d", 123) == 3);
    CHECK(stream->flush().has_value());
    CHECK(std::string(buffer) == "123");
    CHECK(print(stream, "%s", "4567890") == 7);
    CHECK(!stream->flush().has_value());
    CHECK(stream->error());
    CHECK(std::memcmp(buffer, "1234567", 7) == 0);
    (void)Stream::close(stream);
    char expected[8];
    std::memset(expected, 'x', sizeof(expected));
    FILE* host = fmemopen(expected, sizeof(expected), "w");
    std::fprintf(host, "%d", 123);
    std::fflush(host);
    std::fprintf(host, "%s", "4567890");
    std::fclose(host);
    CHECK(std::memcmp(buffer, expected, sizeof(buffer)) == 0);
  }
  SUBCASE("append starts at the NUL; seeks stay inside the buffer") {
    char buffer[16] = "abc";
    Stream* stream = *open_memory_stream(buffer, sizeof(buffer), "a+", nullptr);
    CHECK(*stream->tell() == 3);
    CHECK(stream->write("de", 2) == 2);
    CHECK(stream->seek(0, Whence::Set).has_value());
    CHECK(stream->get() == 'a');
    CHECK(std::string(buffer) == "abcde");
    CHECK(stream->seek(17, Whence::Set).error() == Error::InvalidArgument);
    CHECK(Stream::close(stream).has_value());
  }
  SUBCASE("bad arguments") {
    char buffer[4];
    CHECK(open_memory_stream(buffer, 0, "r", nullptr).error() == Error::InvalidArgument);
    CHECK(open_memory_stream(buffer, 4, "k", nullptr).error() == Error::InvalidArgument);
    Stream* owned = *open_memory_stream(nullptr, 32, "w+", nullptr);
    CHECK(owned->write("hello", 5) == 5);
    CHECK(owned->seek(0, Whence::Set).has_value());
    char word[6] = {};
    CHECK(owned->read(word, 5) == 5);
    CHECK(std::string(word) == "hello");
    CHECK(Stream::close(owned).has_value());
  }
}

TEST_CASE("stream: open_memstream publishes at flush and close") {
  char* data = nullptr;
  std::size_t size = 99;
  Stream* stream = *open_dynamic_memory_stream(&data, &size, nullptr);
  REQUIRE(data != nullptr);
  CHECK(size == 0);
  CHECK(print(stream, "%s-%d", "value", 7) == 7);
  CHECK(stream->flush().has_value());
  CHECK(std::string(data) == "value-7");
  CHECK(size == 7);
  std::string big(10000, 'b');
  CHECK(stream->write(big.data(), big.size()) == big.size());
  CHECK(stream->seek(2, Whence::Set).has_value());
  CHECK(size == 2);
  CHECK(stream->write("L", 1) == 1);
  CHECK(Stream::close(stream).has_value());
  CHECK(size == 3);
  CHECK(std::strlen(data) == 10007);
  CHECK(std::string(data, 8) == "vaLue-7b");
  std::free(data);
}

TEST_CASE("stream: fscanf reads from the stream and leaves the rest") {
  FakeFile file;
  file.data = "12 apples and 3.5 pears\nnext";
  Stream* stream = open(file, "r", BufferMode::Full);
  int count = 0;
  char fruit[16];
  auto scan = [&](const char* format, ...) {
    va_list args;
    va_start(args, format);
    int result = stream->scan(format, args);
    va_end(args);
    return result;
  };
  double weight = 0;
  CHECK(scan("%d %15s and %lf", &count, fruit, &weight) == 3);
  CHECK(count == 12);
  CHECK(std::string(fruit) == "apples");
  CHECK(weight == 3.5);
  char line[32];
  CHECK(std::string(stream->get_line(line, sizeof(line))) == " pears\n");
  CHECK(scan("%d", &count) == 0);
  CHECK(scan("%s", fruit) == 1);
  CHECK(scan("%s", fruit) == kEof);
  CHECK(Stream::close(stream).has_value());
}
