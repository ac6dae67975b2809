// The builtins that manage the shell's own state: variables, options, directories, aliases,
// functions, control flow. (test, read, getopts, trap and the job builtins live elsewhere.)
#include "builtins.hpp"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "exec.hpp"
#include "expand.hpp"
#include "line_reader.hpp"
#include "parser.hpp"

namespace mos::sh {

namespace {

void out_str(StrBuf& out) {
  write_all(1, out.c_str(), out.size());
}

bool parse_count(const char* s, long* out) {
  char* end = nullptr;
  errno = 0;
  const long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno != 0 || v < 0) return false;
  *out = v;
  return true;
}

int bi_colon(Shell&, int, char**) {
  return 0;
}
int bi_false(Shell&, int, char**) {
  return 1;
}

int bi_break(Shell& sh, int argc, char** argv) {
  long n = 1;
  if (argc > 1 && (!parse_count(argv[1], &n) || n == 0)) {
    sh_error(sh, "%s: Illegal number: %s", argv[0], argv[1]);
    return 2;
  }
  if (sh.loop_depth == 0) return 0;
  if (n > sh.loop_depth) n = sh.loop_depth;
  sh.flow = argv[0][0] == 'b' ? Flow::Break : Flow::Continue;
  sh.flow_count = static_cast<int>(n);
  return 0;
}

int bi_return(Shell& sh, int argc, char** argv) {
  long n = sh.status;
  if (argc > 1) {
    char* end = nullptr;
    n = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0') {
      sh_error(sh, "return: Illegal number: %s", argv[1]);
      return 2;
    }
  }
  sh.flow = Flow::Return;
  sh.status = static_cast<int>(n & 0xff);
  return sh.status;
}

int bi_exit(Shell& sh, int argc, char** argv) {
  long n = sh.status;
  if (argc > 1) {
    char* end = nullptr;
    n = strtol(argv[1], &end, 10);
    if (end == argv[1] || *end != '\0') {
      sh_error(sh, "exit: Illegal number: %s", argv[1]);
      n = 2;
    }
  }
  sh.flow = Flow::Exit;
  sh.exit_requested = true;
  sh.status = static_cast<int>(n & 0xff);
  return sh.status;
}

// echo as dash does it: only -n (as the first argument) is an option; escapes are always on.
int bi_echo(Shell&, int argc, char** argv) {
  StrBuf out;
  int i = 1;
  bool newline = true;
  if (argc > 1 && strcmp(argv[1], "-n") == 0) {
    newline = false;
    i = 2;
  }
  for (; i < argc; ++i) {
    for (const char* p = argv[i]; *p; ++p) {
      if (*p != '\\' || p[1] == '\0') {
        out.push(*p);
        continue;
      }
      ++p;
      switch (*p) {
        case 'a':
          out.push('\a');
          break;
        case 'b':
          out.push('\b');
          break;
        case 'c':
          out_str(out);
          return 0;
        case 'f':
          out.push('\f');
          break;
        case 'n':
          out.push('\n');
          break;
        case 'r':
          out.push('\r');
          break;
        case 't':
          out.push('\t');
          break;
        case 'v':
          out.push('\v');
          break;
        case '\\':
          out.push('\\');
          break;
        case '0': {
          int v = 0;
          for (int k = 0; k < 3 && p[1] >= '0' && p[1] <= '7'; ++k) v = v * 8 + (*++p - '0');
          out.push(static_cast<char>(v));
          break;
        }
        default:
          out.push('\\');
          out.push(*p);
          break;
      }
    }
    if (i + 1 < argc) out.push(' ');
  }
  if (newline) out.push('\n');
  out_str(out);
  return 0;
}

// Lexical clean-up of an absolute path: removes ".", "..", and duplicate slashes.
void normalize_path(const char* path, StrBuf& out) {
  out.clear();
  const char* p = path;
  while (*p) {
    while (*p == '/') ++p;
    const char* start = p;
    while (*p && *p != '/') ++p;
    const size_t n = static_cast<size_t>(p - start);
    if (n == 0 || (n == 1 && start[0] == '.')) continue;
    if (n == 2 && start[0] == '.' && start[1] == '.') {
      size_t k = out.size();
      while (k > 0 && out[k - 1] != '/') --k;
      out.truncate(k > 0 ? k - 1 : 0);
      continue;
    }
    out.push('/');
    out.append(start, n);
  }
  if (out.empty()) out.push('/');
}

