/// mm_bench_mimalloc: mimalloc on the heap workloads (workloads.hpp), through mi_malloc/mi_free.
/// Debian's mimalloc replaces malloc itself, so it runs apart from mm_bench (see meson.build).

#include "workloads.hpp"

#include <mimalloc.h>

namespace mos::bench {
namespace {

struct Mimalloc {
  void* allocate(std::size_t size) {
    void* p = mi_malloc(size);
    if (p == nullptr) die("mi_malloc failed");
    return p;
  }
  void free(void* p) { mi_free(p); }
};

}  // namespace
}  // namespace mos::bench

int main(int argc, char** argv) {
  mos::bench::register_heap_benchmarks<mos::bench::Mimalloc>("mimalloc");
  return mos::bench::run_benchmarks(argc, argv);
}
