#pragma once
/// What the host platform records of TLB invalidations (see contract.cpp), for tests.

#include <cstdint>

namespace mos::platform::host {

/// How many TLB invalidations (page or all) have been asked for in this process.
std::uint64_t tlb_invalidations() noexcept;

}  // namespace mos::platform::host
