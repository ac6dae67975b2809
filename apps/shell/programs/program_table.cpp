#include "program.hpp"

namespace mos::programs {

const Program kPrograms[] = {
#define MOS_PROGRAM(name) {#name, &name##_main},
#include "files/programs.def"
#include "text/programs.def"
#undef MOS_PROGRAM
    {"sh", &sh_main},
    {nullptr, nullptr},
};

}  // namespace mos::programs
