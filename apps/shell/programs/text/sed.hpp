#pragma once
/// sed's compiled script, shared by its parser (sed_script.cpp) and its executor (sed.cpp).

#include <regex.h>

#include "common.hpp"

namespace mos::programs::sed {

/// What an address selects.
enum class AddressKind {
  None,
  Line,
  Last,
  Regex,
  Step,      ///< first~step (GNU).
  Relative,  ///< addr1,+N (GNU): `line` holds N.
};

/// One address of a command.
struct Address {
  AddressKind kind = AddressKind::None;
  size_t line = 0;           ///< Line, or the first line of first~step.
  size_t step = 0;           ///< first~step.
  regex_t* regex = nullptr;  ///< Regex; nullptr means "the last regex used" (//).
};

/// One command with its addresses and arguments.
struct Command {
  Address first;
  Address last;           ///< AddressKind::None unless a range.
  bool negate = false;    ///< '!'.
  bool in_range = false;  ///< Runtime: inside first,last.
  size_t range_end = 0;   ///< Runtime: the last line of an addr1,+N range.
  char name = 0;          ///< The command letter ('{', '}', 's', 'p', ...).
  regex_t* regex = nullptr;     ///< s: nullptr means the last regex used.
  char* replacement = nullptr;  ///< s: owned; backslash escapes kept for expansion.
  bool global = false;          ///< s: g.
  bool print = false;           ///< s: p.
  size_t occurrence = 1;        ///< s: N.
  unsigned char* map = nullptr;  ///< y: 256 entries, owned.
  char* text = nullptr;          ///< a i c: owned; b t T ':': the label, owned.
  size_t jump = 0;               ///< b t T: target index; '{': index after the matching '}'.
  int exit_code = 0;             ///< q Q.
};

/// A parsed script: commands plus the regexes they own.
struct Script {
  Script() = default;
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;
  ~Script();

  text::Array<Command> commands;
  text::Array<regex_t*> regexes;  ///< Owned, freed with regfree + free.
  bool extended = false;          ///< -E/-r.
  int error_status = 1;           ///< Exit status after a parse error (GNU: 4 for labels).
};

/// Parses `source` (the -e pieces joined by newlines) into `script`; prints
/// "sed: -e expression #1, char N: MESSAGE" and returns false on an error.
bool parse_script(const char* source, Script& script);

}  // namespace mos::programs::sed
