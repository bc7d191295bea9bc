// Times from the network (E, T, serverTime, a snapshot's E) are any integer a peer chose:
// range-checked here before they are scaled, since epoch milliseconds times 10^6 overflow int64
// beyond the year 2262 (signed overflow is undefined behaviour).
#pragma once

#include <cstdint>
#include <limits>

namespace depthrec {

inline constexpr std::int64_t kMaxEpochMs = std::numeric_limits<std::int64_t>::max() / 1'000'000;

// ms since the epoch as ns; false (ns untouched) when ms is negative or beyond kMaxEpochMs.
constexpr bool epoch_ms_to_ns(std::int64_t ms, std::int64_t& ns) noexcept {
  if (ms < 0 || ms > kMaxEpochMs) return false;
  ns = ms * 1'000'000;
  return true;
}

}  // namespace depthrec
