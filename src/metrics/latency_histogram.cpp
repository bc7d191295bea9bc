#include "depthrec/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace depthrec {
namespace {

constexpr std::int64_t kExactLimit = std::int64_t{2} << LatencyHistogram::kSubBucketBits;  // 128

int highest_bit(std::uint64_t value) noexcept {
  return 63 - __builtin_clzll(value | 1);
}

std::uint64_t magnitude_of(std::int64_t value) noexcept {
  // Through unsigned arithmetic so that INT64_MIN has a magnitude (2^63) too.
  const auto bits = static_cast<std::uint64_t>(value);
  return value < 0 ? std::uint64_t{0} - bits : bits;
}

// Nearest-rank: the value at rank ceil(p/100 * count), at least 1.
std::uint64_t rank_of(double p, std::uint64_t count) noexcept {
  if (!(p > 0.0)) return 1;  // also NaN
  if (p >= 100.0) return count;
  const double exact = p / 100.0 * static_cast<double>(count);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * exact));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

}  // namespace

std::size_t LatencyHistogram::bucket_index(std::uint64_t magnitude) noexcept {
  // Below 128 a bucket per value; above, 64 buckets per power of two. The shift keeps the top
  // 7 bits of the magnitude (64..127), and the power of two selects the group of 64.
  const int shift = std::max(0, highest_bit(magnitude) - kSubBucketBits);
  return (static_cast<std::size_t>(shift) << kSubBucketBits) +
         static_cast<std::size_t>(magnitude >> shift);
}

std::uint64_t LatencyHistogram::bucket_lowest(std::size_t index) noexcept {
  if (index < static_cast<std::size_t>(kExactLimit)) return index;
  const std::size_t shift = (index >> kSubBucketBits) - 1;
  const std::uint64_t sub = index - (shift << kSubBucketBits);
  return sub << shift;
}

std::uint64_t LatencyHistogram::bucket_width(std::size_t index) noexcept {
  if (index < static_cast<std::size_t>(kExactLimit)) return 1;
  return std::uint64_t{1} << ((index >> kSubBucketBits) - 1);
}

LatencyHistogram::LatencyHistogram(std::int64_t max_magnitude)
    : max_magnitude_(std::max(max_magnitude, kExactLimit)),
      negative_(bucket_index(static_cast<std::uint64_t>(max_magnitude_)) + 1, 0),
      positive_(negative_.size(), 0) {}

void LatencyHistogram::record(std::int64_t value, std::uint64_t times) noexcept {
  if (times == 0) return;
  std::uint64_t magnitude = magnitude_of(value);
  if (magnitude > static_cast<std::uint64_t>(max_magnitude_)) {
    magnitude = static_cast<std::uint64_t>(max_magnitude_);
    clamped_ += times;
  }
  auto& buckets = value < 0 ? negative_ : positive_;
  buckets[bucket_index(magnitude)] += times;
  if (count_ == 0) {
    min_ = value;
    max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  count_ += times;
  sum_ += static_cast<double>(value) * static_cast<double>(times);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  if (other.count_ == 0) return;
  if (other.max_magnitude_ == max_magnitude_) {
    for (std::size_t i = 0; i < positive_.size(); ++i) {
      positive_[i] += other.positive_[i];
      negative_[i] += other.negative_[i];
    }
  } else {
    const auto limit = static_cast<std::uint64_t>(max_magnitude_);
    const auto add = [&](const std::vector<std::uint64_t>& from, std::vector<std::uint64_t>& to) {
      for (std::size_t i = 0; i < from.size(); ++i) {
        if (from[i] == 0) continue;
        std::uint64_t magnitude = bucket_lowest(i) + bucket_width(i) / 2;
        if (magnitude > limit) {
          magnitude = limit;
          clamped_ += from[i];
        }
        to[bucket_index(magnitude)] += from[i];
      }
    };
    add(other.positive_, positive_);
    add(other.negative_, negative_);
  }
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  clamped_ += other.clamped_;
  sum_ += other.sum_;
}

void LatencyHistogram::reset() noexcept {
  std::fill(positive_.begin(), positive_.end(), 0);
  std::fill(negative_.begin(), negative_.end(), 0);
  count_ = 0;
  clamped_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0.0;
}

std::int64_t LatencyHistogram::representative(std::size_t index, bool negative) const noexcept {
  // The middle of the bucket halves the worst error; min/max clamp it to values really seen.
  const std::uint64_t width = bucket_width(index);
  const std::uint64_t middle = bucket_lowest(index) + width / 2;
  const auto magnitude = static_cast<std::int64_t>(
      std::min<std::uint64_t>(middle, std::numeric_limits<std::int64_t>::max()));
  const std::int64_t value = negative ? -magnitude : magnitude;
  return std::clamp(value, min_, max_);
}

std::int64_t LatencyHistogram::value_at_rank(std::uint64_t rank) const noexcept {
  if (rank <= 1) return min_;
  if (rank >= count_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t i = negative_.size(); i-- > 0;) {
    seen += negative_[i];
    if (seen >= rank) return representative(i, true);
  }
  for (std::size_t i = 0; i < positive_.size(); ++i) {
    seen += positive_[i];
    if (seen >= rank) return representative(i, false);
  }
  return max_;
}

std::int64_t LatencyHistogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  return value_at_rank(rank_of(p, count_));
}

HistogramSummary LatencyHistogram::summary() const noexcept {
  HistogramSummary out;
  if (count_ == 0) return out;
  out.count = count_;
  out.min = min_;
  out.max = max_;
  out.mean = mean();
  // One walk over the buckets for the four ranks, which are in increasing order.
  const double percents[4] = {50.0, 95.0, 99.0, 99.9};
  std::int64_t* targets[4] = {&out.p50, &out.p95, &out.p99, &out.p999};
  std::uint64_t ranks[4];
  for (int k = 0; k < 4; ++k) ranks[k] = rank_of(percents[k], count_);
  int next = 0;
  std::uint64_t seen = 0;
  const auto visit = [&](std::uint64_t bucket_count, std::size_t index, bool negative) {
    if (bucket_count == 0) return;
    seen += bucket_count;
    while (next < 4 && seen >= ranks[next]) {
      const std::uint64_t rank = ranks[next];
      *targets[next] = rank <= 1 ? min_ : rank >= count_ ? max_ : representative(index, negative);
      ++next;
    }
  };
  for (std::size_t i = negative_.size(); i-- > 0 && next < 4;) visit(negative_[i], i, true);
  for (std::size_t i = 0; i < positive_.size() && next < 4; ++i) visit(positive_[i], i, false);
  return out;
}

}  // namespace depthrec
