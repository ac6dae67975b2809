/// mm_bench_jemalloc: jemalloc on the heap workloads (workloads.hpp). Debian's jemalloc replaces
/// malloc itself, so it runs apart from mm_bench (see meson.build); it is called through its
/// non-standard API all the same, mallocx/dallocx (dallocx rather than the sized sdallocx,
/// because the Mosaic heaps' free does not know the size either).

#include "workloads.hpp"

#include <jemalloc/jemalloc.h>

namespace mos::bench {
namespace {

struct Jemalloc {
  void* allocate(std::size_t size) {
    void* p = mallocx(size, 0);
    if (p == nullptr) die("mallocx failed");
    return p;
  }
  void free(void* p) { dallocx(p, 0); }
};

}  // namespace
}  // namespace mos::bench

int main(int argc, char** argv) {
  mos::bench::register_heap_benchmarks<mos::bench::Jemalloc>("jemalloc");
  return mos::bench::run_benchmarks(argc, argv);
}
