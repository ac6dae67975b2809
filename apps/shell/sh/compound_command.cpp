// exec_node: lists, and-or lists, pipelines and the compound commands (loops, if, case, `{ }`,
// `( )`), with their redirections, errexit and break/continue/return flow.
#include <fnmatch.h>

#include "exec_internal.hpp"
#include "expand.hpp"

namespace mos::sh {

namespace {

// After a loop's condition or body: whether the loop goes on, consuming break/continue levels.
bool loop_goes_on(Shell& sh) {
  if (sh.flow == Flow::Break) {
    if (--sh.flow_count <= 0) sh.flow = Flow::None;
    return false;
  }
  if (sh.flow == Flow::Continue) {
    if (--sh.flow_count > 0) return false;
    sh.flow = Flow::None;
    return true;
  }
  return sh.flow == Flow::None;
}

int exec_loop(Shell& sh, Node* n) {
  int status = 0;
  ++sh.loop_depth;
  for (;;) {
    ++sh.errexit_suppressed;
    const int cond = exec_node(sh, n->a);
    --sh.errexit_suppressed;
    if (sh.flow != Flow::None) {
      const bool is_continue = sh.flow == Flow::Continue;
      if (!loop_goes_on(sh) || !is_continue) break;
      continue;
    }
    if ((cond == 0) != (n->kind == NodeKind::While)) break;
    status = exec_node(sh, n->b);
    if (!loop_goes_on(sh)) break;
  }
  --sh.loop_depth;
  return status;
}

int exec_for(Shell& sh, Node* n) {
  Vec<char*> items;
  if (n->flag) {
    if (!expand_words(sh, n->words, items)) return expansion_failed(sh);
  } else {
    for (char* p : sh.params) items.push(dup_str(p));
  }
  int status = 0;
  ++sh.loop_depth;
  for (char* item : items) {
    if (!set_var(sh, n->name, item)) {
      status = 1;
      break;
    }
    status = exec_node(sh, n->a);
    if (!loop_goes_on(sh)) break;
  }
  --sh.loop_depth;
  free_strings(items);
  return status;
}

int exec_case(Shell& sh, Node* n) {
  StrBuf subject;
  if (!expand_string(sh, n->words[0], subject)) return expansion_failed(sh);
  for (CaseItem& item : n->items) {
    for (char* p : item.patterns) {
      StrBuf pat;
      if (!expand_pattern(sh, p, pat)) return expansion_failed(sh);
      if (fnmatch(pat.c_str(), subject.c_str(), 0) == 0) {
        return item.body ? exec_node(sh, item.body) : 0;
      }
    }
  }
  return 0;
}

// ( list ): the body runs in a child (a simple command body is started like a pipeline stage,
// which also puts it in a child); the redirections apply around it.
int exec_subshell_fg(Shell& sh, Node* n) {
  Node* stages[1] = {n->a};
  Vec<SavedFd> saved;
  int status = 2;
  if (apply_redirs(sh, n->redirs, &saved)) status = run_pipeline(sh, stages, 1, false, n);
  restore_fds(sh, saved);
  return status;
}

}  // namespace

int exec_node(Shell& sh, Node* n) {
  if (n == nullptr) return sh.status = 0;
  if (sh.flow != Flow::None) return sh.status;
  int status = 0;
  bool check_errexit = false;
  switch (n->kind) {
    case NodeKind::Simple:
      status = exec_simple(sh, n, nullptr);
      check_errexit = true;
      break;
    case NodeKind::Pipeline:
      if (n->kids.size() == 1) {
        ++sh.errexit_suppressed;
        status = exec_node(sh, n->kids[0]);
        --sh.errexit_suppressed;
      } else {
        if (n->flag) ++sh.errexit_suppressed;
        status = run_pipeline(sh, n->kids.data(), n->kids.size(), false, n);
        if (n->flag) --sh.errexit_suppressed;
      }
      if (n->flag) {
        status = status == 0 ? 1 : 0;
      } else {
        check_errexit = true;
      }
      break;
    case NodeKind::AndOr: {
      ++sh.errexit_suppressed;
      status = exec_node(sh, n->a);
      --sh.errexit_suppressed;
      if (sh.flow != Flow::None) return status;
      if (n->flag ? status != 0 : status == 0) status = exec_node(sh, n->b);
      break;
    }
    case NodeKind::List:
      for (size_t i = 0; i < n->kids.size() && sh.flow == Flow::None; ++i) {
        if (n->async[i]) {
          Node* one[1] = {n->kids[i]};
          Node* k = n->kids[i];
          if (k->kind == NodeKind::Pipeline && !k->flag) {
            status = run_pipeline(sh, k->kids.data(), k->kids.size(), true, k);
          } else {
            status = run_pipeline(sh, one, 1, true, k);
          }
        } else {
          status = exec_node(sh, n->kids[i]);
        }
        sh.status = status;
      }
      break;
    case NodeKind::Subshell:
      status = exec_subshell_fg(sh, n);
      check_errexit = true;
      break;
    case NodeKind::Brace:
    case NodeKind::If:
    case NodeKind::While:
    case NodeKind::Until:
    case NodeKind::For:
    case NodeKind::Case: {
      Vec<SavedFd> saved;
      if (!apply_redirs(sh, n->redirs, &saved)) {
        restore_fds(sh, saved);
        status = 2;
        check_errexit = true;
        break;
      }
      if (n->kind == NodeKind::Brace) {
        status = exec_node(sh, n->a);
      } else if (n->kind == NodeKind::If) {
        ++sh.errexit_suppressed;
        const int cond = exec_node(sh, n->a);
        --sh.errexit_suppressed;
        if (sh.flow == Flow::None) {
          if (cond == 0) {
            status = exec_node(sh, n->b);
          } else if (n->c) {
            status = exec_node(sh, n->c);
          } else {
            status = 0;
          }
        } else {
          status = cond;
        }
      } else if (n->kind == NodeKind::For) {
        status = exec_for(sh, n);
      } else if (n->kind == NodeKind::Case) {
        status = exec_case(sh, n);
      } else {
        status = exec_loop(sh, n);
      }
      restore_fds(sh, saved);
      break;
    }
    case NodeKind::FuncDef:
      define_func(sh, n->name, n->a);
      status = 0;
      break;
  }
  if (sh.flow == Flow::Exit) return sh.status;
  sh.status = status;
  if (check_errexit && status != 0 && sh.opts.errexit && sh.errexit_suppressed == 0 &&
      sh.flow == Flow::None) {
    request_exit(sh);
  }
  run_pending_traps(sh);
  return sh.status;
}

}  // namespace mos::sh
