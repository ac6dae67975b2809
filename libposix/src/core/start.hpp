#pragma once
// What a new process's thread starts with, kept by the process until its program ends.

#include <posix/system.hpp>

namespace mos::posix {

/// What a new process's thread runs (System::run).
struct System::Start {
  Process* process = nullptr;
  ProgramMain main = nullptr;
  FunctionMain function = nullptr;
  void* arg = nullptr;
  int argc = 0;
  char** argv = nullptr;  // Owned: each string and the array (delete[]).

  ~Start() {
    for (int i = 0; i < argc; ++i) delete[] argv[i];
    delete[] argv;
  }
};

}  // namespace mos::posix
