#pragma once
/// What a page fault was (FaultAccess) and why an address space refused to resolve one
/// (FaultError), for AddressSpace::handle_fault.

#include <k/address.hpp>
#include <k/error.hpp>
#include <k/format.hpp>
#include <k/platform/page_fault.hpp>

#include <cstdint>
#include <string_view>

namespace mos::mm {

/// The kind of access that faulted. A read is neither write nor execute.
struct FaultAccess {
  bool write = false;    ///< A store.
  bool execute = false;  ///< An instruction fetch.
  bool user = false;     ///< Made in ring 3 (else by the kernel, e.g. copying to user memory).

  /// The access described by a platform page-fault report.
  static constexpr FaultAccess of(const platform::PageFault& fault) noexcept {
    return {.write = fault.write, .execute = fault.execute, .user = fault.user};
  }
};

/// Why a fault was not resolved. NoMapping is SIGSEGV/SEGV_MAPERR; the protection reasons are
/// SEGV_ACCERR; BeyondObject is SIGBUS; OutOfMemory is the OOM path; the kernel reasons are
/// kernel bugs.
enum class FaultReason : std::uint8_t {
  /// No region contains the address.
  NoMapping,
  /// The region is PROT_NONE.
  NoAccess,
  /// A write to a region without Write.
  WriteToReadOnly,
  /// An instruction fetch from a region without Execute.
  ExecuteNoExecute,
  /// Ring 3 touched the upper half.
  UserAccessToKernel,
  /// The kernel faulted on an address outside user space: not the address space's to resolve.
  KernelAddress,
  /// The kernel fetched an instruction from user memory (what SMEP forbids).
  KernelExecuteUser,
  /// A frame (or a page-table frame) for the page could not be had.
  OutOfMemory,
  /// A shared mapping touched a page beyond the end of its object (SIGBUS).
  BeyondObject,
};

/// The sentence describing `reason`, e.g. "write to a read-only mapping".
constexpr std::string_view fault_reason_text(FaultReason reason) noexcept {
  switch (reason) {
    case FaultReason::NoMapping: return "no mapping";
    case FaultReason::NoAccess: return "access to a no-access (PROT_NONE) mapping";
    case FaultReason::WriteToReadOnly: return "write to a read-only mapping";
    case FaultReason::ExecuteNoExecute: return "execute in a no-execute mapping";
    case FaultReason::UserAccessToKernel: return "user access to kernel memory";
    case FaultReason::KernelAddress: return "kernel fault outside user space";
    case FaultReason::KernelExecuteUser: return "kernel execution of user memory";
    case FaultReason::OutOfMemory: return "out of memory";
    case FaultReason::BeyondObject: return "access beyond the end of the mapped object";
  }
  return "unknown fault";
}

/// A fault that AddressSpace::handle_fault refused, with what it was about. Formats as e.g.
/// "write to a read-only mapping at 0x0000000000401000 (user write)".
struct FaultError {
  FaultReason reason = FaultReason::NoMapping;
  VirtAddr address;
  FaultAccess access;

  /// The errno a system call that met this fault copying user memory returns: ENOMEM for
  /// OutOfMemory, EFAULT otherwise.
  constexpr Error error() const noexcept {
    return reason == FaultReason::OutOfMemory ? Error::NoMemory : Error::BadAddress;
  }
};

}  // namespace mos::mm

template <>
struct mos::Formatter<mos::mm::FaultError> {
  static void format(OutputSink& sink, const mos::mm::FaultError& e, const FormatSpec&) noexcept {
    const char* who = e.access.user ? "user" : "kernel";
    const char* what = e.access.execute ? "execute" : e.access.write ? "write" : "read";
    format_to(sink, "{} at {} ({} {})", mos::mm::fault_reason_text(e.reason), e.address, who,
              what);
  }
};
