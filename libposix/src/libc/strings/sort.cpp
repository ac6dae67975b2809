// Introsort over untyped elements: elements are moved only by swapping, so no element-sized
// temporary is needed whatever the element size.
#include <posix/libc/sort.hpp>

#include <k/string.hpp>

#include <bit>

namespace mos::posix::libc {

namespace {

constexpr std::size_t kInsertionThreshold = 12;

template <class Less3>
class Sorter {
 public:
  Sorter(unsigned char* base, std::size_t size, Less3 compare) noexcept
      : base_(base), size_(size), compare_(compare) {}

  void sort(std::size_t count) noexcept {
    if (count < 2) return;
    int depth = 2 * (std::bit_width(count) + 1);
    sort_range(0, count, depth);
  }

 private:
  unsigned char* at(std::size_t i) const noexcept { return base_ + i * size_; }
  int compare(std::size_t i, std::size_t j) const noexcept { return compare_(at(i), at(j)); }

  void swap(std::size_t i, std::size_t j) const noexcept {
    if (i == j) return;
    unsigned char* a = at(i);
    unsigned char* b = at(j);
    unsigned char chunk[64];
    for (std::size_t done = 0; done < size_;) {
      std::size_t n = size_ - done < sizeof(chunk) ? size_ - done : sizeof(chunk);
      memory_copy(chunk, a + done, n);
      memory_copy(a + done, b + done, n);
      memory_copy(b + done, chunk, n);
      done += n;
    }
  }

  void insertion_sort(std::size_t lo, std::size_t hi) const noexcept {
    for (std::size_t i = lo + 1; i < hi; ++i) {
      for (std::size_t j = i; j > lo && compare(j - 1, j) > 0; --j) swap(j - 1, j);
    }
  }

  void sift_down(std::size_t lo, std::size_t root, std::size_t count) const noexcept {
    for (;;) {
      std::size_t child = 2 * root + 1;
      if (child >= count) return;
      if (child + 1 < count && compare(lo + child, lo + child + 1) < 0) ++child;
      if (compare(lo + root, lo + child) >= 0) return;
      swap(lo + root, lo + child);
      root = child;
    }
  }

  void heap_sort(std::size_t lo, std::size_t hi) const noexcept {
    std::size_t count = hi - lo;
    for (std::size_t i = count / 2; i-- > 0;) sift_down(lo, i, count);
    for (std::size_t end = count; end-- > 1;) {
      swap(lo, lo + end);
      sift_down(lo, 0, end);
    }
  }

  // Moves the median of elements lo, mid and last to lo, as the pivot.
  void median_to_front(std::size_t lo, std::size_t mid, std::size_t last) const noexcept {
    if (compare(mid, lo) < 0) swap(mid, lo);
    if (compare(last, mid) < 0) {
      swap(last, mid);
      if (compare(mid, lo) < 0) swap(mid, lo);
    }
    swap(lo, mid);
  }

  void sort_range(std::size_t lo, std::size_t hi, int depth) const noexcept {
    while (hi - lo > kInsertionThreshold) {
      if (depth-- == 0) {
        heap_sort(lo, hi);
        return;
      }
      median_to_front(lo, lo + (hi - lo) / 2, hi - 1);
      // Hoare partition around the pivot at lo; elements equal to it stop both scans, so runs
      // of equal keys split evenly.
      std::size_t i = lo + 1;
      std::size_t j = hi - 1;
      for (;;) {
        while (i <= j && compare(i, lo) < 0) ++i;
        while (i <= j && compare(j, lo) > 0) --j;
        if (i >= j) break;
        swap(i++, j--);
      }
      swap(lo, j);
      // Recurse into the smaller side and loop on the larger: O(log n) stack.
      if (j - lo < hi - (j + 1)) {
        sort_range(lo, j, depth);
        lo = j + 1;
      } else {
        sort_range(j + 1, hi, depth);
        hi = j;
      }
    }
    insertion_sort(lo, hi);
  }

  unsigned char* base_;
  std::size_t size_;
  Less3 compare_;
};

template <class Less3>
void sort_with(void* base, std::size_t count, std::size_t size, Less3 compare) noexcept {
  if (size == 0) return;
  Sorter<Less3>(static_cast<unsigned char*>(base), size, compare).sort(count);
}

}  // namespace

void qsort(void* base, std::size_t count, std::size_t size, Compare compare) noexcept {
  sort_with(base, count, size, [compare](const void* a, const void* b) { return compare(a, b); });
}

void qsort_r(void* base, std::size_t count, std::size_t size, CompareWithContext compare,
             void* context) noexcept {
  sort_with(base, count, size,
            [compare, context](const void* a, const void* b) { return compare(a, b, context); });
}

void* bsearch(const void* key, const void* base, std::size_t count, std::size_t size,
              Compare compare) noexcept {
  auto* bytes = static_cast<const unsigned char*>(base);
  std::size_t lo = 0;
  std::size_t hi = count;
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    const unsigned char* element = bytes + mid * size;
    int c = compare(key, element);
    if (c == 0) return const_cast<unsigned char*>(element);
    if (c < 0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return nullptr;
}

}  // namespace mos::posix::libc