bool try_cd(Shell& sh, const char* dir, StrBuf& new_pwd) {
  StrBuf logical;
  if (dir[0] == '/') {
    normalize_path(dir, logical);
  } else {
    const char* pwd = get_var(sh, "PWD");
    StrBuf joined;
    if (pwd && pwd[0] == '/') {
      joined.append(pwd);
    } else {
      char cwd[512];
      if (getcwd(cwd, sizeof cwd) == nullptr) return chdir(dir) == 0;
      joined.append(cwd);
    }
    joined.push('/');
    joined.append(dir);
    normalize_path(joined.c_str(), logical);
  }
  if (chdir(logical.c_str()) == 0) {
    new_pwd.append(logical.c_str());
    return true;
  }
  if (chdir(dir) != 0) return false;
  char cwd[512];
  if (getcwd(cwd, sizeof cwd) != nullptr) new_pwd.append(cwd);
  return true;
}

int bi_cd(Shell& sh, int argc, char** argv) {
  int i = 1;
  while (i < argc && (strcmp(argv[i], "-L") == 0 || strcmp(argv[i], "-P") == 0)) ++i;
  const char* dir = i < argc ? argv[i] : get_var(sh, "HOME");
  bool print = false;
  if (dir == nullptr) {
    sh_error(sh, "cd: HOME not set");
    return 2;
  }
  if (strcmp(dir, "-") == 0) {
    dir = get_var(sh, "OLDPWD");
    if (dir == nullptr) {
      sh_error(sh, "cd: OLDPWD not set");
      return 2;
    }
    print = true;
  }
  StrBuf new_pwd;
  bool ok = false;
  const char* cdpath = get_var(sh, "CDPATH");
  if (cdpath && dir[0] != '/' && strncmp(dir, "./", 2) != 0 && strncmp(dir, "../", 3) != 0 &&
      strcmp(dir, ".") != 0 && strcmp(dir, "..") != 0) {
    for (const char* p = cdpath; !ok;) {
      const char* colon = strchr(p, ':');
      const size_t n = colon ? static_cast<size_t>(colon - p) : strlen(p);
      StrBuf cand;
      if (n > 0) {
        cand.append(p, n);
        cand.push('/');
      }
      cand.append(dir);
      struct stat st;
      if (stat(cand.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        ok = try_cd(sh, cand.c_str(), new_pwd);
        if (ok && n > 0) print = true;
      }
      if (colon == nullptr) break;
      p = colon + 1;
    }
  }
  if (!ok) ok = try_cd(sh, dir, new_pwd);
  if (!ok) {
    sh_error(sh, "cd: can't cd to %s", dir);
    return 2;
  }
  const char* old = get_var(sh, "PWD");
  char* old_copy = dup_str(old);
  if (old_copy) set_var(sh, "OLDPWD", old_copy, kVarExport);
  free(old_copy);
  set_var(sh, "PWD", new_pwd.c_str(), kVarExport);
  if (print) {
    StrBuf out;
    out.append(new_pwd.c_str());
    out.push('\n');
    out_str(out);
  }
  return 0;
}

int bi_pwd(Shell& sh, int argc, char** argv) {
  const bool physical = argc > 1 && strcmp(argv[1], "-P") == 0;
  StrBuf out;
  const char* pwd = get_var(sh, "PWD");
  if (!physical && pwd && pwd[0] == '/') {
    out.append(pwd);
  } else {
    char cwd[512];
    if (getcwd(cwd, sizeof cwd) == nullptr) {
      sh_error(sh, "pwd: %s", strerror(errno));
      return 2;
    }
    out.append(cwd);
  }
  out.push('\n');
  out_str(out);
  return 0;
}

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
      out.append(v->name);
      if (v->value) {
        out.push('=');
        quote_for_shell(v->value, out);
      }
      out.push('\n');
    }
    out_str(out);
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

