#pragma once
/// Runs a function in a forked child and reports how it ended and what it printed: the way host
/// tests check code that must panic or shut the "machine" down.

#include <string>
#include <type_traits>

namespace mos::host {

/// How a child ended.
struct ChildOutcome {
  int exit_status = -1;  ///< Exit status, or -1 if it died from a signal.
  int signal = 0;        ///< The signal that killed it, or 0.
  std::string output;    ///< Everything it wrote to stdout and stderr.
};

/// Forks, runs `body` in the child (which exits with status 0 if `body` returns), and collects
/// the child's output and status.
ChildOutcome run_in_child(void (*body)(void*), void* context);

/// Convenience for lambdas and other callables, temporaries or not: run_in_child([&] { ... }).
template <class F>
ChildOutcome run_in_child(F&& f) {
  using Callable = std::remove_reference_t<F>;
  return run_in_child([](void* p) { (*static_cast<Callable*>(p))(); },
                      const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace mos::host
