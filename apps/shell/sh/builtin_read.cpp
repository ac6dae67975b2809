// read and getopts.
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "builtins.hpp"

namespace mos::sh {

namespace {

bool in_ifs(const char* ifs, char c) {
  return c != '\0' && strchr(ifs, c) != nullptr;
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

}  // namespace

int builtin_read(Shell& sh, int argc, char** argv) {
  bool raw = false;
  const char* prompt = nullptr;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; ++i) {
    if (strcmp(argv[i], "--") == 0) {
      ++i;
      break;
    }
    for (const char* p = argv[i] + 1; *p; ++p) {
      if (*p == 'r') {
        raw = true;
      } else if (*p == 'p') {
        if (p[1] != '\0') {
          prompt = p + 1;
        } else if (i + 1 < argc) {
          prompt = argv[++i];
        } else {
          sh_error(sh, "read: No arg for -p option");
          return 2;
        }
        break;
      } else {
        sh_error(sh, "read: Illegal option -%c", *p);
        return 2;
      }
    }
  }
  if (prompt != nullptr && isatty(0)) write_str(2, prompt);
  // Read byte by byte: the rest of stdin belongs to whoever reads it next.
  StrBuf line;
  StrBuf escaped;  // 1 where the character was escaped by a backslash.
  bool eof = false;
  for (;;) {
    char c;
    const ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      eof = true;
      break;
    }
    if (c == '\n') break;
    if (c == '\\' && !raw) {
      char d;
      ssize_t r2;
      while ((r2 = read(0, &d, 1)) < 0 && errno == EINTR) {
      }
      if (r2 <= 0) {
        eof = true;
        break;
      }
      if (d == '\n') continue;
      line.push(d);
      escaped.push(1);
      continue;
    }
    line.push(c);
    escaped.push(0);
  }
  const char* ifs_var = get_var(sh, "IFS");
  const char* ifs = ifs_var ? ifs_var : " \t\n";
  Vec<const char*> names;
  for (; i < argc; ++i) names.push(argv[i]);
  if (names.empty()) names.push("REPLY");
  size_t pos = 0;
  const size_t n = line.size();
  auto sep = [&](size_t k) { return !escaped[k] && in_ifs(ifs, line[k]); };
  auto sep_space = [&](size_t k) { return sep(k) && is_space(line[k]); };
  while (pos < n && sep_space(pos)) ++pos;
  int status = eof ? 1 : 0;
  for (size_t k = 0; k < names.size(); ++k) {
    StrBuf value;
    if (k + 1 == names.size()) {
      size_t end = n;
      while (end > pos && sep_space(end - 1)) --end;
      value.append(line.c_str() + pos, end > pos ? end - pos : 0);
    } else {
      while (pos < n && !sep(pos)) value.push(line[pos++]);
      while (pos < n && sep_space(pos)) ++pos;
      if (pos < n && sep(pos)) {
        ++pos;
        while (pos < n && sep_space(pos)) ++pos;
      }
    }
    if (!set_var(sh, names[k], value.c_str())) status = 2;
  }
  return status;
}

int builtin_getopts(Shell& sh, int argc, char** argv) {
  if (argc < 3) {
    sh_error(sh, "getopts: usage: getopts optstring var [arg...]");
    return 2;
  }
  const char* optstring = argv[1];
  const char* name = argv[2];
  Vec<char*> args;
  if (argc > 3) {
    for (int k = 3; k < argc; ++k) args.push(argv[k]);
  } else {
    for (char* p : sh.params) args.push(p);
  }
  const char* optind_text = get_var(sh, "OPTIND");
  long opt_index = optind_text ? strtol(optind_text, nullptr, 10) : 1;
  if (opt_index < 1) opt_index = 1;
  if (opt_index != sh.getopts_optind) sh.getopts_char = 1;
  const bool silent = optstring[0] == ':';
  auto finish = [&](const char* value, long next_optind) {
    set_var(sh, name, value);
    StrBuf t;
    t.append_long(next_optind);
    set_var(sh, "OPTIND", t.c_str());
    sh.getopts_optind = next_optind;
  };
  if (static_cast<size_t>(opt_index) > args.size()) {
    finish("?", opt_index);
    return 1;
  }
  const char* arg = args[static_cast<size_t>(opt_index) - 1];
  if (sh.getopts_char == 1) {
    if (arg[0] != '-' || arg[1] == '\0') {
      finish("?", opt_index);
      return 1;
    }
    if (strcmp(arg, "--") == 0) {
      finish("?", opt_index + 1);
      return 1;
    }
  }
  const char c = arg[sh.getopts_char];
  ++sh.getopts_char;
  long next = opt_index;
  const bool at_end = arg[sh.getopts_char] == '\0';
  const char* spec = c != ':' ? strchr(optstring, c) : nullptr;
  char letter[2] = {c, '\0'};
  if (spec == nullptr) {
    if (at_end) {
      ++next;
      sh.getopts_char = 1;
    }
    if (silent) {
      set_var(sh, "OPTARG", letter);
    } else {
      unset_var(sh, "OPTARG");
      sh_error(sh, "Illegal option -%c", c);
    }
    finish("?", next);
    return 0;
  }
  if (spec[1] == ':') {
    if (!at_end) {
      set_var(sh, "OPTARG", arg + sh.getopts_char);
      next = opt_index + 1;
    } else if (static_cast<size_t>(opt_index) < args.size()) {
      set_var(sh, "OPTARG", args[static_cast<size_t>(opt_index)]);
      next = opt_index + 2;
    } else {
      sh.getopts_char = 1;
      if (silent) {
        set_var(sh, "OPTARG", letter);
        finish(":", opt_index + 1);
      } else {
        unset_var(sh, "OPTARG");
        sh_error(sh, "No arg for -%c option", c);
        finish("?", opt_index + 1);
      }
      return 0;
    }
    sh.getopts_char = 1;
    finish(letter, next);
    return 0;
  }
  unset_var(sh, "OPTARG");
  if (at_end) {
    ++next;
    sh.getopts_char = 1;
  }
  finish(letter, next);
  return 0;
}

}  // namespace mos::sh
