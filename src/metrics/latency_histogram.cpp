#include "depthrec/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace depthrec {
namespace {

constexpr std::int64_t kExactLimit = std::int64_t{2} << LatencyHistogram::kSubBucketBits;  // 128

// Nearest-rank: the value at rank ceil(p/100 * count), at least 1.
std::uint64_t rank_of(double p, std::uint64_t count) noexcept {
  if (!(p > 0.0)) return 1;  // also NaN
  if (p >= 100.0) return count;
  const double exact = p / 100.0 * static_cast<double>(count);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact - 1e-9 * exact));
  return std::clamp<std::uint64_t>(rank, 1, count);
}

}  // namespace

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
      buckets_per_sign_(bucket_index(static_cast<std::uint64_t>(max_magnitude_)) + 1),
      groups_per_sign_((buckets_per_sign_ + kGroupSize - 1) / kGroupSize) {}

LatencyHistogram::Group& LatencyHistogram::allocate_group(std::size_t group_index) {
  if (groups_.empty()) groups_.resize(2 * groups_per_sign_);
  auto& group = groups_[group_index];
  if (!group) group = std::make_unique<Group>();  // value-initialised: zero counts
  return *group;
}

void LatencyHistogram::hold_group(bool negative, std::size_t in_sign) {
  allocate_group((negative ? groups_per_sign_ : 0) + in_sign);
  held_groups_[negative ? 1 : 0] |= std::uint64_t{1} << in_sign;
}

template <class Visit>
void LatencyHistogram::for_each_held_group(bool negative, bool descending, Visit&& visit) const {
  std::uint64_t held = held_groups_[negative ? 1 : 0];
  while (held != 0) {
    const int g = descending ? highest_bit(held) : __builtin_ctzll(held);
    held &= ~(std::uint64_t{1} << g);
    if (!visit(static_cast<std::size_t>(g))) return;
  }
}

template <class Visit>
void LatencyHistogram::for_each_bucket(bool negative, bool descending, Visit&& visit) const {
  const std::size_t base = negative ? groups_per_sign_ : 0;
  for_each_held_group(negative, descending, [&](std::size_t g) {
    const Group& group = *groups_[base + g];
    for (std::size_t k = 0; k < kGroupSize; ++k) {
      const std::size_t slot = descending ? kGroupSize - 1 - k : k;
      const std::uint64_t count = group[slot];
      if (count != 0 && !visit(count, g * kGroupSize + slot)) return false;
    }
    return true;
  });
}

bool LatencyHistogram::is_bucket_edge(std::uint64_t magnitude) noexcept {
  return bucket_lowest(bucket_index(magnitude)) == magnitude;
}

void LatencyHistogram::add_counts_below(const std::int64_t* edges, std::size_t n,
                                        std::uint64_t* below) const {
  // Every negative value is below every (positive) edge; a positive bucket is below an edge when
  // it starts below it, which for an edge that starts a bucket means all of its values are. One
  // ascending sweep: the edges a bucket starts at or above take the positive count before it
  // (each bucket was compared with every edge before: ~16,000 instructions a call at each
  // metrics print of every stream, issue 12).
  std::uint64_t negative = 0;
  for_each_bucket(true, false, [&](std::uint64_t count, std::size_t) {
    negative += count;
    return true;
  });
  std::uint64_t positive = 0;  // in the buckets before the current one
  std::size_t next = 0;
  for_each_bucket(false, false, [&](std::uint64_t count, std::size_t index) {
    const std::uint64_t lowest = bucket_lowest(index);
    while (next < n && static_cast<std::uint64_t>(edges[next]) <= lowest) {
      below[next++] = negative + positive;
    }
    positive += count;
    return next < n;  // every edge placed: the buckets above count in none
  });
  while (next < n) below[next++] = negative + positive;
}

