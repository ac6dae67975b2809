#pragma once
/// Platform contract, machine platforms only: where the kernel image lies and how to switch page
/// tables, so that memory management (libmm) can build the kernel's address space. The host
/// platform hosts no kernel image and provides none of this; nothing built for the host calls it.

#include <k/address.hpp>

#include <concepts>
#include <cstdint>
#include <span>

namespace mos::platform {

/// One page-aligned part of the kernel image and what it may do.
struct KernelSection {
  enum class Access : std::uint8_t { ReadExecute, ReadOnly, ReadWrite };
  const char* name;
  VirtAddr start;
  VirtAddr end;
  Access access;
};

/// The kernel image and the boot mappings as the platform left them.
struct KernelImage {
  std::span<const KernelSection> sections;  ///< Page-aligned, ascending, not overlapping.
  std::uint64_t virt_minus_phys = 0;         ///< A section byte at virtual v lies at v - this.
  PhysAddr phys_start;                       ///< The whole loaded image, boot code included:
  PhysAddr phys_end;                         ///< memory that must never be handed out.
  std::span<const VirtAddr> guard_pages;     ///< Pages inside the sections to leave unmapped.
  VirtAddr direct_map_base;                  ///< Physical p is at direct_map_base + p.
  std::uint64_t early_direct_map_size = 0;   ///< How much the boot tables' direct map covers.
  bool no_execute = false;                   ///< Whether the CPU enforces no-execute.
  bool huge_pages = false;                   ///< Whether 1 GiB pages are supported.
};

/// A machine platform's kernel-image facet.
template <class T>
concept KernelImageControl = requires(PhysAddr root) {
  { T::image() } noexcept -> std::same_as<const KernelImage&>;
  { T::activate_page_table(root) } noexcept -> std::same_as<void>;
};

/// The running kernel's image.
const KernelImage& kernel_image() noexcept;

/// Switches this CPU to the page tables rooted at `root` (x86: CR3).
void activate_page_table(PhysAddr root) noexcept;

}  // namespace mos::platform
