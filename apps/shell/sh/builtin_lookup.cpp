// Names and what they stand for: alias, unalias, type, command -v/-V.
#include <stdlib.h>

#include "builtins.hpp"
#include "exec.hpp"
#include "expand.hpp"
#include "parser.hpp"

namespace mos::sh {

namespace {

// Describes `name` for type / command -v / command -V. Returns false if not found.
bool describe(Shell& sh, const char* name, bool verbose, StrBuf& out) {
  if (is_reserved_word(name)) {
    out.append(name);
    out.append(verbose ? " is a shell keyword\n" : "\n");
    return true;
  }
  if (const char* a = find_alias(sh, name)) {
    if (verbose) {
      out.append(name);
      out.append(" is an alias for ");
      out.append(a);
      out.push('\n');
    } else {
      out.append("alias ");
      append_assignment(out, name, a);
    }
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

// Describes names[0..count) on stdout; 127 if one was not found.
int describe_all(Shell& sh, char** names, int count, bool verbose) {
  int status = 0;
  StrBuf out;
  for (int i = 0; i < count; ++i) {
    if (!describe(sh, names[i], verbose, out)) status = 127;
  }
  write_stdout(out);
  return status;
}

}  // namespace

int builtin_type(Shell& sh, int argc, char** argv) {
  return describe_all(sh, argv + 1, argc - 1, true);
}

int builtin_command(Shell& sh, int argc, char** argv) {
  if (argc < 2) return 0;
  if (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "-V") == 0) {
    return describe_all(sh, argv + 2, argc - 2, argv[1][1] == 'V');
  }
  sh_error(sh, "command: Illegal option %s", argv[1]);
  return 2;
}

int builtin_alias(Shell& sh, int argc, char** argv) {
  StrBuf out;
  int status = 0;
  if (argc == 1) {
    for (Alias& a : sh.aliases) {
      append_assignment(out, a.name, a.value);
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
      append_assignment(out, argv[i], v);
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
  write_stdout(out);
  return status;
}

int builtin_unalias(Shell& sh, int argc, char** argv) {
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

}  // namespace mos::sh
