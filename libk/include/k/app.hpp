#pragma once
/// The contract between a platform and the app linked into an image: the platform boots, builds
/// the BootInfo, initialises the components, then calls app_main. Its return value becomes the
/// image's exit status (platform::shutdown).

#include <k/boot_info.hpp>
#include <k/platform/machine.hpp>

namespace mos {

/// Defined once per image by its app (apps/NAME/).
platform::ExitStatus app_main(const BootInfo& boot) noexcept;

}  // namespace mos
