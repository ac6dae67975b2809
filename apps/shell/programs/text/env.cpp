// env: prints the environment, or runs a command in a modified one. Options -i (start empty),
// -u NAME (remove), -0 (NUL after each entry when printing), then NAME=VALUE operands, then the
// command. Parsed by hand: options stop at the first operand, so `env ls -l` keeps -l.
// Exit 125 on env's own errors, 126 when the command cannot run, 127 when it is not found.
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common.hpp"
#include "common/run_command.hpp"
#include "program.hpp"

namespace mos::programs {
namespace {

constexpr const char* kProg = "env";

bool same_name(const char* entry, const char* name, size_t name_length) {
  return strncmp(entry, name, name_length) == 0 && entry[name_length] == '=';
}

void remove_name(text::Array<char*>& env, const char* name, size_t length) {
  size_t kept = 0;
  for (size_t i = 0; i < env.size(); ++i) {
    if (!same_name(env[i], name, length)) env[kept++] = env[i];
  }
  while (env.size() > kept) env.pop();
}

}  // namespace

int env_main(int argc, char** argv) {
  bool clear = false;
  bool nul_terminated = false;
  text::Array<const char*> unset;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    const char* arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      ++i;
      break;
    }
    if (strcmp(arg, "-") == 0) {
      clear = true;
      continue;
    }
    for (const char* p = arg + 1; *p != '\0'; ++p) {
      if (*p == 'i') {
        clear = true;
      } else if (*p == '0') {
        nul_terminated = true;
      } else if (*p == 'u') {
        const char* name = p[1] != '\0' ? p + 1 : (i + 1 < argc ? argv[++i] : nullptr);
        if (name == nullptr) {
          report(kProg, "option requires an argument -- 'u'");
          return 125;
        }
        if (name[0] == '\0' || strchr(name, '=') != nullptr) {
          report(kProg, "cannot unset '%s': Invalid argument", name);
          return 125;
        }
        unset.push(name);
        break;
      } else {
        report(kProg, "invalid option -- '%c'", *p);
        return 125;
      }
    }
  }
  text::Array<char*> env;
  if (!clear) {
    for (char** e = environ; *e != nullptr; ++e) env.push(*e);
  }
  for (size_t u = 0; u < unset.size(); ++u) remove_name(env, unset[u], strlen(unset[u]));
  for (; i < argc && strchr(argv[i], '=') != nullptr; ++i) {
    const size_t length = static_cast<size_t>(strchr(argv[i], '=') - argv[i]);
    remove_name(env, argv[i], length);
    env.push(argv[i]);
  }
  if (!env.push(nullptr)) return 125;
  if (i >= argc) {
    if (nul_terminated) {
      for (size_t e = 0; env[e] != nullptr; ++e) fwrite(env[e], 1, strlen(env[e]) + 1, stdout);
    } else {
      for (size_t e = 0; env[e] != nullptr; ++e) printf("%s\n", env[e]);
    }
    return 0;
  }
  if (nul_terminated) {
    report(kProg, "cannot specify --null (-0) with command");
    return 125;
  }
  const CommandResult result = run_command(argv + i, env.data());
  if (result.spawn_error != 0) {
    report(kProg, "'%s': %s", argv[i], strerror(result.spawn_error));
    return result.spawn_error == ENOENT ? 127 : 126;
  }
  return result.signal != 0 ? 128 + result.signal : result.exit_status;
}

}  // namespace mos::programs