int bi_export(Shell& sh, int argc, char** argv) {
  return export_like(sh, argc, argv, kVarExport, "export");
}
int bi_readonly(Shell& sh, int argc, char** argv) {
  return export_like(sh, argc, argv, kVarReadonly, "readonly");
}

int bi_unset(Shell& sh, int argc, char** argv) {
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

namespace {

int bi_set(Shell& sh, int argc, char** argv) {
  if (argc == 1) {
    Vec<Var*> vars;
    sorted_vars(sh, vars);
    StrBuf out;
    for (Var* v : vars) {
      if (!v->value) continue;
      out.append(v->name);
      out.push('=');
      quote_for_shell(v->value, out);
      out.push('\n');
    }
    out_str(out);
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
          out_str(out);
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

int bi_shift(Shell& sh, int argc, char** argv) {
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

int bi_eval(Shell& sh, int argc, char** argv) {
  StrBuf text;
  for (int i = 1; i < argc; ++i) {
    if (i > 1) text.push(' ');
    text.append(argv[i]);
  }
  if (sh.eval_depth >= kMaxCallDepth) {
    sh_error(sh, "eval: nested too deeply");
    return 2;
  }
  ++sh.eval_depth;
  sh.status = 0;
  const int status = run_string(sh, text.c_str());
  --sh.eval_depth;
  return status;
}

int bi_dot(Shell& sh, int argc, char** argv) {
  if (argc < 2) {
    sh_error(sh, ".: filename argument required");
    return 2;
  }
  char* path = find_in_path(sh, argv[1], false);
  const int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  free(path);
  if (fd < 0) {
    sh_error(sh, ".: cannot open %s: No such file", argv[1]);
    if (!sh.opts.interactive) {
      sh.flow = Flow::Exit;
      sh.exit_requested = true;
      sh.status = 2;
    }
    return 2;
  }
  if (sh.eval_depth >= kMaxCallDepth) {
    close(fd);
    sh_error(sh, ".: nested too deeply");
    return 2;
  }
  add_private_fd(sh, fd);
  Vec<char*> saved_params;
  const bool has_args = argc > 2;
  if (has_args) {
    saved_params = static_cast<Vec<char*>&&>(sh.params);
    for (int i = 2; i < argc; ++i) sh.params.push(dup_str(argv[i]));
  }
  FdLineReader reader;
  init_fd_reader(reader, fd, true);
  reader.echo_to = &sh;
  Input in;
  in.set_line_source(fd_read_line, &reader);
  ++sh.eval_depth;
  sh.status = 0;
  const int saved_line = sh.lineno;
  int status = run_input(sh, in, false);
  sh.lineno = saved_line;
  --sh.eval_depth;
  if (sh.flow == Flow::Return && sh.func_depth == 0) {
    sh.flow = Flow::None;
    status = sh.status;
  }
  destroy_fd_reader(reader);
  remove_private_fd(sh, fd);
  close(fd);
  if (has_args) {
    free_strings(sh.params);
    sh.params = static_cast<Vec<char*>&&>(saved_params);
  }
  return status;
}

int bi_exec_stub(Shell&, int, char**) {
  return 0;
}

// Describes `name` for type / command -v / command -V. Returns false if not found.
bool describe(Shell& sh, const char* name, bool verbose, StrBuf& out) {
  static constexpr const char* kKeywords[] = {"if",   "then", "else", "elif",  "fi",    "do",
                                              "done", "case", "esac", "while", "until", "for",
                                              "{",    "}",    "!",    "in"};
  for (const char* k : kKeywords) {
    if (strcmp(k, name) == 0) {
      out.append(name);
      out.append(verbose ? " is a shell keyword\n" : "\n");
      return true;
    }
  }
  if (const char* a = find_alias(sh, name)) {
    if (verbose) {
      out.append(name);
      out.append(" is an alias for ");
      out.append(a);
    } else {
      out.append("alias ");
      out.append(name);
      out.push('=');
      quote_for_shell(a, out);
    }
    out.push('\n');
    return true;
  }
  if (find_func(sh, name)) {
    out.append(name);
    out.append(verbose ? " is a shell function\n" : "\n");
    return true;
  }
  if (const Builtin* b = find_builtin(name)) {
    out.append(name);
    out.append(verbose ? (b->special ? " is a special shell builtin\n" : " is a shell builtin\n")
                       : "\n");
    return true;
  }
  char* path = find_in_path(sh, name, true);
  if (path == nullptr) {
    if (verbose) {
      out.append(name);
      out.append(": not found\n");
    }
    return false;
  }
  if (verbose) {
    out.append(name);
    out.append(" is ");
  }
  out.append(path);
  out.push('\n');
  free(path);
  return true;
}

int bi_type(Shell& sh, int argc, char** argv) {
  int status = 0;
  StrBuf out;
  for (int i = 1; i < argc; ++i) {
    if (!describe(sh, argv[i], true, out)) status = 127;
  }
  out_str(out);
  return status;
}

int bi_command(Shell& sh, int argc, char** argv) {
  if (argc < 2) return 0;
  if (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "-V") == 0) {
    const bool verbose = argv[1][1] == 'V';
    int status = 0;
    StrBuf out;
    for (int i = 2; i < argc; ++i) {
      if (!describe(sh, argv[i], verbose, out)) status = 127;
    }
    out_str(out);
    return status;
  }
  sh_error(sh, "command: Illegal option %s", argv[1]);
  return 2;
}

int bi_alias(Shell& sh, int argc, char** argv) {
  StrBuf out;
  int status = 0;
  if (argc == 1) {
    for (Alias& a : sh.aliases) {
      out.append(a.name);
      out.push('=');
      quote_for_shell(a.value, out);
      out.push('\n');
    }
  }
  for (int i = 1; i < argc; ++i) {
    const char* eq = strchr(argv[i], '=');
    if (eq == nullptr) {
      const char* v = find_alias(sh, argv[i]);
      if (v == nullptr) {
        sh_error(sh, "alias: %s not found", argv[i]);
        status = 1;
        continue;
      }
      out.append(argv[i]);
      out.push('=');
      quote_for_shell(v, out);
      out.push('\n');
      continue;
    }
    char* name = dup_mem(argv[i], static_cast<size_t>(eq - argv[i]));
    bool found = false;
    for (Alias& a : sh.aliases) {
      if (strcmp(a.name, name) == 0) {
        free(a.value);
        a.value = dup_str(eq + 1);
        found = true;
      }
    }
    if (found) {
      free(name);
    } else {
      sh.aliases.push(Alias{name, dup_str(eq + 1)});
    }
  }
  out_str(out);
  return status;
}

int bi_unalias(Shell& sh, int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "-a") == 0) {
    for (Alias& a : sh.aliases) {
      free(a.name);
      free(a.value);
    }
    sh.aliases.clear();
    return 0;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    bool found = false;
    for (size_t k = 0; k < sh.aliases.size(); ++k) {
      if (strcmp(sh.aliases[k].name, argv[i]) == 0) {
        free(sh.aliases[k].name);
        free(sh.aliases[k].value);
        sh.aliases.erase(k);
        found = true;
        break;
      }
    }
    if (!found) {
      sh_error(sh, "unalias: %s not found", argv[i]);
      status = 1;
    }
  }
  return status;
}

int bi_history(Shell& sh, int, char**) {
  StrBuf out;
  for (size_t i = 0; i < sh.history.size(); ++i) {
    StrBuf num;
    num.append_long(static_cast<long>(sh.history.first_number() + i));
    for (size_t k = num.size(); k < 5; ++k) out.push(' ');
    out.append(num.c_str());
    out.append("  ");
    out.append(sh.history.at(i));
    out.push('\n');
  }
  out_str(out);
  return 0;
}

int bi_help(Shell&, int, char**) {
  StrBuf out;
  out.append("Built-in commands:\n");
  for (const Builtin* b = kBuiltins; b->name; ++b) {
    out.append("  ");
    out.append(b->name);
    for (size_t k = strlen(b->name); k < 10; ++k) out.push(' ');
    out.append(b->help);
    out.push('\n');
  }
  out_str(out);
  return 0;
}

int bi_local(Shell& sh, int argc, char** argv) {
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

int bi_umask(Shell& sh, int argc, char** argv) {
  if (argc == 1) {
    const mode_t m = umask(0);
    umask(m);
    char buf[8];
    buf[0] = '0';
    buf[1] = static_cast<char>('0' + ((m >> 6) & 7));
    buf[2] = static_cast<char>('0' + ((m >> 3) & 7));
    buf[3] = static_cast<char>('0' + (m & 7));
    buf[4] = '\n';
    write_all(1, buf, 5);
    return 0;
  }
  char* end = nullptr;
  const long m = strtol(argv[1], &end, 8);
  if (end == argv[1] || *end != '\0' || m < 0 || m > 0777) {
    sh_error(sh, "umask: Illegal number: %s", argv[1]);
    return 2;
  }
  umask(static_cast<mode_t>(m));
  return 0;
}

}  // namespace

const Builtin kBuiltins[] = {
    {":", bi_colon, true, "do nothing, successfully"},
    {".", bi_dot, true, ". FILE [ARGS]: run FILE's commands in this shell"},
    {"[", builtin_bracket, false, "[ EXPR ]: same as test"},
    {"alias", bi_alias, false, "alias [NAME[=VALUE]...]: define or list aliases"},
    {"bg", builtin_bg, false, "bg [%JOB]: resume a stopped job in the background"},
    {"break", bi_break, true, "break [N]: leave N enclosing loops"},
    {"cd", bi_cd, false, "cd [DIR|-]: change the working directory"},
    {"command", bi_command, false,
     "command [-v|-V] NAME [ARGS]: run or describe NAME, no functions"},
    {"continue", bi_break, true, "continue [N]: next iteration of the Nth enclosing loop"},
    {"echo", bi_echo, false, "echo [-n] ARGS: print ARGS (with \\n-style escapes)"},
    {"eval", bi_eval, true, "eval ARGS: run ARGS as a command"},
    {"exec", bi_exec_stub, true, "exec [CMD [ARGS]]: apply redirections, or run CMD and exit"},
    {"exit", bi_exit, true, "exit [N]: leave the shell with status N"},
    {"export", bi_export, true, "export [-p] [NAME[=VALUE]...]: export variables"},
    {"false", bi_false, false, "fail"},
    {"fg", builtin_fg, false, "fg [%JOB]: bring a job to the foreground"},
    {"getopts", builtin_getopts, false, "getopts OPTSTRING NAME [ARGS]: parse options"},
    {"help", bi_help, false, "help: list the builtins"},
    {"history", bi_history, false, "history: list the command history"},
    {"jobs", builtin_jobs, false, "jobs [-l|-p]: list jobs"},
    {"kill", builtin_kill, false, "kill [-SIG] PID|%JOB...; kill -l: send a signal"},
    {"local", bi_local, false, "local NAME[=VALUE]...: function-local variables"},
    {"pwd", bi_pwd, false, "pwd [-L|-P]: print the working directory"},
    {"read", builtin_read, false, "read [-r] [-p PROMPT] NAME...: read a line into variables"},
    {"readonly", bi_readonly, true, "readonly [-p] [NAME[=VALUE]...]: make variables read-only"},
    {"return", bi_return, true, "return [N]: return from a function or . script"},
    {"set", bi_set, true, "set [-eufxCanvm] [-o OPT] [--] [ARGS]: options, positional parameters"},
    {"shift", bi_shift, true, "shift [N]: drop N positional parameters"},
    {"test", builtin_test, false, "test EXPR: evaluate a condition"},
    {"trap", builtin_trap, true, "trap [ACTION SIG...]: run ACTION when a signal arrives"},
    {"true", bi_colon, false, "succeed"},
    {"type", bi_type, false, "type NAME...: describe how NAME would run"},
    {"umask", bi_umask, false, "umask [MODE]: show or set the file creation mask (octal)"},
    {"unalias", bi_unalias, false, "unalias [-a] NAME...: remove aliases"},
    {"unset", bi_unset, true, "unset [-f|-v] NAME...: remove variables or functions"},
    {"wait", builtin_wait, false, "wait [PID|%JOB...]: wait for background jobs"},
    {nullptr, nullptr, false, nullptr},
};

const Builtin* find_builtin(const char* name) {
  for (const Builtin* b = kBuiltins; b->name; ++b) {
    if (strcmp(b->name, name) == 0) return b;
  }
  return nullptr;
}

}  // namespace mos::sh
