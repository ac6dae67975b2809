#include <k/output_sink.hpp>
#include <k/platform/console.hpp>
#include <k/string.hpp>

namespace mos {
namespace {

class ConsoleSink final : public OutputSink {
 public:
  void write(std::string_view text) noexcept override { platform::console_write(text); }
};

ConsoleSink g_console;

}  // namespace

OutputSink& console_sink() noexcept { return g_console; }

void BufferSink::write(std::string_view text) noexcept {
  if (offered_ < buffer_.size()) {
    std::size_t room = buffer_.size() - offered_;
    std::size_t n = text.size() < room ? text.size() : room;
    memory_copy(buffer_.data() + offered_, text.data(), n);
  }
  offered_ += text.size();
}

}  // namespace mos
