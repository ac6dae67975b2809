#pragma once
// The bench image's suites (apps/bench): each measures with the cycle counter and reports
// "bench: NAME VALUE" lines, which tools/guest_bench.py reads.

#include <cstdint>
#include <string_view>

namespace mos::bench {

/// Prints one result line.
void report(std::string_view name, std::uint64_t value) noexcept;
/// Prints one result line for a message size: "bench: NAME_SIZE VALUE".
void report_sized(std::string_view name, std::uint64_t size, std::uint64_t value) noexcept;

/// The libsched suite (sched.cpp); false if it could not run.
bool run_sched() noexcept;
/// The libipc suite (ipc.cpp); false if it could not run.
bool run_ipc() noexcept;

}  // namespace mos::bench
