#pragma once
/// Where formatted text goes: consoles, log buffers, fixed character buffers.

#include <cstddef>
#include <span>
#include <string_view>

namespace mos {

/// Receives text. Implementations decide what a full destination means (truncate, drop, block).
class OutputSink {
 public:
  /// Appends `text`.
  virtual void write(std::string_view text) noexcept = 0;

 protected:
  ~OutputSink() = default;
};

/// Writes into a caller-owned character buffer, truncating when it is full, and counts how many
/// characters were offered in total (what snprintf returns). Never NUL-terminates by itself.
class BufferSink final : public OutputSink {
 public:
  /// Writes into `buffer`.
  explicit BufferSink(std::span<char> buffer) noexcept : buffer_(buffer) {}

  void write(std::string_view text) noexcept override;

  /// The characters that fit, as a view into the buffer.
  std::string_view view() const noexcept { return {buffer_.data(), stored()}; }
  /// How many characters were written, including those that did not fit.
  std::size_t offered() const noexcept { return offered_; }
  /// How many characters are in the buffer.
  std::size_t stored() const noexcept {
    return offered_ < buffer_.size() ? offered_ : buffer_.size();
  }
  /// Whether some characters did not fit.
  bool truncated() const noexcept { return offered_ > buffer_.size(); }

 private:
  std::span<char> buffer_;
  std::size_t offered_ = 0;
};

/// The platform console as a sink: unbuffered and unlocked, so lines of different CPUs may
/// interleave (the logger locks around it; panics and reports that must not take locks use it
/// directly).
OutputSink& console_sink() noexcept;

}  // namespace mos
