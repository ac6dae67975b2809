// Compiles the Uart16550 template once inside the library, so that a freestanding (kernel)
// build checks it even before an image instantiates it with the platform's port provider.
#include <drv/uart_16550.hpp>

#include <cstdint>

namespace mos::drv {
namespace {

// A PortIo that touches nothing: only the template's code matters here.
struct NullPortIo {
  std::uint8_t read8(std::uint16_t) noexcept { return 0xff; }
  std::uint16_t read16(std::uint16_t) noexcept { return 0xffff; }
  std::uint32_t read32(std::uint16_t) noexcept { return 0xffffffff; }
  void write8(std::uint16_t, std::uint8_t) noexcept {}
  void write16(std::uint16_t, std::uint16_t) noexcept {}
  void write32(std::uint16_t, std::uint32_t) noexcept {}
};
static_assert(platform::PortIo<NullPortIo>);

}  // namespace

template class Uart16550<NullPortIo>;

}  // namespace mos::drv
