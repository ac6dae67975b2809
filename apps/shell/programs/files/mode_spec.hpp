#pragma once
/// chmod's mode operands, shared by chmod and mkdir -m: octal ("755") or symbolic clauses
/// ("u+x,g-w,o=r,a+X", "=r", "g=u").

#include <sys/types.h>

namespace mos::programs::files {

/// Whether the file the mode applies to is a directory (for the X permission).
enum class ModeTarget { File, Directory };

/// Applies spec to mode (permission bits only). umask_bits masks clauses without a who letter,
/// as POSIX says. False, with *result untouched, when spec is not a valid mode.
bool apply_mode_spec(const char* spec, mode_t mode, ModeTarget target, mode_t umask_bits,
                     mode_t* result);

}  // namespace mos::programs::files
