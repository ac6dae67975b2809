#pragma once
/// A scriptable I/O-port space for host tests of drivers written against mos::platform::PortIo.
/// Each port has a queue of values that reads return (then a sticky default), an optional read
/// hook, and every access is logged in order.

#include <k/platform/io.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

namespace mos::testing {

/// Shared state of a fake port space; FakePortIo objects refer to it (providers are passed by
/// value to drivers).
class FakePortSpace {
 public:
  /// One logged access.
  struct Access {
    enum class Kind { Read, Write } kind;
    std::uint16_t port;
    std::uint32_t value;
    int width;  ///< 8, 16 or 32.
  };

  /// Reads of `port` return `values` in order, then the last one forever.
  void script_reads(std::uint16_t port, std::vector<std::uint32_t> values) {
    for (auto v : values) reads_[port].push_back(v);
  }
  /// Reads of `port` call `hook` (after scripted values are used up).
  void on_read(std::uint16_t port, std::function<std::uint32_t()> hook) { hooks_[port] = hook; }
  /// Writes to `port` call `hook` too.
  void on_write(std::uint16_t port, std::function<void(std::uint32_t)> hook) {
    write_hooks_[port] = hook;
  }

  std::uint32_t read(std::uint16_t port, int width) {
    std::uint32_t value = 0xffffffff;  // An absent ISA device reads as all ones.
    auto& queue = reads_[port];
    if (!queue.empty()) {
      value = queue.front();
      if (queue.size() > 1) queue.pop_front();
    } else if (auto hook = hooks_.find(port); hook != hooks_.end()) {
      value = hook->second();
    } else if (auto last = last_written_.find(port); last != last_written_.end()) {
      value = last->second;  // Like a plain register: reads back what was written.
    }
    value &= width == 32 ? 0xffffffffu : ((1u << width) - 1);
    log_.push_back({Access::Kind::Read, port, value, width});
    return value;
  }
  void write(std::uint16_t port, std::uint32_t value, int width) {
    log_.push_back({Access::Kind::Write, port, value, width});
    last_written_[port] = value;
    if (auto hook = write_hooks_.find(port); hook != write_hooks_.end()) hook->second(value);
  }

  /// Every access so far, in order.
  const std::vector<Access>& log() const { return log_; }
  /// The values written to `port`, in order.
  std::vector<std::uint32_t> writes_to(std::uint16_t port) const {
    std::vector<std::uint32_t> out;
    for (const auto& a : log_) {
      if (a.kind == Access::Kind::Write && a.port == port) out.push_back(a.value);
    }
    return out;
  }
  void clear_log() { log_.clear(); }

 private:
  std::map<std::uint16_t, std::deque<std::uint32_t>> reads_;
  std::map<std::uint16_t, std::function<std::uint32_t()>> hooks_;
  std::map<std::uint16_t, std::function<void(std::uint32_t)>> write_hooks_;
  std::map<std::uint16_t, std::uint32_t> last_written_;
  std::vector<Access> log_;
};

/// A PortIo provider over a FakePortSpace.
class FakePortIo {
 public:
  explicit FakePortIo(FakePortSpace& space) : space_(&space) {}
  std::uint8_t read8(std::uint16_t port) noexcept {
    return static_cast<std::uint8_t>(space_->read(port, 8));
  }
  std::uint16_t read16(std::uint16_t port) noexcept {
    return static_cast<std::uint16_t>(space_->read(port, 16));
  }
  std::uint32_t read32(std::uint16_t port) noexcept { return space_->read(port, 32); }
  void write8(std::uint16_t port, std::uint8_t v) noexcept { space_->write(port, v, 8); }
  void write16(std::uint16_t port, std::uint16_t v) noexcept { space_->write(port, v, 16); }
  void write32(std::uint16_t port, std::uint32_t v) noexcept { space_->write(port, v, 32); }

 private:
  FakePortSpace* space_;
};
static_assert(platform::PortIo<FakePortIo>);

}  // namespace mos::testing
