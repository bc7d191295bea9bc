// Asking for memory ahead of its use: a hint to the cache, no effect on what a program computes.
// For per-stream state that a whole market does not keep in cache (OrderBook::set_prefetch_blocks,
// the file writer's line buffers).
#pragma once

#include <cstddef>

namespace depthrec {

enum class PrefetchFor { read, write };

// Asks for every cache line of [data, data + bytes).
inline void prefetch_range(const void* data, std::size_t bytes, PrefetchFor use) {
  constexpr std::size_t kCacheLine = 64;
  const auto* first = static_cast<const char*>(data);
  for (std::size_t at = 0; at < bytes; at += kCacheLine) {
    // The hint must be a constant: one call each.
    if (use == PrefetchFor::write) {
      __builtin_prefetch(first + at, 1, 3);
    } else {
      __builtin_prefetch(first + at, 0, 3);
    }
  }
}

}  // namespace depthrec
