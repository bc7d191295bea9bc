// The Redis sink's own share of the lag: from a frame's receipt (the record's recv_ns) to the
// write() of the batch holding its entry, apart from Redis and the consumers (bench/README.md,
// "Redis Streams sink"). Buckets of 10 us up to 20 ms, and the exact maximum: 16 KB, no
// allocation per entry, percentiles to 10 us. Pure; the caller locks.
#pragma once

#include <array>
#include <cstdint>

namespace depthrec::redis {

class WriteLagHistogram {
 public:
  static constexpr std::int64_t kBucketNs = 10'000;
  static constexpr std::size_t kBuckets = 2'000;  // the last also holds everything beyond

  void record(std::int64_t lag_ns);
  std::uint64_t count() const { return count_; }
  std::int64_t max_ns() const { return max_ns_; }
  // The upper edge of the bucket holding the q-quantile (0 < q <= 1), capped at the maximum;
  // 0 with no samples.
  std::int64_t quantile_ns(double q) const;

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ns_ = 0;
};

}  // namespace depthrec::redis
