// Variables, options and positional parameters: export, readonly, unset, local, set, shift.
#include <stdlib.h>

#include <algorithm>

#include "builtins.hpp"
#include "expand.hpp"
#include "parser.hpp"

namespace mos::sh {

namespace {

void sorted_vars(Shell& sh, Vec<Var*>& out) {
  for (Var& v : sh.vars) out.push(&v);
  std::sort(out.begin(), out.end(), [](Var* a, Var* b) { return strcmp(a->name, b->name) < 0; });
}

int export_like(Shell& sh, int argc, char** argv, uint8_t flag, const char* word) {
  int i = 1;
  bool print = argc == 1;
  if (i < argc && strcmp(argv[i], "-p") == 0) {
    print = true;
    ++i;
  }
  if (print && i >= argc) {
    Vec<Var*> vars;
    sorted_vars(sh, vars);
    StrBuf out;
    for (Var* v : vars) {
      if (!(v->flags & flag)) continue;
      out.append(word);
      out.push(' ');
      append_assignment(out, v->name, v->value);
    }
    write_stdout(out);
    return 0;
  }
  int status = 0;
  for (; i < argc; ++i) {
    const char* eq = strchr(argv[i], '=');
    const size_t n = eq ? static_cast<size_t>(eq - argv[i]) : strlen(argv[i]);
    if (!is_name(argv[i], n)) {
      sh_error(sh, "%s: %s: bad variable name", word, argv[i]);
      status = 2;
      continue;
    }
    if (eq) {
      if (!set_var_assignment(sh, argv[i], flag)) status = 1;
    } else {
      Var* v = find_var(sh, argv[i]);
      if (v) {
        v->flags |= flag;
        if (flag == kVarExport && strcmp(v->name, "PATH") == 0 && v->value) {
          setenv("PATH", v->value, 1);
        }
      } else {
        sh.vars.push(Var{dup_str(argv[i]), nullptr, flag});
      }
    }
  }
  return status;
}

}  // namespace

int builtin_export(Shell& sh, int argc, char** argv) {
  return export_like(sh, argc, argv, kVarExport, "export");
}
int builtin_readonly(Shell& sh, int argc, char** argv) {
  return export_like(sh, argc, argv, kVarReadonly, "readonly");
}

int builtin_unset(Shell& sh, int argc, char** argv) {
  bool funcs = false;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    if (strcmp(argv[i], "-f") == 0) {
      funcs = true;
    } else if (strcmp(argv[i], "-v") == 0) {
      funcs = false;
    } else if (strcmp(argv[i], "--") == 0) {
      ++i;
      break;
    } else {
      sh_error(sh, "unset: Illegal option %s", argv[i]);
      return 2;
    }
  }
  int status = 0;
  for (; i < argc; ++i) {
    if (funcs) {
      unset_func(sh, argv[i]);
    } else if (!unset_var(sh, argv[i])) {
      status = 2;
    }
  }
  return status;
}

namespace {

struct OptionName {
  const char* name;
  char letter;
  bool Options::*field;
};

constexpr OptionName kOptionNames[] = {
    {"errexit", 'e', &Options::errexit},     {"noglob", 'f', &Options::noglob},
    {"nounset", 'u', &Options::nounset},     {"xtrace", 'x', &Options::xtrace},
    {"noclobber", 'C', &Options::noclobber}, {"allexport", 'a', &Options::allexport},
    {"noexec", 'n', &Options::noexec},       {"verbose", 'v', &Options::verbose},
    {"monitor", 'm', &Options::monitor},     {"interactive", 'i', &Options::interactive},
};

}  // namespace

bool set_option_letter(Shell& sh, char c, bool on) {
  for (const OptionName& o : kOptionNames) {
    if (o.letter == c) {
      if (c == 'n' && sh.opts.interactive) return true;  // noexec is ignored interactively.
      sh.opts.*o.field = on;
      return true;
    }
  }
  return false;
}

bool set_option_name(Shell& sh, const char* name, bool on) {
  for (const OptionName& o : kOptionNames) {
    if (strcmp(o.name, name) == 0) return set_option_letter(sh, o.letter, on);
  }
  return false;
}

int builtin_set(Shell& sh, int argc, char** argv) {
  if (argc == 1) {
    Vec<Var*> vars;
    sorted_vars(sh, vars);
    StrBuf out;
    for (Var* v : vars) {
      if (v->value) append_assignment(out, v->name, v->value);
    }
    write_stdout(out);
    return 0;
  }
  int i = 1;
  bool params = false;
  for (; i < argc; ++i) {
    const char* a = argv[i];
    if (strcmp(a, "--") == 0) {
      ++i;
      params = true;
      break;
    }
    if ((a[0] != '-' && a[0] != '+') || a[1] == '\0') {
      if (strcmp(a, "-") == 0) {
        sh.opts.xtrace = sh.opts.verbose = false;
        ++i;
      }
      params = i < argc || strcmp(a, "-") == 0;
      break;
    }
    const bool on = a[0] == '-';
    for (const char* p = a + 1; *p; ++p) {
      if (*p == 'o') {
        if (i + 1 >= argc) {
          StrBuf out;
          for (const OptionName& o : kOptionNames) {
            if (on) {
              out.append(o.name);
              for (size_t k = strlen(o.name); k < 16; ++k) out.push(' ');
              out.append(sh.opts.*o.field ? "on\n" : "off\n");
            } else {
              out.append("set ");
              out.append(sh.opts.*o.field ? "-o " : "+o ");
              out.append(o.name);
              out.push('\n');
            }
          }
          write_stdout(out);
          continue;
        }
        if (!set_option_name(sh, argv[++i], on)) {
          sh_error(sh, "set: Illegal option -o %s", argv[i]);
          return 2;
        }
        continue;
      }
      if (!set_option_letter(sh, *p, on)) {
        sh_error(sh, "set: Illegal option %c%c", a[0], *p);
        return 2;
      }
    }
  }
  if (params) {
    Vec<char*> fresh;
    for (; i < argc; ++i) fresh.push(dup_str(argv[i]));
    free_strings(sh.params);
    sh.params = static_cast<Vec<char*>&&>(fresh);
  }
  return 0;
}

int builtin_shift(Shell& sh, int argc, char** argv) {
  long n = 1;
  if (argc > 1 && !parse_count(argv[1], &n)) {
    sh_error(sh, "shift: Illegal number: %s", argv[1]);
    return 2;
  }
  if (static_cast<size_t>(n) > sh.params.size()) {
    sh_error(sh, "shift: can't shift that many");
    return 2;
  }
  for (long k = 0; k < n; ++k) {
    free(sh.params[0]);
    sh.params.erase(0);
  }
  return 0;
}

int builtin_local(Shell& sh, int argc, char** argv) {
  if (sh.local_frames.empty()) {
    sh_error(sh, "local: not in a function");
    return 2;
  }
  Vec<SavedVar>& frame = *sh.local_frames.back();
  for (int i = 1; i < argc; ++i) {
    const char* eq = strchr(argv[i], '=');
    char* name = eq ? dup_mem(argv[i], static_cast<size_t>(eq - argv[i])) : dup_str(argv[i]);
    if (!is_name(name, strlen(name))) {
      sh_error(sh, "local: %s: bad variable name", name);
      free(name);
      return 2;
    }
    save_var(sh, frame, name);
    if (eq) set_var(sh, name, eq + 1);
    free(name);
  }
  return 0;
}

}  // namespace mos::sh
