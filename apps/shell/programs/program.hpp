#pragma once
/// The programs linked into the shell appliance (ls, cat, grep, ...). Each is portable POSIX
/// code with the usual `main` signature, named `mos::programs::NAME_main`; on the host they build
/// into one multi-call binary (mosaic-box) that the host tests run, in an image each runs as a
/// process of its own (posix_spawn of /bin/NAME).
///
/// Rules for program code (it runs inside the kernel image, next to other processes):
/// - no mutable globals or function-local statics (two instances may run at once in one
///   address space); keep state in main's frame or in malloc'd memory;
/// - at most 4 KiB of buffers on the stack; malloc what is larger, free what you malloc;
/// - return from main rather than calling exit() where practical;
/// - C headers from the list in libposix/README.md only, and the freestanding C++ whitelist.

namespace mos::programs {

/// A program's entry point: main(argc, argv), argv[argc] == nullptr.
using ProgramMain = int (*)(int argc, char** argv);

/// One linked program.
struct Program {
  const char* name;  ///< As in /bin/NAME.
  ProgramMain main;
};

#define MOS_PROGRAM(name) int name##_main(int argc, char** argv);
#include "files/programs.def"
#include "text/programs.def"
#undef MOS_PROGRAM
/// The shell, `sh` (apps/shell/sh).
int sh_main(int argc, char** argv);

/// Every linked program, ending with {nullptr, nullptr}.
extern const Program kPrograms[];

}  // namespace mos::programs
