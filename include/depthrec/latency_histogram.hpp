// A histogram of signed integer values (latencies, spans, queue depths) with log-linear buckets,
// in the spirit of HdrHistogram: bounded memory, O(1) record. Buckets live in groups of 64 (one
// power of two), each allocated the first time a value falls in it: a stream's values span a few
// powers of two, so an idle or steady stream holds a few groups (0.5 KB each), not all 72 (36 KB);
// thousands of streams in one process each keep a dozen of these (issue 12).
//
// Precision: magnitudes below 128 are exact; above, each power-of-two range [2^k, 2^(k+1)) is
// split into 64 equal buckets, and a percentile is reported as the middle of its bucket, so
//   |percentile(p) - exact nearest-rank percentile| <= |exact| / 128   (about 0.8 %).
// min, max, count and mean are exact (mean up to double rounding).
//
// Values are signed because event latency (local receive time - exchange event time) is negative
// when the local clock is behind the exchange's. The unit is the caller's (us, ns, ids, entries):
// the histogram only sees integers. Magnitudes above max_magnitude are recorded as +/-max_magnitude
// and counted in clamped(). Not thread-safe: FeedMetrics guards it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace depthrec {

// The figures most reports need, computed in one pass over the buckets (same unit as the values).
struct HistogramSummary {
  std::uint64_t count = 0;
  std::int64_t min = 0;  // 0 when empty, like every other field
  std::int64_t max = 0;
  double mean = 0.0;
  std::int64_t p50 = 0;
  std::int64_t p95 = 0;
  std::int64_t p99 = 0;
  std::int64_t p999 = 0;
};

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 6;  // 64 buckets per power of two above 128
  static constexpr std::int64_t kDefaultMaxMagnitude = std::int64_t{1} << 40;

  // max_magnitude: the largest |value| kept apart from the others (at least 128). Memory is at
  // most 2 x (buckets up to max_magnitude) x 8 bytes (2^40 -> 2241 buckets a sign, about 36 KB),
  // allocated 64 buckets at a time as values reach them: allocated_bytes().
  explicit LatencyHistogram(std::int64_t max_magnitude = kDefaultMaxMagnitude);

  // May allocate (a bucket group reached for the first time); at most 2 x 36 times in all.
  // The one-value form is the hot path's (five an event): no count to multiply or test, and
  // inline, so that a caller whose value is known non-negative drops the sign's work (a call
  // was ~53 instructions, a third of them the call and the negative branch).
  inline void record(std::int64_t value);
  void record(std::int64_t value, std::uint64_t times);

  // Adds every value of `other`. Same max_magnitude: bucket counts are added exactly; otherwise
  // each of other's buckets is re-recorded at its representative value (within the precision).
  void merge(const LatencyHistogram& other);
  // Forgets every value; the bucket groups stay allocated (a window reuses them). Costs one fill
  // per group that held a value, not per group allocated.
  void reset() noexcept;
  // Heap bytes held: the group table and the groups allocated so far.
  std::size_t allocated_bytes() const noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t clamped() const noexcept { return clamped_; }
  std::int64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const noexcept { return count_ == 0 ? 0 : max_; }
  double mean() const noexcept { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }
  std::int64_t max_magnitude() const noexcept { return max_magnitude_; }

  // Nearest-rank percentile, p in [0, 100] (clamped): the value at rank ceil(p/100 * count),
  // at least rank 1; 0 when empty. percentile(100) is max() exactly, percentile(0) is min().
  std::int64_t percentile(double p) const noexcept;
  HistogramSummary summary() const noexcept;
  // For an exposition with fixed bucket bounds (Prometheus): below[i] = how many values are
  // < edges[i], in one pass. Exact when every edge is a bucket edge (is_bucket_edge); `edges` must
  // be positive and ascending.
  template <std::size_t N>
  std::array<std::uint64_t, N> counts_below(const std::array<std::int64_t, N>& edges) const {
    std::array<std::uint64_t, N> below{};
    add_counts_below(edges.data(), N, below.data());
    return below;
  }
  // True when a magnitude starts a bucket: no bucket holds values on both sides of it.
  static bool is_bucket_edge(std::uint64_t magnitude) noexcept;

  // Bucket layout, public so tests can state the precision: the bucket of magnitude m, and the
  // lowest magnitude and width of a bucket.
  static std::size_t bucket_index(std::uint64_t magnitude) noexcept {
    // Below 128 a bucket per value; above, 64 buckets per power of two. The shift keeps the top
    // 7 bits of the magnitude (64..127), and the power of two selects the group of 64.
    const int top = highest_bit(magnitude);
    const int shift = top > kSubBucketBits ? top - kSubBucketBits : 0;
    return (static_cast<std::size_t>(shift) << kSubBucketBits) +
           static_cast<std::size_t>(magnitude >> shift);
  }
  static std::uint64_t bucket_lowest(std::size_t index) noexcept;
  static std::uint64_t bucket_width(std::size_t index) noexcept;

 private:
  // The signed value at a given rank (1-based) from the most negative value up.
  std::int64_t value_at_rank(std::uint64_t rank) const noexcept;
  std::int64_t representative(std::size_t index, bool negative) const noexcept;
  void add_counts_below(const std::int64_t* edges, std::size_t n, std::uint64_t* below) const;

  static constexpr std::size_t kGroupSize = std::size_t{1} << kSubBucketBits;
  // The highest set bit's position (0 for 0 and 1).
  static int highest_bit(std::uint64_t value) noexcept { return 63 - __builtin_clzll(value | 1); }
  static constexpr std::int64_t kEmptyMin = INT64_MAX;
  static constexpr std::int64_t kEmptyMax = INT64_MIN;
  using Group = std::array<std::uint64_t, kGroupSize>;
  // The bucket itself, its group allocated (and the group table sized) on first use.
  inline std::uint64_t& bucket(bool negative, std::size_t index);
  Group& allocate_group(std::size_t group_index);
  // Marks a group as holding values (allocating it if it never was).
  void hold_group(bool negative, std::size_t in_sign);
  // Calls visit(count, index) for each non-empty bucket of one sign, magnitudes ascending or
  // descending; stops when visit returns false. Skips groups holding no value.
  template <class Visit>
  void for_each_bucket(bool negative, bool descending, Visit&& visit) const;
  // Calls visit(group_in_sign) for each group of one sign that may hold a value (its bit in
  // held_groups_), ascending or descending; stops when visit returns false.
  template <class Visit>
  void for_each_held_group(bool negative, bool descending, Visit&& visit) const;

  std::int64_t max_magnitude_;
  std::size_t buckets_per_sign_;  // bucket_index(max_magnitude_) + 1
  std::size_t groups_per_sign_;
  // Positive groups (values >= 0) first, then negative ones, each by magnitude; empty until the
  // first value, a null group never reached.
  std::vector<std::unique_ptr<Group>> groups_;
  // Per sign, bit g set when group g may hold a count (set by record and merge, cleared by
  // reset): merge, reset and summary then visit only the groups a window touched, not every
  // group the histogram ever allocated (the metrics roll of thousands of streams, issue 12).
  // At most 58 groups a sign (max_magnitude 2^63), so one word each.
  std::uint64_t held_groups_[2] = {0, 0};
  // Adds `times` values (at least 1) of `value`.
  inline void add(std::int64_t value, std::uint64_t times);

  std::uint64_t count_ = 0;
  std::uint64_t clamped_ = 0;
  // Sentinels while empty (min() and max() report 0 then), so adding a value needs no test.
  std::int64_t min_ = kEmptyMin;
  std::int64_t max_ = kEmptyMax;
  double sum_ = 0.0;
};

