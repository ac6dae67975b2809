#pragma once
/// qsort, qsort_r and bsearch. The sort is an introsort (median-of-three quicksort that falls back
/// to heapsort past 2 log2(n) levels, insertion sort for short runs): O(n log n) comparisons in
/// the worst case, O(log n) stack, and no allocation. Like every qsort it is not stable.

#include <cstddef>

namespace mos::posix::libc {

/// A qsort comparator: negative, zero or positive as a sorts before, with or after b.
using Compare = int (*)(const void* a, const void* b);
/// A qsort_r comparator, with the caller's context as the third argument (glibc's order).
using CompareWithContext = int (*)(const void* a, const void* b, void* context);

/// Sorts `count` elements of `size` bytes at `base` in ascending order by `compare`.
void qsort(void* base, std::size_t count, std::size_t size, Compare compare) noexcept;
/// qsort with a context passed to every comparison (glibc's qsort_r signature).
void qsort_r(void* base, std::size_t count, std::size_t size, CompareWithContext compare,
             void* context) noexcept;
/// An element of the sorted array at `base` that compares equal to `key`, or nullptr.
/// `compare` receives the key first.
void* bsearch(const void* key, const void* base, std::size_t count, std::size_t size,
              Compare compare) noexcept;

}  // namespace mos::posix::libc
