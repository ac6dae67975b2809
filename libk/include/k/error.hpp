#pragma once
/// mos::Error — the one error vocabulary of Mosaic.

#include <cstdint>
#include <string_view>

namespace mos {

/// An error code. Every value equals the Linux x86_64 errno number of the same meaning, so the
/// POSIX layer's errno mapping is the identity. The meaning of each value is documented once, in
/// k/errors.def, and available at run time through error_description().
enum class Error : std::int32_t {
#define MOS_ERROR(name, number, errno_name, description) name = number,
#include <k/errors.def>
#undef MOS_ERROR
};

/// The errno number of an error (what a Linux program sees in errno).
constexpr int errno_value(Error e) noexcept { return static_cast<int>(e); }

/// The errno name of an error, e.g. "ENOENT"; "E?" for a value not in k/errors.def.
std::string_view error_name(Error e) noexcept;

/// The documented meaning of an error, one sentence; empty for a value not in k/errors.def.
std::string_view error_description(Error e) noexcept;

/// The error whose errno number is `number`, if Mosaic defines one.
bool error_from_errno(int number, Error& out) noexcept;

}  // namespace mos
