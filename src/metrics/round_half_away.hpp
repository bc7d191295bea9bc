// std::llround without the libm call: the per-event corrected latency's rounding (~25
// instructions an event in a call). Below 2^52 the truncation and the fraction are exact, so
// rounding half away from zero from them gives llround's result; beyond (and for NaN and the
// infinities) llround itself decides.
#pragma once

#include <cmath>
#include <cstdint>

namespace depthrec {

inline std::int64_t round_half_away(double value) noexcept {
  constexpr double kExactBelow = 4503599627370496.0;  // 2^52
  if (!(std::fabs(value) < kExactBelow)) return std::llround(value);
  const auto truncated = static_cast<std::int64_t>(value);
  const double fraction = value - static_cast<double>(truncated);
  return truncated + (fraction >= 0.5 ? 1 : 0) - (fraction <= -0.5 ? 1 : 0);
}

}  // namespace depthrec
