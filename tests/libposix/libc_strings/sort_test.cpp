// qsort, qsort_r, bsearch (against std::sort, with the comparison bound that an O(n log n) worst
// case promises, on inputs that break naive quicksorts) and rand_r (against glibc).
#include <doctest/doctest.h>

#include <posix/libc/rand.hpp>
#include <posix/libc/sort.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "random.hpp"

namespace libc = mos::posix::libc;

namespace {

struct Record {
  int key;
  char payload[13];  // an odd element size exercises the byte swapping
};

long g_comparisons = 0;

int compare_ints(const void* a, const void* b) {
  ++g_comparisons;
  int x = *static_cast<const int*>(a);
  int y = *static_cast<const int*>(b);
  return (x > y) - (x < y);
}

int compare_records(const void* a, const void* b, void* context) {
  ++*static_cast<long*>(context);
  int x = static_cast<const Record*>(a)->key;
  int y = static_cast<const Record*>(b)->key;
  return (x > y) - (x < y);
}

void check_sorts(std::vector<int> values) {
  CAPTURE(values.size());
  std::vector<int> expected = values;
  std::sort(expected.begin(), expected.end());
  g_comparisons = 0;
  libc::qsort(values.data(), values.size(), sizeof(int), compare_ints);
  CHECK(values == expected);
  double n = static_cast<double>(values.size());
  // Introsort: a small multiple of n log2 n even on adversarial input.
  CHECK(static_cast<double>(g_comparisons) <= 4 * n * std::log2(n + 2) + 64);
}

}  // namespace

TEST_CASE("qsort sorts random, sorted, reversed, equal and organ-pipe inputs") {
  auto gen = mos::test::make_bitgen(20);
  for (int n : {0, 1, 2, 3, 5, 13, 17, 100, 1000, 20000}) {
    std::vector<int> v(n);
    for (int& x : v) x = absl::Uniform(gen, -1000000, 1000000);
    check_sorts(v);
    for (int& x : v) x = absl::Uniform(gen, 0, 4);
    check_sorts(v);
    std::vector<int> sorted(n);
    for (int i = 0; i < n; ++i) sorted[i] = i;
    check_sorts(sorted);
    std::reverse(sorted.begin(), sorted.end());
    check_sorts(sorted);
    check_sorts(std::vector<int>(n, 7));
    std::vector<int> pipe(n);
    for (int i = 0; i < n; ++i) pipe[i] = i < n / 2 ? i : n - i;
    check_sorts(pipe);
  }
}

TEST_CASE("qsort_r passes the context and moves whole odd-sized elements") {
  auto gen = mos::test::make_bitgen(21);
  std::vector<Record> records(3000);
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].key = absl::Uniform(gen, 0, 500);
    std::snprintf(records[i].payload, sizeof(records[i].payload), "k%d", records[i].key);
  }
  long calls = 0;
  libc::qsort_r(records.data(), records.size(), sizeof(Record), compare_records, &calls);
  CHECK(calls > 0);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i > 0) CHECK(records[i - 1].key <= records[i].key);
    CHECK(std::string(records[i].payload) == "k" + std::to_string(records[i].key));
  }
}

TEST_CASE("bsearch finds present keys and rejects absent ones") {
  std::vector<int> v;
  for (int i = 0; i < 500; ++i) v.push_back(3 * i);
  for (int key = -3; key < 1510; ++key) {
    auto* found =
        static_cast<int*>(libc::bsearch(&key, v.data(), v.size(), sizeof(int), compare_ints));
    if (key >= 0 && key < 1500 && key % 3 == 0) {
      REQUIRE(found != nullptr);
      CHECK(*found == key);
    } else {
      CHECK(found == nullptr);
    }
  }
  int key = 1;
  CHECK(libc::bsearch(&key, v.data(), 0, sizeof(int), compare_ints) == nullptr);
}

TEST_CASE("rand_r produces glibc's sequence from the caller's state") {
  for (unsigned seed : {0u, 1u, 42u, 0xdeadbeefu}) {
    unsigned ours = seed;
    unsigned theirs = seed;
    for (int i = 0; i < 1000; ++i) {
      CHECK(libc::rand_r(&ours) == ::rand_r(&theirs));
      CHECK(ours == theirs);
    }
  }
}
