// Simple commands: expansion of words and prefix assignments, then a special builtin, a
// function, a builtin or an external command, with the redirections around it.
#include <errno.h>
#include <stdlib.h>

#include <new>

#include "builtins.hpp"
#include "exec_internal.hpp"
#include "expand.hpp"

namespace mos::sh {

// Expansion errors end a non-interactive shell (POSIX 2.8.1); status 2 as in dash.
int expansion_failed(Shell& sh) {
  sh.status = 2;
  if (!sh.opts.interactive) request_exit(sh);
  return 2;
}

void xtrace(Shell& sh, const Vec<char*>& assigns, const Vec<char*>& argv) {
  if (!sh.opts.xtrace) return;
  StrBuf line;
  const char* ps4 = get_var(sh, "PS4");
  StrBuf p;
  if (ps4 && expand_string(sh, ps4, p)) line.append(p.c_str());
  bool first = true;
  const Vec<char*>* lists[2] = {&assigns, &argv};
  for (const Vec<char*>* v : lists) {
    for (char* s : *v) {
      if (!first) line.push(' ');
      first = false;
      line.append(s);
    }
  }
  line.push('\n');
  write_all(2, line.c_str(), line.size());
}

// Prefix assignments, expanded, as "name=value" strings.
bool expand_assignments(Shell& sh, Node* n, Vec<char*>& out) {
  for (char* a : n->assigns) {
    const char* eq = strchr(a, '=');
    StrBuf v;
    v.append(a, static_cast<size_t>(eq - a) + 1);
    if (!expand_string(sh, eq + 1, v, true)) {
      free_strings(out);
      return false;
    }
    out.push(v.release());
  }
  return true;
}

bool expand_words(Shell& sh, const Vec<char*>& words, Vec<char*>& out) {
  for (char* w : words) {
    if (!expand_fields(sh, w, out)) {
      free_strings(out);
      return false;
    }
  }
  return true;
}

namespace {

int call_function(Shell& sh, Func* f, Vec<char*>& argv) {
  if (sh.eval_depth >= kMaxCallDepth) {
    sh_error(sh, "%s: function calls nested too deeply", argv[0]);
    return 2;
  }
  FuncBody* body = f->body;
  ++body->refs;
  Vec<char*> saved_params = static_cast<Vec<char*>&&>(sh.params);
  for (size_t i = 1; i < argv.size(); ++i) sh.params.push(dup_str(argv[i]));
  Vec<SavedVar>* frame = new (must_alloc(sizeof(Vec<SavedVar>))) Vec<SavedVar>();
  sh.local_frames.push(frame);
  ++sh.func_depth;
  ++sh.eval_depth;
  const int saved_loop = sh.loop_depth;
  sh.loop_depth = 0;
  int status = exec_node(sh, body->node);
  sh.loop_depth = saved_loop;
  if (sh.flow == Flow::Return) {
    sh.flow = Flow::None;
    status = sh.status;
  }
  --sh.eval_depth;
  --sh.func_depth;
  sh.local_frames.pop();
  restore_vars(sh, *frame);
  frame->~Vec();
  free(frame);
  free_strings(sh.params);
  sh.params = static_cast<Vec<char*>&&>(saved_params);
  release_body(body);
  return status;
}

// `exec cmd args`: there is no exec in a single address space; the command runs as a child and
// the shell exits with its status (the same observable result for scripts).
int exec_replace(Shell& sh, Node* n, Vec<char*>& argv) {
  Vec<char*> extra;
  if (!expand_assignments(sh, n, extra)) return expansion_failed(sh);
  ChildSetup setup = make_child_setup();
  child_signal_defaults(sh, setup, false);
  int status = 0;
  // argv[0] is "exec".
  const pid_t pid = start_external(sh, argv, 1, extra, setup, &status);
  free_strings(extra);
  if (pid != 0) {
    Job* job = new_job("");
    add_job_process(job, pid, 0, false);
    status = wait_job(job, false);
    free_job(job);
  }
  sh.status = status;
  request_exit(sh);
  return status;
}

// A command without words: its assignments set shell variables; redirections are tried and
// undone.
int run_assignments(Shell& sh, Node* n) {
  Vec<char*> assigns;
  if (!expand_assignments(sh, n, assigns)) return expansion_failed(sh);
  xtrace(sh, assigns, Vec<char*>());
  int status = sh.subst_status;
  for (char* a : assigns) {
    if (!set_var_assignment(sh, a)) {
      // An assignment error is fatal in a script (POSIX 2.8.1).
      status = expansion_failed(sh);
      break;
    }
  }
  free_strings(assigns);
  Vec<SavedFd> saved;
  if (!apply_redirs(sh, n->redirs, &saved)) status = 2;
  restore_fds(sh, saved);
  return status;
}

// A builtin `b` or function `f` in the shell itself. The prefix assignments `extra` stay only
// for a special builtin.
int run_in_shell(Shell& sh, Node* n, const Builtin* b, Func* f, Vec<char*>& argv,
                 const Vec<char*>& extra) {
  int status = 0;
  Vec<SavedVar> temp;
  const bool persist = b != nullptr && b->special;
  for (char* a : extra) {
    if (!persist) {
      char* nm = dup_mem(a, static_cast<size_t>(strchr(a, '=') - a));
      save_var(sh, temp, nm);
      free(nm);
    }
    set_var_assignment(sh, a, persist ? 0 : kVarExport);
  }
  Vec<SavedFd> saved;
  if (!apply_redirs(sh, n->redirs, &saved)) {
    status = 2;
    if (persist && !sh.opts.interactive) request_exit(sh);
  } else if (f != nullptr) {
    status = call_function(sh, f, argv);
  } else if (strcmp(argv[0], "exec") == 0) {
    status = exec_replace(sh, n, argv);
  } else {
    char** av = to_argv(argv);
    sh.error_reported = false;
    status = b->fn(sh, static_cast<int>(argv.size()), av);
    free(av);
    // Errors of special builtins end a non-interactive shell (POSIX 2.8.1); eval and `.`
    // report the errors of the commands they run, which are not their own.
    if (persist && sh.error_reported && status != 0 && !sh.opts.interactive &&
        b->fn != find_builtin("eval")->fn && b->fn != find_builtin(".")->fn) {
      request_exit(sh);
      sh.status = status;
    }
  }
  restore_fds(sh, saved);
  restore_vars(sh, temp);
  return status;
}

// An external command in the foreground, as a job of its own.
int run_external(Shell& sh, Node* n, Vec<char*>& argv, const Vec<char*>& extra) {
  Vec<SavedFd> saved;
  if (!apply_redirs(sh, n->redirs, &saved)) {
    restore_fds(sh, saved);
    return 2;
  }
  int status = 0;
  const pid_t pid = start_external(sh, argv, 0, extra, job_child_setup(sh, false, 0), &status);
  restore_fds(sh, saved);
  if (pid == 0) return status;
  StrBuf text;
  format_node(n, text);
  Job* job = new_job(text.c_str());
  add_job_process(job, pid, 0, false);
  job->pgid = sh.opts.monitor ? pid : 0;
  give_terminal(sh, job->pgid);
  return wait_foreground(sh, job);
}

}  // namespace

int exec_simple(Shell& sh, Node* n, Vec<char*>* pre) {
  sh.subst_status = 0;
  Vec<char*> argv;
  if (pre != nullptr) {
    argv = static_cast<Vec<char*>&&>(*pre);
  } else if (!expand_words(sh, n->words, argv)) {
    return expansion_failed(sh);
  }
  if (argv.empty()) return run_assignments(sh, n);
  bool skip_funcs = false;
  while (strcmp(argv[0], "command") == 0 && argv.size() > 1 && argv[1][0] != '-') {
    free(argv[0]);
    argv.erase(0);
    skip_funcs = true;
  }
  const char* name = argv[0];
  const Builtin* b = find_builtin(name);
  Func* f = skip_funcs ? nullptr : find_func(sh, name);
  if (b && b->special) f = nullptr;
  Vec<char*> extra;
  if (!expand_assignments(sh, n, extra)) {
    free_strings(argv);
    return expansion_failed(sh);
  }
  xtrace(sh, extra, argv);
  int status = 0;
  if (strcmp(name, "exec") == 0 && argv.size() == 1) {
    // Redirections of a bare `exec` stay in effect.
    for (char* a : extra) set_var_assignment(sh, a);
    status = apply_redirs(sh, n->redirs, nullptr) ? 0 : 2;
  } else if (b != nullptr || f != nullptr) {
    status = run_in_shell(sh, n, b, f, argv, extra);
  } else {
    status = run_external(sh, n, argv, extra);
  }
  free_strings(extra);
  free_strings(argv);
  return status;
}

}  // namespace mos::sh
