#pragma once
/// mos::Result<T, E> — a value or an error, with the surface of std::expected, and MOS_TRY.

#include <k/error.hpp>
#include <k/panic.hpp>

#include <concepts>
#include <new>
#include <type_traits>
#include <utility>

namespace mos {

/// Wraps an error so that it can initialise any Result (std::unexpected's role).
template <class E>
class Unexpected {
 public:
  constexpr explicit Unexpected(E error) noexcept : error_(std::move(error)) {}
  constexpr const E& error() const& noexcept { return error_; }
  constexpr E&& error() && noexcept { return std::move(error_); }

 private:
  E error_;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

/// Either a T or an error E (by default mos::Error). Marked [[nodiscard]]: an ignored Result is
/// an ignored error. Besides std::expected's surface, a Result<T, E> converts implicitly from a
/// bare E (`return Error::NoEntry;`), which is unambiguous because T and E differ.
template <class T, class E = Error>
class [[nodiscard]] Result {
  static_assert(!std::is_reference_v<T>, "Result<T&> is not supported; use a pointer");
  static_assert(!std::is_same_v<std::remove_cv_t<T>, E>, "T and E must differ");

 public:
  using value_type = T;
  using error_type = E;

  constexpr Result() noexcept(std::is_nothrow_default_constructible_v<T>)
    requires std::is_default_constructible_v<T>
      : has_value_(true) {
    new (&value_) T();
  }
  template <class U = T>
    requires(std::is_constructible_v<T, U &&> &&
             !std::is_same_v<std::remove_cvref_t<U>, Result> &&
             !std::is_same_v<std::remove_cvref_t<U>, E> &&
             !std::is_same_v<std::remove_cvref_t<U>, Unexpected<E>>)
  constexpr Result(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>)  // NOLINT
      : has_value_(true) {
    new (&value_) T(std::forward<U>(value));
  }
  constexpr Result(E error) noexcept : has_value_(false) {  // NOLINT: implicit by design
    new (&error_) E(std::move(error));
  }
  template <class G>
    requires std::is_constructible_v<E, G>
  constexpr Result(Unexpected<G> u) noexcept : has_value_(false) {  // NOLINT
    new (&error_) E(std::move(u).error());
  }
  constexpr Result(const Result& other) : has_value_(other.has_value_) {
    if (has_value_) {
      new (&value_) T(other.value_);
    } else {
      new (&error_) E(other.error_);
    }
  }
  constexpr Result(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>)
      : has_value_(other.has_value_) {
    if (has_value_) {
      new (&value_) T(std::move(other.value_));
    } else {
      new (&error_) E(std::move(other.error_));
    }
  }
  constexpr Result& operator=(const Result& other) {
    if (this != &other) {
      destroy();
      new (this) Result(other);
    }
    return *this;
  }
  constexpr Result& operator=(Result&& other) noexcept(std::is_nothrow_move_constructible_v<T>) {
    if (this != &other) {
      destroy();
      new (this) Result(std::move(other));
    }
    return *this;
  }
  constexpr ~Result() { destroy(); }

  constexpr bool has_value() const noexcept { return has_value_; }
  constexpr explicit operator bool() const noexcept { return has_value_; }

  /// The value. Asking for the value of an error is a programmer error and panics.
  constexpr T& value() & noexcept { check_value(); return value_; }
  constexpr const T& value() const& noexcept { check_value(); return value_; }
  constexpr T&& value() && noexcept { check_value(); return std::move(value_); }
  constexpr T& operator*() & noexcept { return value(); }
  constexpr const T& operator*() const& noexcept { return value(); }
  constexpr T&& operator*() && noexcept { return std::move(*this).value(); }
  constexpr T* operator->() noexcept { return &value(); }
  constexpr const T* operator->() const noexcept { return &value(); }

  /// The error. Asking for the error of a value is a programmer error and panics.
  constexpr const E& error() const& noexcept { check_error(); return error_; }
  constexpr E&& error() && noexcept { check_error(); return std::move(error_); }

  template <class U>
  constexpr T value_or(U&& fallback) const& {
    return has_value_ ? value_ : static_cast<T>(std::forward<U>(fallback));
  }

  /// Calls f(value) (which returns a Result with the same E) or passes the error on.
  template <class F>
  constexpr auto and_then(F&& f) && {
    using R = std::remove_cvref_t<std::invoke_result_t<F, T&&>>;
    if (has_value_) return std::forward<F>(f)(std::move(value_));
    return R(Unexpected<E>(std::move(error_)));
  }
  /// Maps the value through f, keeping an error as it is.
  template <class F>
  constexpr auto transform(F&& f) && {
    using U = std::remove_cvref_t<std::invoke_result_t<F, T&&>>;
    if (has_value_) return Result<U, E>(std::forward<F>(f)(std::move(value_)));
    return Result<U, E>(Unexpected<E>(std::move(error_)));
  }

 private:
  constexpr void destroy() noexcept {
    if (has_value_) {
      value_.~T();
    } else {
      error_.~E();
    }
  }
  constexpr void check_value() const noexcept {
    if (!has_value_) [[unlikely]] detail::result_access_failed("value() of an error Result");
  }
  constexpr void check_error() const noexcept {
    if (has_value_) [[unlikely]] detail::result_access_failed("error() of a value Result");
  }

  bool has_value_;
  union {
    T value_;
    E error_;
  };
};

/// Success or an error.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  constexpr Result() noexcept : has_value_(true), error_() {}
  constexpr Result(E error) noexcept : has_value_(false), error_(std::move(error)) {}  // NOLINT
  template <class G>
    requires std::is_constructible_v<E, G>
  constexpr Result(Unexpected<G> u) noexcept  // NOLINT
      : has_value_(false), error_(std::move(u).error()) {}

  constexpr bool has_value() const noexcept { return has_value_; }
  constexpr explicit operator bool() const noexcept { return has_value_; }
  constexpr void value() const noexcept {
    if (!has_value_) [[unlikely]] detail::result_access_failed("value() of an error Result");
  }
  constexpr const E& error() const& noexcept {
    if (has_value_) [[unlikely]] detail::result_access_failed("error() of a value Result");
    return error_;
  }
  constexpr E error() && noexcept { return static_cast<const Result&>(*this).error(); }

 private:
  bool has_value_;
  E error_;
};

}  // namespace mos

/// Evaluates a Result expression; on error returns the error from the enclosing function, else
/// yields the value. The enclosing function must return a Result whose error type accepts it.
#define MOS_TRY(expr)                                                               \
  __extension__({                                                                   \
    auto&& mos_try_result_ = (expr);                                                \
    if (!mos_try_result_.has_value()) [[unlikely]]                                  \
      return ::mos::Unexpected(std::move(mos_try_result_).error());                 \
    std::move(mos_try_result_).value();                                             \
  })
