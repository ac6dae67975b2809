// mosaic-box: every linked program in one host binary, for the host tests. Called as NAME (a
// symlink) or as `mosaic-box NAME ARGS...`, it runs mos::programs::NAME.
#include "program.hpp"

#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  const char* name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  if (strcmp(name, "mosaic-box") == 0) {
    if (argc < 2) {
      fprintf(stderr, "usage: mosaic-box PROGRAM [ARGS...]\n");
      return 2;
    }
    --argc;
    ++argv;
    name = argv[0];
  }
  for (const mos::programs::Program* p = mos::programs::kPrograms; p->name != nullptr; ++p) {
    if (strcmp(p->name, name) == 0) {
      const int status = p->main(argc, argv);
      fflush(stdout);
      return status;
    }
  }
  fprintf(stderr, "mosaic-box: %s: no such program\n", name);
  return 127;
}
