// SPDX-License-Identifier: MIT
// MarginLab JS boundary: operator new and delete for the wasm modules. An evaluation makes a few
// dozen small allocations (vectors of a few positions, short strings of steps) and frees them all
// before the next: blocks of up to kLargest bytes are kept on one free list per size class and
// reused, so a call costs a list pop and push each instead of a walk of the malloc heap. The
// modules link emmalloc (small, slow on its own) for everything else.
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kGrain = 16;     // size classes step by 16 bytes
constexpr std::size_t kLargest = 4096;  // blocks above go to malloc and back
constexpr std::size_t kHeader = 16;    // the class of a block, before it (keeps malloc's 16-byte alignment)

struct FreeBlock {
  FreeBlock* next;
};

FreeBlock* freeLists[kLargest / kGrain + 1];  // [0]: unused (class 0 marks a malloc block)

[[noreturn]] void outOfMemory() { std::abort(); }  // -fno-exceptions: no bad_alloc

void* allocate(std::size_t n) {
  const std::size_t c = n == 0 ? 1 : (n + kGrain - 1) / kGrain;
  if (c < sizeof freeLists / sizeof freeLists[0]) {
    if (FreeBlock* b = freeLists[c]) {
      freeLists[c] = b->next;
      return b;
    }
  }
  const bool small = c * kGrain <= kLargest;
  auto* base = static_cast<unsigned char*>(std::malloc(kHeader + (small ? c * kGrain : n)));
  if (!base) outOfMemory();
  *reinterpret_cast<std::size_t*>(base) = small ? c : 0;
  return base + kHeader;
}

void release(void* p) noexcept {
  if (!p) return;
  unsigned char* base = static_cast<unsigned char*>(p) - kHeader;
  const std::size_t c = *reinterpret_cast<std::size_t*>(base);
  if (c == 0) return std::free(base);
  auto* b = static_cast<FreeBlock*>(p);
  b->next = freeLists[c];
  freeLists[c] = b;
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
