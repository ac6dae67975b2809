#include <posix/signals.hpp>

#include <array>

namespace mos::posix {
namespace {

struct SignalDescription {
  std::string_view name;
  DefaultAction action;
};

using enum DefaultAction;
// Indexed by number - 1, for 1..31 ([posix] signal.h, Linux's numbering).
constexpr std::array<SignalDescription, 31> kSignals = {{
    {"HUP", Terminate},  {"INT", Terminate},    {"QUIT", CoreDump},  {"ILL", CoreDump},
    {"TRAP", CoreDump},  {"ABRT", CoreDump},    {"BUS", CoreDump},   {"FPE", CoreDump},
    {"KILL", Terminate}, {"USR1", Terminate},   {"SEGV", CoreDump},  {"USR2", Terminate},
    {"PIPE", Terminate}, {"ALRM", Terminate},   {"TERM", Terminate}, {"STKFLT", Terminate},
    {"CHLD", Ignore},    {"CONT", Continue},    {"STOP", Stop},      {"TSTP", Stop},
    {"TTIN", Stop},      {"TTOU", Stop},        {"URG", Ignore},     {"XCPU", CoreDump},
    {"XFSZ", CoreDump},  {"VTALRM", Terminate}, {"PROF", Terminate}, {"WINCH", Ignore},
    {"IO", Terminate},   {"PWR", Terminate},    {"SYS", CoreDump},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'a' && a[i] <= 'z' ? static_cast<char>(a[i] - 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

DefaultAction default_action(int signal) noexcept {
  if (signal >= 1 && signal <= 31) return kSignals[signal - 1].action;
  return Terminate;
}

std::string_view signal_name(int signal) noexcept {
  if (signal >= 1 && signal <= 31) return kSignals[signal - 1].name;
  return {};
}

int signal_number(std::string_view name) noexcept {
  if (name.size() > 3 && equal_ignoring_case(name.substr(0, 3), "SIG")) name.remove_prefix(3);
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    if (equal_ignoring_case(name, kSignals[i].name)) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace mos::posix
