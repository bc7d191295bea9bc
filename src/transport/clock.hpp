#pragma once
// Wall-clock and monotonic time stamps used by the transport layer.

#include <chrono>
#include <cstdint>

namespace depthrec::transport {

/// Nanoseconds since the Unix epoch (system_clock): comparable with exchange time stamps.
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Nanoseconds on the monotonic clock: for intervals that must not jump with clock corrections.
inline std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace depthrec::transport
