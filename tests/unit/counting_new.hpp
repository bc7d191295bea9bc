// Counts every operator new of a test binary (a test-only replacement), so a test can prove a
// path allocates nothing. Include it in exactly one file of a binary: it defines the global
// operator new and delete. AddressSanitizer owns operator new (memory from its new must not
// reach our free), so under ASan the replacement is left out and SKIP_UNLESS_COUNTING() skips:
// the plain build proves the property.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define DEPTHREC_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEPTHREC_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef DEPTHREC_COUNT_ALLOCATIONS
#define DEPTHREC_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<std::size_t> allocation_count{0};
}  // namespace

#if DEPTHREC_COUNT_ALLOCATIONS
// g++ 12 inlines these into the tests of the including file (-O1 under TSan) and then takes the
// free() below for one of memory from the standard operator new; it is our new's malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
static void* counted_allocation(std::size_t size) {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size) {
  return counted_allocation(size);
}
void* operator new[](std::size_t size) {
  return counted_allocation(size);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop
#endif

#define SKIP_UNLESS_COUNTING() \
  if (!DEPTHREC_COUNT_ALLOCATIONS) GTEST_SKIP() << "allocations are not counted under ASan"