// The hot path: the group's bit decides (a held group is allocated), then one table lookup;
// the first value of a group since the last reset takes the out-of-line path.
inline std::uint64_t& LatencyHistogram::bucket(bool negative, std::size_t index) {
  const std::size_t in_sign = index >> kSubBucketBits;
  const std::uint64_t bit = std::uint64_t{1} << in_sign;
  if (__builtin_expect((held_groups_[negative ? 1 : 0] & bit) == 0, 0))
    hold_group(negative, in_sign);
  return (*groups_[(negative ? groups_per_sign_ : 0) + in_sign])[index & (kGroupSize - 1)];
}

inline void LatencyHistogram::add(std::int64_t value, std::uint64_t times) {
  // Through unsigned arithmetic so that INT64_MIN has a magnitude (2^63) too.
  const auto bits = static_cast<std::uint64_t>(value);
  std::uint64_t magnitude = value < 0 ? std::uint64_t{0} - bits : bits;
  if (magnitude > static_cast<std::uint64_t>(max_magnitude_)) {
    magnitude = static_cast<std::uint64_t>(max_magnitude_);
    clamped_ += times;
  }
  bucket(value < 0, bucket_index(magnitude)) += times;
  min_ = value < min_ ? value : min_;
  max_ = value > max_ ? value : max_;
  count_ += times;
}

inline void LatencyHistogram::record(std::int64_t value) {
  add(value, 1);
  sum_ += static_cast<double>(value);  // the same as value x 1.0
}

}  // namespace depthrec
