// Variables, functions, aliases, and the life cycle of a Shell.
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdarg>

#include <new>

#include "parser.hpp"
#include "shell.hpp"

namespace mos::sh {

void sh_error(Shell& sh, const char* fmt, ...) {
  char msg[512];
  sh.error_reported = true;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  StrBuf out;
  out.append(sh.arg0 ? sh.arg0 : "sh");
  out.append(": ");
  if (!sh.opts.interactive) {
    out.append_long(sh.lineno);
    out.append(": ");
  }
  out.append(msg);
  out.push('\n');
  write_all(2, out.c_str(), out.size());
}

Var* find_var(Shell& sh, const char* name) {
  for (Var& v : sh.vars) {
    if (strcmp(v.name, name) == 0) return &v;
  }
  return nullptr;
}

const char* get_var(Shell& sh, const char* name) {
  const Var* v = find_var(sh, name);
  return v ? v->value : nullptr;
}

namespace {

// PATH is also kept in the process environment, where posix_spawnp looks for commands.
void sync_env(const char* name, const char* value) {
  if (strcmp(name, "PATH") != 0) return;
  if (value) {
    setenv(name, value, 1);
  } else {
    unsetenv(name);
  }
}

}  // namespace

bool set_var(Shell& sh, const char* name, const char* value, uint8_t add_flags) {
  Var* v = find_var(sh, name);
  if (v != nullptr && (v->flags & kVarReadonly)) {
    sh_error(sh, "%s: is read only", name);
    return false;
  }
  if (sh.opts.allexport) add_flags |= kVarExport;
  if (v == nullptr) {
    sh.vars.push(Var{dup_str(name), dup_str(value), add_flags});
  } else {
    char* old = v->value;
    v->value = dup_str(value);
    free(old);
    v->flags |= add_flags;
  }
  sync_env(name, value);
  return true;
}

bool set_var_assignment(Shell& sh, const char* assignment, uint8_t add_flags) {
  const char* eq = strchr(assignment, '=');
  if (eq == nullptr) return set_var(sh, assignment, "", add_flags);
  char* name = dup_mem(assignment, static_cast<size_t>(eq - assignment));
  const bool ok = set_var(sh, name, eq + 1, add_flags);
  free(name);
  return ok;
}

bool unset_var(Shell& sh, const char* name) {
  for (size_t i = 0; i < sh.vars.size(); ++i) {
    Var& v = sh.vars[i];
    if (strcmp(v.name, name) != 0) continue;
    if (v.flags & kVarReadonly) {
      sh_error(sh, "%s: is read only", name);
      return false;
    }
    free(v.name);
    free(v.value);
    sh.vars.erase(i);
    sync_env(name, nullptr);
    return true;
  }
  return true;
}

char** build_env(Shell& sh, const Vec<char*>* extra) {
  Vec<char*> env;
  auto overridden = [&](const char* name) {
    if (extra == nullptr) return false;
    const size_t n = strlen(name);
    for (char* e : *extra) {
      if (strncmp(e, name, n) == 0 && e[n] == '=') return true;
    }
    return false;
  };
  for (Var& v : sh.vars) {
    if (!(v.flags & kVarExport) || v.value == nullptr || overridden(v.name)) continue;
    StrBuf s;
    s.append(v.name);
    s.push('=');
    s.append(v.value);
    env.push(s.release());
  }
  if (extra) {
    for (char* e : *extra) env.push(dup_str(e));
  }
  char** out = to_argv(env);
  env.clear();
  return out;
}

void free_env(char** env) {
  if (env == nullptr) return;
  for (char** p = env; *p; ++p) free(*p);
  free(env);
}

void save_var(Shell& sh, Vec<SavedVar>& frame, const char* name) {
  for (SavedVar& s : frame) {
    if (strcmp(s.name, name) == 0) return;
  }
  Var* v = find_var(sh, name);
  frame.push(SavedVar{dup_str(name), v ? dup_str(v->value) : nullptr,
                      static_cast<uint8_t>(v ? v->flags : 0), v != nullptr});
}

void restore_vars(Shell& sh, Vec<SavedVar>& frame) {
  for (size_t i = frame.size(); i-- > 0;) {
    SavedVar& s = frame[i];
    Var* v = find_var(sh, s.name);
    if (v != nullptr) v->flags &= static_cast<uint8_t>(~kVarReadonly);
    if (s.existed) {
      set_var(sh, s.name, s.value);
      find_var(sh, s.name)->flags = s.flags;
    } else {
      unset_var(sh, s.name);
    }
    free(s.name);
    free(s.value);
  }
  frame.clear();
}

void quote_for_shell(const char* s, StrBuf& out) {
  out.push('\'');
  for (; *s; ++s) {
    if (*s == '\'') {
      out.append("'\"'\"'");
    } else {
      out.push(*s);
    }
  }
  out.push('\'');
}

Func* find_func(Shell& sh, const char* name) {
  for (Func& f : sh.funcs) {
    if (strcmp(f.name, name) == 0) return &f;
  }
  return nullptr;
}

void release_body(FuncBody* b) {
  if (b != nullptr && --b->refs == 0) {
    free_node(b->node);
    free(b);
  }
}

void define_func(Shell& sh, const char* name, const Node* body) {
  FuncBody* b = static_cast<FuncBody*>(must_alloc(sizeof(FuncBody)));
  b->node = copy_node(body);
  b->refs = 1;
  Func* f = find_func(sh, name);
  if (f != nullptr) {
    release_body(f->body);
    f->body = b;
    return;
  }
  sh.funcs.push(Func{dup_str(name), b});
}

bool unset_func(Shell& sh, const char* name) {
  for (size_t i = 0; i < sh.funcs.size(); ++i) {
    if (strcmp(sh.funcs[i].name, name) == 0) {
      free(sh.funcs[i].name);
      release_body(sh.funcs[i].body);
      sh.funcs.erase(i);
      return true;
    }
  }
  return false;
}

const char* find_alias(Shell& sh, const char* name) {
  for (Alias& a : sh.aliases) {
    if (strcmp(a.name, name) == 0) return a.value;
  }
  return nullptr;
}

void init_shell(Shell& sh, char** envp) {
  for (char** e = envp; e && *e; ++e) {
    const char* eq = strchr(*e, '=');
    if (eq == nullptr) continue;
    char* name = dup_mem(*e, static_cast<size_t>(eq - *e));
    if (is_name(name, strlen(name))) set_var(sh, name, eq + 1, kVarExport);
    free(name);
  }
  if (get_var(sh, "PATH") == nullptr) set_var(sh, "PATH", "/bin", kVarExport);
  set_var(sh, "IFS", " \t\n");
  if (get_var(sh, "PS1") == nullptr) set_var(sh, "PS1", geteuid() == 0 ? "# " : "$ ");
  if (get_var(sh, "PS2") == nullptr) set_var(sh, "PS2", "> ");
  if (get_var(sh, "PS4") == nullptr) set_var(sh, "PS4", "+ ");
  set_var(sh, "OPTIND", "1");
  char cwd[512];
  if (getcwd(cwd, sizeof cwd) != nullptr) {
    const char* pwd = get_var(sh, "PWD");
    struct stat a;
    struct stat b;
    const bool pwd_ok = pwd != nullptr && pwd[0] == '/' && stat(pwd, &a) == 0 &&
                        stat(cwd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    if (!pwd_ok) set_var(sh, "PWD", cwd, kVarExport);
  }
  sh.root_pid = getpid();
  if (sh.arg0 == nullptr) sh.arg0 = dup_str("sh");
}

void destroy_shell(Shell& sh) {
  for (Var& v : sh.vars) {
    free(v.name);
    free(v.value);
  }
  sh.vars.clear();
  for (Func& f : sh.funcs) {
    free(f.name);
    release_body(f.body);
  }
  sh.funcs.clear();
  for (Alias& a : sh.aliases) {
    free(a.name);
    free(a.value);
  }
  sh.aliases.clear();
  free(sh.arg0);
  sh.arg0 = nullptr;
  free_strings(sh.params);
  for (char*& t : sh.traps) {
    free(t);
    t = nullptr;
  }
  while (!sh.jobs.jobs.empty()) remove_job(sh.jobs, sh.jobs.jobs.back());
  for (Vec<SavedVar>* f : sh.local_frames) {
    for (SavedVar& s : *f) {
      free(s.name);
      free(s.value);
    }
    f->~Vec();
    free(f);
  }
  sh.local_frames.clear();
}

Shell* clone_shell(const Shell& from) {
  Shell* sh = new (must_alloc(sizeof(Shell))) Shell();
  for (const Var& v : from.vars) sh->vars.push(Var{dup_str(v.name), dup_str(v.value), v.flags});
  for (const Func& f : from.funcs) {
    FuncBody* b = static_cast<FuncBody*>(must_alloc(sizeof(FuncBody)));
    b->node = copy_node(f.body->node);
    b->refs = 1;
    sh->funcs.push(Func{dup_str(f.name), b});
  }
  for (const Alias& a : from.aliases) sh->aliases.push(Alias{dup_str(a.name), dup_str(a.value)});
  sh->opts = from.opts;
  sh->opts.interactive = false;
  sh->opts.monitor = false;
  sh->arg0 = dup_str(from.arg0);
  for (char* p : from.params) sh->params.push(dup_str(p));
  sh->status = from.status;
  sh->last_bg = from.last_bg;
  sh->root_pid = from.root_pid;
  for (int i = 0; i < kNumSignals; ++i) {
    sh->traps[i] = dup_str(from.traps[i]);
    sh->trap_ignored_at_entry[i] = from.trap_ignored_at_entry[i];
  }
  sh->loop_depth = from.loop_depth;
  sh->func_depth = from.func_depth;
  sh->eval_depth = from.eval_depth;
  sh->lineno = from.lineno;
  sh->history.copy_from(from.history);
  for (int fd : from.private_fds) sh->private_fds.push(fd);
  sh->is_subshell = true;
  return sh;
}

}  // namespace mos::sh
