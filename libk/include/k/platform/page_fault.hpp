#pragma once
/// Platform contract, machine platforms only: letting memory management resolve page faults
/// (demand paging, copy-on-write) before the platform reports them as fatal.

#include <k/address.hpp>

#include <concepts>

namespace mos::platform {

/// A page fault as the CPU described it.
struct PageFault {
  VirtAddr address;      ///< The address accessed.
  VirtAddr instruction;  ///< Where the faulting instruction is.
  bool present = false;  ///< The page was mapped (a protection violation), not missing.
  bool write = false;
  bool execute = false;  ///< An instruction fetch.
  bool user = false;     ///< The access came from ring 3.
};

/// Returns true when it resolved the fault (the instruction is then retried) and false to let
/// the platform treat the fault as fatal. Runs with interrupts disabled, in the context of the
/// faulting code.
using PageFaultHandler = bool (*)(const PageFault& fault) noexcept;

/// A machine platform's page-fault facet.
template <class T>
concept PageFaultControl = requires(PageFaultHandler handler) {
  { T::set_handler(handler) } noexcept -> std::same_as<void>;
};

/// Installs the handler consulted on every page fault (nullptr: none, every fault is fatal).
void set_page_fault_handler(PageFaultHandler handler) noexcept;

}  // namespace mos::platform
