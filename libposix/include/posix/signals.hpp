#pragma once
/// Signals: Linux's numbers, sets of them, what each does by default, and what a process asks
/// for one (an action). Handlers are plain functions that libposix calls on the process's own
/// thread at a safe point (the end of a libposix call, or a wait it interrupts): a linked app
/// runs in the kernel, so there is no user stack frame to build.

#include <cstdint>
#include <string_view>

namespace mos::posix {

/// Signal numbers (Linux x86_64).
namespace sig {
inline constexpr int kHangup = 1, kInterrupt = 2, kQuit = 3, kIllegal = 4, kTrap = 5, kAbort = 6,
                     kBus = 7, kFloatingPoint = 8, kKill = 9, kUser1 = 10, kSegv = 11, kUser2 = 12,
                     kPipe = 13, kAlarm = 14, kTerminate = 15, kStackFault = 16, kChild = 17,
                     kContinue = 18, kStop = 19, kTerminalStop = 20, kTerminalIn = 21,
                     kTerminalOut = 22, kUrgent = 23, kCpuLimit = 24, kFileLimit = 25,
                     kVirtualAlarm = 26, kProfile = 27, kWindowChange = 28, kIo = 29, kPower = 30,
                     kSys = 31;
/// Signals are 1..kMax (32..64 are the real-time ones; they queue only once here).
inline constexpr int kMax = 64;
}  // namespace sig

/// Whether `signal` is a valid signal number.
constexpr bool valid_signal(int signal) noexcept {
  return signal >= 1 && signal <= sig::kMax;
}

/// A set of signals (sigset_t).
class SignalSet {
 public:
  constexpr SignalSet() noexcept = default;
  constexpr explicit SignalSet(std::uint64_t bits) noexcept : bits_(bits) {}
  static constexpr SignalSet of(int signal) noexcept {
    return SignalSet(std::uint64_t{1} << (signal - 1));
  }
  static constexpr SignalSet all() noexcept { return SignalSet(~std::uint64_t{0}); }

  constexpr bool has(int signal) const noexcept { return (bits_ & of(signal).bits_) != 0; }
  constexpr void add(int signal) noexcept { bits_ |= of(signal).bits_; }
  constexpr void remove(int signal) noexcept { bits_ &= ~of(signal).bits_; }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr std::uint64_t bits() const noexcept { return bits_; }
  /// The lowest signal in the set (0 if empty).
  constexpr int first() const noexcept { return bits_ == 0 ? 0 : __builtin_ctzll(bits_) + 1; }
  constexpr SignalSet operator|(SignalSet o) const noexcept { return SignalSet(bits_ | o.bits_); }
  constexpr SignalSet operator&(SignalSet o) const noexcept { return SignalSet(bits_ & o.bits_); }
  constexpr SignalSet operator~() const noexcept { return SignalSet(~bits_); }
  friend constexpr bool operator==(SignalSet, SignalSet) noexcept = default;

 private:
  std::uint64_t bits_ = 0;
};

/// SIGKILL and SIGSTOP: never caught, blocked or ignored.
inline constexpr SignalSet kUnblockable = SignalSet::of(sig::kKill) | SignalSet::of(sig::kStop);

/// What a signal does when its action is SIG_DFL.
enum class DefaultAction : std::uint8_t { Terminate, CoreDump, Ignore, Stop, Continue };
/// The default action of `signal` (POSIX's table; real-time signals terminate).
DefaultAction default_action(int signal) noexcept;

/// The signal's name without "SIG" ("INT"), or an empty view for an unknown number.
std::string_view signal_name(int signal) noexcept;
/// The number of a name with or without "SIG" ("INT", "SIGINT"), or 0.
int signal_number(std::string_view name) noexcept;

/// What sigaction(2) tells a signal to do.
struct SignalAction {
  /// SIG_DFL, SIG_IGN, or a function to call (sa_handler, or sa_sigaction with kSigInfo).
  enum class Kind : std::uint8_t { Default, Ignore, Handler } kind = Kind::Default;
  void (*handler)(int) = nullptr;
  void (*info_handler)(int, void* info, void* context) = nullptr;
  SignalSet mask;           ///< Blocked while the handler runs (with the signal itself).
  std::uint32_t flags = 0;  ///< SA_* flags (Linux values).
};

/// SA_* flags (Linux values).
namespace action_flags {
inline constexpr std::uint32_t kNoChildStop = 1, kNoChildWait = 2, kSigInfo = 4,
                               kRestart = 0x10000000, kNoDefer = 0x40000000,
                               kResetHand = 0x80000000;
}  // namespace action_flags

/// What a handler with kSigInfo receives (the first fields of Linux's siginfo_t).
struct SignalInfo {
  int signo = 0;
  int errno_value = 0;
  int code = 0;
  int padding = 0;
  std::int32_t pid = 0;  ///< The sender (si_pid) or the child (SIGCHLD).
  std::uint32_t uid = 0;
  int status = 0;  ///< SIGCHLD: the exit status or the signal.
};

}  // namespace mos::posix
