#pragma once
// An OutputSink that collects what is written into a std::string, for tests that check formatted
// output.

#include <k/output_sink.hpp>

#include <string>
#include <string_view>

namespace mos::test {

/// Collects everything written to it.
class StringSink final : public mos::OutputSink {
 public:
  void write(std::string_view text) noexcept override { text_.append(text); }
  /// Everything written so far.
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace mos::test
