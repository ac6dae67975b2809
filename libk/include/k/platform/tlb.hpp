#pragma once
/// Platform contract: invalidating cached address translations on the current CPU.

#include <k/address.hpp>

#include <concepts>

namespace mos::platform {

/// A platform's TLB facet.
template <class T>
concept TlbControl = requires(VirtAddr page) {
  { T::invalidate_page(page) } noexcept -> std::same_as<void>;
  { T::invalidate_all() } noexcept -> std::same_as<void>;
};

/// Drops any cached translation of the page containing `page` (x86: invlpg).
void tlb_invalidate_page(VirtAddr page) noexcept;
/// Drops every cached non-global translation (x86: reload CR3).
void tlb_invalidate_all() noexcept;

}  // namespace mos::platform
