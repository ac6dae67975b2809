#pragma once
// What the first C++ (kernel_entry.cpp) leaves for the rest of the platform.

#include <k/boot_info.hpp>

namespace mos::x86_64 {

/// The boot information, parsed (valid from before init_components on).
const BootInfo& boot_info() noexcept;

}  // namespace mos::x86_64
