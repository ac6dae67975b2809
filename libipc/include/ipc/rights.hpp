#pragma once
/// The rights a capability carries to its object.

#include <cstdint>

namespace mos::ipc {

/// What a capability allows. Read and Write are the two ends of a pipe or channel (a capability
/// with Read counts as a reader); Map lets shared memory be mapped; Grant lets the capability be
/// passed on (duplicated into another domain, sent over a channel).
enum class Rights : std::uint8_t {
  None = 0,
  Read = 1u << 0,
  Write = 1u << 1,
  Map = 1u << 2,
  Grant = 1u << 3,
  All = 0x0f,
};
constexpr Rights operator|(Rights a, Rights b) noexcept {
  return static_cast<Rights>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr Rights operator&(Rights a, Rights b) noexcept {
  return static_cast<Rights>(static_cast<std::uint8_t>(a) & static_cast<std::uint8_t>(b));
}
/// Whether `rights` includes all of `wanted`.
constexpr bool has(Rights rights, Rights wanted) noexcept { return (rights & wanted) == wanted; }
/// Whether `subset` asks for nothing beyond `rights`.
constexpr bool is_subset(Rights subset, Rights rights) noexcept {
  return (subset & rights) == subset;
}

}  // namespace mos::ipc
