#include "redis/write_lag.hpp"

#include <algorithm>
#include <cmath>

namespace depthrec::redis {

void WriteLagHistogram::record(std::int64_t lag_ns) {
  lag_ns = std::max<std::int64_t>(lag_ns, 0);  // clocks: a receipt "after" the write is 0
  const auto bucket = std::min<std::int64_t>(lag_ns / kBucketNs, kBuckets - 1);
  ++counts_[static_cast<std::size_t>(bucket)];
  ++count_;
  max_ns_ = std::max(max_ns_, lag_ns);
}

std::int64_t WriteLagHistogram::quantile_ns(double q) const {
  if (count_ == 0) return 0;
  const auto rank =
      static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen < std::max<std::uint64_t>(rank, 1)) continue;
    // The last bucket holds everything beyond its edge: the maximum says how far.
    if (i + 1 == kBuckets) return max_ns_;
    return std::min(static_cast<std::int64_t>(i + 1) * kBucketNs, max_ns_);
  }
  return max_ns_;
}

}  // namespace depthrec::redis
