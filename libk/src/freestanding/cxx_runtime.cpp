// The freestanding C++ runtime: what g++ expects from libsupc++ and libc for the language
// features kernel code uses. Global constructors are run by the platform (run_global_constructors
// in k/cxx_runtime.hpp); operator new arrives with libmm.
#include <k/cxx_runtime.hpp>
#include <k/panic.hpp>

#include <atomic>
#include <cstdint>

extern "C" {

// Bounds of .init_array, from the platform's linker script.
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];

/// Called for a pure virtual function: a use of an object under construction or destruction.
[[noreturn]] void __cxa_pure_virtual() { mos::panic("pure virtual function called"); }

// The kernel never returns to a caller that would run static destructors, so registrations are
// accepted and dropped; objects with static storage live until the machine stops.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;

// Thread-safe initialisation of function-local statics. The guard's first byte says "done"
// (the ABI's fast path reads it inline); the second byte is our "in progress" lock. Waiting for
// another CPU is fine, but a guard that is in progress on this very CPU can only mean the
// initialiser re-entered itself (directly, or through a fault or panic it caused): spinning
// would hang with nothing printed, so that is a panic. Until there is more than one CPU, any
// wait is such a re-entry.
int __cxa_guard_acquire(std::uint64_t* guard) {
  auto* bytes = reinterpret_cast<std::atomic<std::uint8_t>*>(guard);
  if (bytes[0].load(std::memory_order_acquire) != 0) return 0;
  std::uint8_t expected = 0;
  if (!bytes[1].compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
    mos::panic("recursive initialisation of a function-local static");
  }
  if (bytes[0].load(std::memory_order_acquire) != 0) {  // Finished while we looked.
    bytes[1].store(0, std::memory_order_release);
    return 0;
  }
  return 1;
}

void __cxa_guard_release(std::uint64_t* guard) {
  auto* bytes = reinterpret_cast<std::atomic<std::uint8_t>*>(guard);
  bytes[0].store(1, std::memory_order_release);
  bytes[1].store(0, std::memory_order_release);
}

void __cxa_guard_abort(std::uint64_t* guard) {
  reinterpret_cast<std::atomic<std::uint8_t>*>(guard)[1].store(0, std::memory_order_release);
}

// -fstack-protector-strong with -mstack-protector-guard=global: the canary lives here. The
// platform replaces the initial value with a random one before any protected function runs
// (see set_stack_guard).
std::uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ULL;

[[noreturn]] void __stack_chk_fail() { mos::panic("stack smashing detected"); }

// libstdc++ headers call abort() on what would have been an exception (e.g. a bad optional).
// Weak: libposix, when linked, ends only the calling process instead.
[[noreturn, gnu::weak]] void abort() { mos::panic("abort() called"); }

}  // extern "C"

namespace mos {

void run_global_constructors() noexcept {
  for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
}

void set_stack_guard(std::uintptr_t value) noexcept { __stack_chk_guard = value; }

}  // namespace mos

// Placement new is inline in <new>; these are what deleting destructors of classes with virtual
// destructors refer to even when nothing is ever deleted. Reaching one without a heap is a bug.
// Weak, so that an image linking a heap (libmm) gets the real ones.
[[gnu::weak]] void operator delete(void*) noexcept { mos::panic("operator delete without a heap"); }
[[gnu::weak]] void operator delete(void*, std::size_t) noexcept {
  mos::panic("operator delete without a heap");
}

// libstdc++'s header-only parts report misuse (string_view::substr past the end, say) through
// these functions, which a hosted build finds in libstdc++.so. Without exceptions, misuse is a
// programmer error: panic.
namespace std {
[[noreturn]] void __throw_out_of_range_fmt(const char*, ...) { mos::panic("std: out of range"); }
[[noreturn]] void __throw_out_of_range(const char*) { mos::panic("std: out of range"); }
[[noreturn]] void __throw_length_error(const char*) { mos::panic("std: length error"); }
[[noreturn]] void __throw_logic_error(const char*) { mos::panic("std: logic error"); }
[[noreturn]] void __throw_invalid_argument(const char*) { mos::panic("std: invalid argument"); }
[[noreturn]] void __throw_bad_optional_access() { mos::panic("std: bad optional access"); }
[[noreturn]] void __throw_bad_variant_access(const char*) { mos::panic("std: bad variant access"); }
}  // namespace std
