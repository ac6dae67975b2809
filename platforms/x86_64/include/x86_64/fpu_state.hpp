#pragma once
/// The FXSAVE image of a clean FPU/SSE state, which a new thread's context starts from (both
/// x86-64 platforms: the kernel's and the host's). [intel-sdm vol1] 10.5.1, table 10-2

#include <k/string.hpp>

#include <cstddef>
#include <cstdint>

namespace mos::x86_64 {

/// The x87 control word after FNINIT: all exceptions masked, 64-bit precision, round to nearest.
inline constexpr std::uint16_t kDefaultFpuControl = 0x037f;
/// MXCSR after reset: all SIMD exceptions masked, round to nearest.
inline constexpr std::uint32_t kDefaultMxcsr = 0x1f80;

/// Writes the 512-byte FXSAVE image of a clean state into `area`: registers zero, the control
/// words at their defaults, every x87 register empty.
inline void write_clean_fxsave_area(std::byte* area) noexcept {
  memory_set(area, 0, 512);
  memory_copy(area + 0, &kDefaultFpuControl, sizeof kDefaultFpuControl);  // FCW
  memory_copy(area + 24, &kDefaultMxcsr, sizeof kDefaultMxcsr);           // MXCSR
}

}  // namespace mos::x86_64
