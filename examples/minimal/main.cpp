// example-minimal: the smallest image with a heap. It links libk and libmm only, so there is no
// scheduler and app_main is the only thread. It takes memory from the kernel heap three ways
// (`new (std::nothrow)`, `malloc`, and libmm's own interface), strings the objects it made on a
// libk IntrusiveList, prints checksums that the image test expects exactly, and shows that every
// allocation went back to the heap.
#include <mm/c_allocation.hpp>
#include <mm/kernel_memory.hpp>

#include <k/app.hpp>
#include <k/intrusive_list.hpp>
#include <k/log.hpp>

#include <cstddef>
#include <cstdint>
#include <new>

namespace {

using mos::log::info;

/// One heap-allocated element. The list's links live inside it (IntrusiveList never allocates),
/// so the only allocation per element is this object.
struct Square {
  explicit Square(std::uint64_t n) noexcept : value(n * n) {}
  mos::ListNode link;
  std::uint64_t value;
};
using SquareList = mos::IntrusiveList<Square, &Square::link>;

constexpr std::uint64_t kSquares = 100;
constexpr std::size_t kBufferBytes = 64 * 1024;

/// Allocates kSquares objects, links them in order and returns the sum of their values, or
/// nothing if the heap ran out (everything allocated so far is freed again).
std::uint64_t sum_of_squares(std::size_t& peak_live) {
  SquareList list;
  bool out_of_memory = false;
  for (std::uint64_t n = 1; n <= kSquares; ++n) {
    Square* square = new (std::nothrow) Square(n);
    if (square == nullptr) {
      out_of_memory = true;
      break;
    }
    list.push_back(*square);
  }
  // Walk the list as a range: IntrusiveList has the standard container interface.
  std::uint64_t sum = 0;
  for (const Square& square : list) sum += square.value;
  if (out_of_memory) {
    mos::log::error("example-minimal: the heap ran out after {} squares", list.size());
  } else {
    info("example-minimal: {} squares on an IntrusiveList, first {}, last {}", list.size(),
         list.front().value, list.back().value);
  }
  peak_live = mos::mm::kernel_heap_stats().live_allocations;
  // The list does not own its elements: unlink each one, then give it back.
  while (Square* square = list.pop_front()) delete square;
  return out_of_memory ? 0 : sum;
}

/// A large buffer from malloc, filled with a byte pattern and summed.
std::uint64_t buffer_checksum() {
  auto* bytes = static_cast<std::uint8_t*>(malloc(kBufferBytes));
  if (bytes == nullptr) return 0;
  for (std::size_t i = 0; i < kBufferBytes; ++i) bytes[i] = static_cast<std::uint8_t>(i);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBufferBytes; ++i) sum += bytes[i];
  // The heap may round a request up; usable_size says by how much.
  info("example-minimal: malloc({}) gave {} usable bytes", kBufferBytes,
       mos::mm::kernel_heap_usable_size(bytes));
  free(bytes);
  return sum;
}

}  // namespace

mos::platform::ExitStatus mos::app_main(const BootInfo&) noexcept {
  const mm::HeapStats before = mm::kernel_heap_stats();
  std::size_t peak_live = 0;
  const std::uint64_t squares = sum_of_squares(peak_live);
  const std::uint64_t bytes = buffer_checksum();
  const mm::HeapStats after = mm::kernel_heap_stats();
  info("example-minimal: sum of squares 1..{} = {}", kSquares, squares);
  info("example-minimal: byte checksum of {} bytes = {}", kBufferBytes, bytes);
  info("example-minimal: {} allocations live at the peak, {} left at the end",
       peak_live - before.live_allocations, after.live_allocations - before.live_allocations);
  // 1 + 4 + ... + 100^2 = 100 * 101 * 201 / 6; each of the 256 byte values 256 times.
  const bool ok = squares == kSquares * (kSquares + 1) * (2 * kSquares + 1) / 6 &&
                  bytes == 256 * (255 * 256 / 2) &&
                  after.live_allocations == before.live_allocations;
  if (!ok) {
    log::error("example-minimal: FAILED");
    return platform::kExitFailure;
  }
  info("example-minimal: done");
  return platform::kExitSuccess;
}
