#include <k/output_sink.hpp>
#include <k/string.hpp>

namespace mos {

void BufferSink::write(std::string_view text) noexcept {
  if (offered_ < buffer_.size()) {
    std::size_t room = buffer_.size() - offered_;
    std::size_t n = text.size() < room ? text.size() : room;
    memory_copy(buffer_.data() + offered_, text.data(), n);
  }
  offered_ += text.size();
}

}  // namespace mos
