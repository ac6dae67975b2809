// true and false: exit statuses 0 and 1, arguments ignored.
#include "program.hpp"

namespace mos::programs {

int true_main(int, char**) { return 0; }

int false_main(int, char**) { return 1; }

}  // namespace mos::programs
