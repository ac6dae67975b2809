#pragma once
/// The scheduling-policy contract. A policy orders the runnable threads and decides when the
/// running one has had enough; the scheduler core (everything else in libsched) does the rest:
/// switching, blocking, waking, timers. Implementations (fifo_policy.hpp, round_robin_policy.hpp,
/// priority_policy.hpp, fair_policy.hpp, edf_policy.hpp) are chosen per image with the Meson
/// option `scheduler`, and all pass the same contract suite (tests/libsched/policy_contract_test.cpp).
///
/// The core reaches the chosen policy through the functions in namespace `bound_policy` below,
/// which the image's generated glue defines as direct calls on one instance of the policy type:
/// no virtual call, no table. A policy never sees the running thread in its queue: pick_next
/// takes a thread out, enqueue puts one back.

#include <sched/thread.hpp>

#include <k/result.hpp>

#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>

namespace mos::sched {

/// Why a thread is (re)entering the run queue.
enum class Enqueue : std::uint8_t {
  New,           ///< Just spawned.
  Woken,         ///< Was blocked or sleeping.
  Yielded,       ///< Gave up the CPU voluntarily (yield()).
  SliceExpired,  ///< Used up its time slice.
  Preempted,     ///< A thread the policy prefers became runnable.
};

/// slice_left's answer for a thread that may run until it blocks or yields.
inline constexpr std::uint64_t kUnlimitedSlice = std::numeric_limits<std::uint64_t>::max();

/// A scheduling policy over Threads:
/// - `init_thread(t)` constructs the policy's data in t.policy_data (before any other call for
///   t), `release_thread(t)` destroys it (t is not queued);
/// - `check_params(t, p)` says whether t may take parameters p (Error::InvalidArgument, or
///   Error::Busy from admission control) and `apply_params(t, p)` records them (t not queued);
/// - `enqueue(t, reason, now)` makes t runnable; `remove(t)` takes a queued t out;
///   `pick_next(now)` takes the thread to run next out of the queue (nullptr if none);
/// - `account(t, ran_ns)` charges CPU time to the running t; `slice_left(t)` says how much more
///   it may run before it should be preempted (kUnlimitedSlice: until it blocks or yields);
/// - `preempts(woken, running)`: whether a thread that just became runnable should take the CPU
///   from the running one at once;
/// - `waits_before(a, b)`: whether a should be woken before b from a wait queue;
/// - `priority_changed(t)`: t's effective priority changed (priority inheritance) and, if it is
///   queued, its place must follow;
/// - `runnable()`: how many threads are queued; `name()`: the policy's name.
template <class P>
concept SchedulingPolicy = requires(P& p, const P& cp, Thread& t, const Thread& ct,
                                    const SchedParams& params, Enqueue reason, std::uint64_t ns) {
  { p.init_thread(t) } noexcept -> std::same_as<void>;
  { p.release_thread(t) } noexcept -> std::same_as<void>;
  { cp.check_params(ct, params) } noexcept -> std::same_as<Result<void>>;
  { p.apply_params(t, params) } noexcept -> std::same_as<void>;
  { p.enqueue(t, reason, ns) } noexcept -> std::same_as<void>;
  { p.remove(t) } noexcept -> std::same_as<void>;
  { p.pick_next(ns) } noexcept -> std::same_as<Thread*>;
  { p.account(t, ns) } noexcept -> std::same_as<void>;
  { cp.slice_left(ct) } noexcept -> std::same_as<std::uint64_t>;
  { cp.preempts(ct, ct) } noexcept -> std::same_as<bool>;
  { cp.waits_before(ct, ct) } noexcept -> std::same_as<bool>;
  { p.priority_changed(t) } noexcept -> std::same_as<void>;
  { cp.runnable() } noexcept -> std::same_as<std::size_t>;
  { cp.name() } noexcept -> std::same_as<std::string_view>;
};

/// The policy the image chose, as the core calls it. Defined by the image's glue
/// (tools/gen_image_glue.py), each as a direct call on the image's policy instance; see
/// SchedulingPolicy for what each does.
namespace bound_policy {
void init_thread(Thread& t) noexcept;
void release_thread(Thread& t) noexcept;
Result<void> check_params(const Thread& t, const SchedParams& params) noexcept;
void apply_params(Thread& t, const SchedParams& params) noexcept;
void enqueue(Thread& t, Enqueue reason, std::uint64_t now) noexcept;
void remove(Thread& t) noexcept;
Thread* pick_next(std::uint64_t now) noexcept;
void account(Thread& t, std::uint64_t ran_ns) noexcept;
std::uint64_t slice_left(const Thread& t) noexcept;
bool preempts(const Thread& woken, const Thread& running) noexcept;
bool waits_before(const Thread& a, const Thread& b) noexcept;
void priority_changed(Thread& t) noexcept;
std::size_t runnable() noexcept;
std::string_view name() noexcept;
}  // namespace bound_policy

}  // namespace mos::sched