void LatencyHistogram::record(std::int64_t value, std::uint64_t times) {
  if (times == 0) return;
  add(value, times);
  sum_ += static_cast<double>(value) * static_cast<double>(times);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  if (other.max_magnitude_ == max_magnitude_) {
    // Group by group, a plain addition of 64 counts (the slot-by-slot bucket() lookups were a
    // third of a metrics roll), over the groups `other` holds values in only. A group is
    // allocated here only if `other`'s holds a count, as record() would: allocated_bytes() is
    // the same as before.
    for (const bool negative : {false, true}) {
      const std::size_t base = negative ? groups_per_sign_ : 0;
      other.for_each_held_group(negative, false, [&](std::size_t in_sign) {
        const Group& from = *other.groups_[base + in_sign];
        const std::size_t g = base + in_sign;
        Group* into = g < groups_.size() ? groups_[g].get() : nullptr;
        if (into == nullptr) {
          if (std::all_of(from.begin(), from.end(), [](std::uint64_t c) { return c == 0; })) {
            return true;
          }
          into = &allocate_group(g);
        }
        for (std::size_t k = 0; k < kGroupSize; ++k) (*into)[k] += from[k];
        held_groups_[negative ? 1 : 0] |= std::uint64_t{1} << in_sign;
        return true;
      });
    }
  } else {
    const auto limit = static_cast<std::uint64_t>(max_magnitude_);
    for (const bool negative : {false, true}) {
      other.for_each_bucket(negative, false, [&](std::uint64_t count, std::size_t index) {
        std::uint64_t magnitude = bucket_lowest(index) + bucket_width(index) / 2;
        if (magnitude > limit) {
          magnitude = limit;
          clamped_ += count;
        }
        bucket(negative, bucket_index(magnitude)) += count;
        return true;
      });
    }
  }
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  clamped_ += other.clamped_;
  sum_ += other.sum_;
}

void LatencyHistogram::reset() noexcept {
  // Only the groups that held a value: every other allocated group is all zeros already.
  for (const bool negative : {false, true}) {
    const std::size_t base = negative ? groups_per_sign_ : 0;
    for_each_held_group(negative, false, [&](std::size_t g) {
      groups_[base + g]->fill(0);
      return true;
    });
  }
  held_groups_[0] = 0;
  held_groups_[1] = 0;
  count_ = 0;
  clamped_ = 0;
  min_ = kEmptyMin;
  max_ = kEmptyMax;
  sum_ = 0.0;
}

std::size_t LatencyHistogram::allocated_bytes() const noexcept {
  std::size_t bytes = groups_.capacity() * sizeof(groups_[0]);
  for (const auto& group : groups_) {
    if (group) bytes += sizeof(Group);
  }
  return bytes;
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
  std::int64_t found = max_;
  bool done = false;
  // From the most negative value up: negative magnitudes descending, then positive ascending.
  for (const bool negative : {true, false}) {
    if (done) break;
    for_each_bucket(negative, negative, [&](std::uint64_t count, std::size_t index) {
      seen += count;
      if (seen < rank) return true;
      found = representative(index, negative);
      done = true;
      return false;
    });
  }
  return found;
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
    seen += bucket_count;
    while (next < 4 && seen >= ranks[next]) {
      const std::uint64_t rank = ranks[next];
      *targets[next] = rank <= 1 ? min_ : rank >= count_ ? max_ : representative(index, negative);
      ++next;
    }
    return next < 4;
  };
  // Group by group, over the groups holding values only: a group whose total does not reach
  // the next rank is passed over with one sum of its 64 counts (most of a stream's groups, at
  // each metrics print of thousands).
  for (const bool negative : {true, false}) {
    if (next == 4) break;
    const std::size_t base = negative ? groups_per_sign_ : 0;
    for_each_held_group(negative, negative, [&](std::size_t g) {
      const Group& group = *groups_[base + g];
      std::uint64_t total = 0;
      for (const std::uint64_t count : group) total += count;
      if (seen + total < ranks[next]) {
        seen += total;
        return true;
      }
      for (std::size_t k = 0; k < kGroupSize && next < 4; ++k) {
        const std::size_t slot = negative ? kGroupSize - 1 - k : k;
        const std::uint64_t count = group[slot];
        if (count != 0) visit(count, g * kGroupSize + slot, negative);
      }
      return next < 4;
    });
  }
  return out;
}

}  // namespace depthrec
