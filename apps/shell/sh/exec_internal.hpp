#pragma once
// Private to the executor (simple_command, compound_command, pipeline, subshell_command,
// external_command, run_input): the pieces one part of it uses from another.

#include <sys/types.h>

#include "exec.hpp"
#include "subshell.hpp"

namespace mos::sh {

// Expansion errors end a non-interactive shell (POSIX 2.8.1): sets and returns status 2.
int expansion_failed(Shell& sh);
// Expands `words` into fields appended to `out`; on error `out` is freed and false returned.
bool expand_words(Shell& sh, const Vec<char*>& words, Vec<char*>& out);
// Prefix assignments of `n`, expanded, as "name=value" strings appended to `out`.
bool expand_assignments(Shell& sh, Node* n, Vec<char*>& out);
// `set -x`: writes PS4, the assignments and the words to stderr.
void xtrace(Shell& sh, const Vec<char*>& assigns, const Vec<char*>& argv);

// Starts external command argv[first..] with the assignments `extra` in its environment.
// Returns its pid, or 0 with the error reported and *status set (127 not found, 126 otherwise).
pid_t start_external(Shell& sh, Vec<char*>& argv, size_t first, const Vec<char*>& extra,
                     const ChildSetup& setup, int* status);
// The setup of one process of a job: child_signal_defaults, and under job control the process
// group `pgid` (0: a new group led by the child).
ChildSetup job_child_setup(Shell& sh, bool background, pid_t pgid);

// Starts a subshell child on a copy of the shell that runs `text` (parsed), or `node` with the
// already expanded words `*argv` (moved from) as exec_simple does, or `node` as exec_node does
// (`argv` null). Returns 0 and stores the pid, or an errno value.
int start_subshell(Shell& sh, const Node* node, const char* text, Vec<char*>* argv,
                   const ChildSetup& setup, pid_t* pid);

}  // namespace mos::sh
