#pragma once
/// The contract between a platform and the app linked into an image: the platform boots, builds
/// the BootInfo, calls init_components, runs the global constructors, then calls app_main, and
/// finish_components once it returns. app_main's return value becomes the image's exit status
/// (platform::shutdown).

#include <k/boot_info.hpp>
#include <k/platform/machine.hpp>

namespace mos {

/// Defined once per image by its app (apps/NAME/).
platform::ExitStatus app_main(const BootInfo& boot) noexcept;

/// Initialises the components the image links, in layering order (libmm first), before global
/// constructors run and before app_main. Defined by the image's generated glue
/// (tools/gen_image_glue.py), which also binds the policies the image chose.
void init_components(const BootInfo& boot) noexcept;

/// Lets the components report once app_main has returned, before the platform shuts down (in
/// reverse layering order): a heap built with heap_debug lists what is still allocated. Defined
/// by the image's glue.
void finish_components() noexcept;

}  // namespace mos
