#pragma once
/// ScopeGuard: runs a callable when a scope ends, however it ends, unless dismissed. The way to
/// undo half-finished work on every early `return` (MOS_TRY included) without repeating the undo
/// on each path: `ScopeGuard undo([&] { free_frame(f); }); ...; undo.dismiss();`.

#include <concepts>
#include <type_traits>
#include <utility>

namespace mos {

/// Calls a copy of `F` once, at destruction, unless dismiss() was called first.
template <class F>
  requires std::invocable<F&> && std::is_nothrow_move_constructible_v<F>
class [[nodiscard]] ScopeGuard {
 public:
  /// Arms the guard with `f`.
  constexpr explicit ScopeGuard(F f) noexcept : f_(std::move(f)) {}
  /// Takes over `other`'s duty: only the new guard will run the callable.
  constexpr ScopeGuard(ScopeGuard&& other) noexcept
      : f_(std::move(other.f_)), armed_(std::exchange(other.armed_, false)) {}
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
  ScopeGuard& operator=(ScopeGuard&&) = delete;
  /// Runs the callable unless the guard was dismissed or moved from.
  constexpr ~ScopeGuard() {
    if (armed_) f_();
  }

  /// Disarms the guard: the work it would undo has been committed.
  constexpr void dismiss() noexcept { armed_ = false; }
  /// Whether the guard will still run its callable.
  constexpr bool armed() const noexcept { return armed_; }

 private:
  F f_;
  bool armed_ = true;
};

/// `ScopeGuard guard([&] { ... });` deduces the lambda's type; a function decays to a pointer.
template <class F>
ScopeGuard(F) -> ScopeGuard<F>;

}  // namespace mos
