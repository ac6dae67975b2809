// The global allocation functions of a freestanding image — operator new/delete in all their
// forms, and the C allocation functions — over the kernel heap that the image's glue binds
// (mm/kernel_memory.hpp). Kernel code builds with -fno-exceptions: the throwing forms of
// operator new cannot throw, so running out of memory there is fatal; code that can cope uses
// `new (std::nothrow)` or Result-returning allocation.
#include <mm/c_allocation.hpp>
#include <mm/kernel_memory.hpp>

#include <k/panic.hpp>
#include <k/string.hpp>

#include <cstddef>
#include <new>

// The tag object of `new (std::nothrow)`; a hosted C++ library would define it.
const std::nothrow_t std::nothrow{};

namespace {

constexpr std::size_t kDefaultAlignment = alignof(std::max_align_t);

void* allocate_or_panic(std::size_t size, std::size_t alignment) noexcept {
  void* p = mos::mm::kernel_heap_allocate(size, alignment);
  if (p == nullptr) MOS_PANIC("out of memory: operator new({}, align {})", size, alignment);
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate_or_panic(size, kDefaultAlignment); }
void* operator new[](std::size_t size) { return allocate_or_panic(size, kDefaultAlignment); }
void* operator new(std::size_t size, std::align_val_t a) {
  return allocate_or_panic(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return allocate_or_panic(size, static_cast<std::size_t>(a));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return mos::mm::kernel_heap_allocate(size, kDefaultAlignment);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return mos::mm::kernel_heap_allocate(size, kDefaultAlignment);
}
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return mos::mm::kernel_heap_allocate(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return mos::mm::kernel_heap_allocate(size, static_cast<std::size_t>(a));
}

void operator delete(void* p) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete[](void* p) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete(void* p, std::size_t) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete[](void* p, std::size_t) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  mos::mm::kernel_heap_free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  mos::mm::kernel_heap_free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { mos::mm::kernel_heap_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { mos::mm::kernel_heap_free(p); }

extern "C" {

void* malloc(std::size_t size) { return mos::mm::kernel_heap_allocate(size, kDefaultAlignment); }

void free(void* p) { mos::mm::kernel_heap_free(p); }

void* calloc(std::size_t count, std::size_t size) {
  std::size_t bytes;
  if (__builtin_mul_overflow(count, size, &bytes)) return nullptr;
  void* p = mos::mm::kernel_heap_allocate(bytes, kDefaultAlignment);
  if (p != nullptr) mos::memory_set(p, 0, bytes);
  return p;
}

void* realloc(void* old, std::size_t size) {
  if (old == nullptr) return malloc(size);
  if (size == 0) {
    mos::mm::kernel_heap_free(old);
    return nullptr;
  }
  std::size_t usable = mos::mm::kernel_heap_usable_size(old);
  if (size <= usable) return old;
  void* p = mos::mm::kernel_heap_allocate(size, kDefaultAlignment);
  if (p == nullptr) return nullptr;  // The old block stays valid, as C requires.
  mos::memory_copy(p, old, usable);
  mos::mm::kernel_heap_free(old);
  return p;
}

void* aligned_alloc(std::size_t alignment, std::size_t size) {
  // C11: the alignment must be a power of two the heap supports.
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) return nullptr;
  return mos::mm::kernel_heap_allocate(size, alignment);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  constexpr int kInvalid = static_cast<int>(mos::Error::InvalidArgument);
  constexpr int kNoMemory = static_cast<int>(mos::Error::NoMemory);
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return kInvalid;
  void* p = mos::mm::kernel_heap_allocate(size, alignment);
  if (p == nullptr) return kNoMemory;
  *out = p;
  return 0;
}

}  // extern "C"
