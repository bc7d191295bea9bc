#include "depthrec/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace depthrec {
namespace {

// The nearest-rank percentile of sorted values: the value at rank ceil(p/100 * n), at least 1.
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * n - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// The stated precision: |reported - exact| <= |exact| / 128 (exact below 128).
void expect_within_precision(const LatencyHistogram& h, std::vector<std::int64_t> values) {
  std::sort(values.begin(), values.end());
  for (double p : {0.0, 1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const std::int64_t exact = exact_percentile(values, p);
    const std::int64_t reported = h.percentile(p);
    const double tolerance = std::abs(static_cast<double>(exact)) / 128.0;
    EXPECT_LE(std::abs(static_cast<double>(reported - exact)), tolerance)
        << "p" << p << " exact " << exact << " reported " << reported;
  }
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  double sum = 0;
  for (auto v : values) sum += static_cast<double>(v);
  EXPECT_NEAR(h.mean(), sum / static_cast<double>(values.size()),
              1e-9 * std::abs(sum / static_cast<double>(values.size())) + 1e-9);
}

TEST(LatencyHistogram, EmptyReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.percentile(50), 0);
  const HistogramSummary s = h.summary();
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.p99, 0);
}

TEST(LatencyHistogram, SmallMagnitudesAreExact) {
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  for (std::int64_t v = -127; v <= 127; ++v) {
    h.record(v);
    values.push_back(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 33.0, 50.0, 77.0, 99.0}) {
    EXPECT_EQ(h.percentile(p), exact_percentile(values, p)) << p;
  }
}

TEST(LatencyHistogram, BucketLayoutHoldsEveryMagnitudeWithinOnePart64) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t magnitude = rng() >> (rng() % 64);
    const std::size_t index = LatencyHistogram::bucket_index(magnitude);
    const std::uint64_t lowest = LatencyHistogram::bucket_lowest(index);
    const std::uint64_t width = LatencyHistogram::bucket_width(index);
    ASSERT_LE(lowest, magnitude);
    ASSERT_LE(magnitude - lowest, width - 1) << magnitude;
    if (magnitude >= 128) {
      ASSERT_LE(width * 64, lowest) << magnitude;
    } else {
      ASSERT_EQ(width, 1u);
    }
  }
  // Indices are dense and increasing: the next bucket starts where this one ends.
  for (std::size_t index = 0; index < 3000; ++index) {
    ASSERT_EQ(LatencyHistogram::bucket_lowest(index) + LatencyHistogram::bucket_width(index),
              LatencyHistogram::bucket_lowest(index + 1))
        << index;
  }
}

TEST(LatencyHistogram, UniformDistributionPercentilesWithinPrecision) {
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  for (std::int64_t v = 1; v <= 100000; ++v) {
    h.record(v);
    values.push_back(v);
  }
  expect_within_precision(h, values);
  EXPECT_NEAR(static_cast<double>(h.percentile(50)), 50000.0, 50000.0 / 128);
  EXPECT_NEAR(static_cast<double>(h.percentile(99.9)), 99900.0, 99900.0 / 128);
}

TEST(LatencyHistogram, NegativeLatenciesOfABehindClock) {
  // Raw event latency in us when the local clock is ~1.5 s behind: around -1,420,000.
  LatencyHistogram h;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> latency(-1'420'000.0, 20'000.0);
  std::vector<std::int64_t> values;
  for (int i = 0; i < 50000; ++i) {
    const auto v = static_cast<std::int64_t>(latency(rng));
    h.record(v);
    values.push_back(v);
  }
  expect_within_precision(h, values);
  EXPECT_LT(h.percentile(99), 0);
}

TEST(LatencyHistogram, ValuesAcrossZeroAndHeavyTail) {
  LatencyHistogram h;
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> tail(8.0, 1.5);
  std::vector<std::int64_t> values;
  for (int i = 0; i < 100000; ++i) {
    auto v = static_cast<std::int64_t>(tail(rng));
    if (i % 3 == 0) v = -v;
    h.record(v);
    values.push_back(v);
  }
  expect_within_precision(h, values);
}

TEST(LatencyHistogram, SummaryAgreesWithPercentile) {
  LatencyHistogram h;
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> pipeline(1.0 / 8000.0);  // ns
  for (int i = 0; i < 30000; ++i) h.record(static_cast<std::int64_t>(pipeline(rng)));
  const HistogramSummary s = h.summary();
  EXPECT_EQ(s.count, h.count());
  EXPECT_EQ(s.min, h.min());
  EXPECT_EQ(s.max, h.max());
  EXPECT_DOUBLE_EQ(s.mean, h.mean());
  EXPECT_EQ(s.p50, h.percentile(50));
  EXPECT_EQ(s.p95, h.percentile(95));
  EXPECT_EQ(s.p99, h.percentile(99));
  EXPECT_EQ(s.p999, h.percentile(99.9));
}

// summary() passes over whole groups that do not reach the next rank: its percentiles stay those
// of the bucket-by-bucket walk for signed values, tiny counts (several ranks in one bucket or
// group), emptied groups of a reset window, and ranks that fall on a group's last bucket.
TEST(LatencyHistogram, SummaryAgreesWithPercentileForEveryShape) {
  std::mt19937_64 rng(29);
  for (int round = 0; round < 300; ++round) {
    LatencyHistogram h;
    std::uniform_int_distribution<int> spread(0, 40);
    for (int i = 0; i < 20; ++i) h.record(static_cast<std::int64_t>(rng() % 100'000) - 50'000);
    if (round % 3 == 0) h.reset();  // groups allocated, all zero
    const int n = 1 + static_cast<int>(rng() % (round % 2 == 0 ? 5 : 3000));
    for (int i = 0; i < n; ++i) {
      const int bits = spread(rng);
      const auto magnitude = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << bits));
      h.record(rng() % 4 == 0 ? -magnitude : magnitude, 1 + rng() % 3);
    }
    const HistogramSummary s = h.summary();
    ASSERT_EQ(s.p50, h.percentile(50)) << round;
    ASSERT_EQ(s.p95, h.percentile(95)) << round;
    ASSERT_EQ(s.p99, h.percentile(99)) << round;
    ASSERT_EQ(s.p999, h.percentile(99.9)) << round;
    ASSERT_EQ(s.count, h.count());
  }
}

TEST(LatencyHistogram, PercentileExtremesAndOutOfRangeP) {
  LatencyHistogram h;
  for (std::int64_t v : {-5000, 17, 123456789}) h.record(v);
  EXPECT_EQ(h.percentile(0), -5000);
  EXPECT_EQ(h.percentile(-3), -5000);
  EXPECT_EQ(h.percentile(std::nan("")), -5000);
  EXPECT_EQ(h.percentile(100), 123456789);
  EXPECT_EQ(h.percentile(250), 123456789);
  EXPECT_EQ(h.percentile(50), 17);
}

TEST(LatencyHistogram, WeightedRecordEqualsRepeatedRecords) {
  LatencyHistogram once;
  LatencyHistogram repeated;
  once.record(-777, 5);
  once.record(90000, 3);
  for (int i = 0; i < 5; ++i) repeated.record(-777);
  for (int i = 0; i < 3; ++i) repeated.record(90000);
  once.record(1, 0);  // zero times: nothing
  EXPECT_EQ(once.count(), 8u);
  for (double p : {10.0, 50.0, 62.5, 63.0, 90.0}) {
    EXPECT_EQ(once.percentile(p), repeated.percentile(p)) << p;
  }
  EXPECT_DOUBLE_EQ(once.mean(), repeated.mean());
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram all;
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<std::int64_t> dist(-2'000'000, 3'000'000);
  for (int i = 0; i < 20000; ++i) {
    const auto v = dist(rng);
    (i % 2 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {1.0, 50.0, 95.0, 99.0, 99.9}) EXPECT_EQ(a.percentile(p), all.percentile(p)) << p;
}

TEST(LatencyHistogram, MergeOfADifferentRangeStaysWithinPrecision) {
  LatencyHistogram wide(std::int64_t{1} << 50);
  LatencyHistogram narrow(std::int64_t{1} << 30);
  std::vector<std::int64_t> values;
  std::mt19937_64 rng(9);
  std::uniform_int_distribution<std::int64_t> dist(-100'000'000, 100'000'000);
  for (int i = 0; i < 20000; ++i) {
    const auto v = dist(rng);
    wide.record(v);
    values.push_back(v);
  }
  narrow.merge(wide);
  // Each value moved to the middle of its bucket then into another layout: two half-buckets.
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 25.0, 50.0, 95.0, 99.0}) {
    const auto exact = exact_percentile(values, p);
    EXPECT_LE(std::abs(static_cast<double>(narrow.percentile(p) - exact)),
              2.0 * std::abs(static_cast<double>(exact)) / 128.0)
        << p;
  }
  EXPECT_EQ(narrow.count(), values.size());
  EXPECT_EQ(narrow.min(), values.front());
}

TEST(LatencyHistogram, ResetEmptiesEverything) {
  LatencyHistogram h(1000);
  h.record(5);
  h.record(-1'000'000);  // clamped
  EXPECT_EQ(h.clamped(), 1u);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.clamped(), 0u);
  EXPECT_EQ(h.percentile(50), 0);
  h.record(42);
  EXPECT_EQ(h.min(), 42);
  EXPECT_EQ(h.percentile(50), 42);
}

TEST(LatencyHistogram, MagnitudesBeyondTheRangeAreClampedButMinMaxStayExact) {
  LatencyHistogram h(1 << 20);
  for (int i = 0; i < 10; ++i) h.record(100);
  h.record(std::int64_t{1} << 40);
  h.record(std::numeric_limits<std::int64_t>::min());
  h.record(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(h.clamped(), 3u);
  EXPECT_EQ(h.count(), 13u);
  EXPECT_EQ(h.min(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(h.max(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(h.percentile(50), 100);
}

// Issue 12: thousands of streams each keep a dozen histograms. Memory follows the values: nothing
// before the first one, then one 64-bucket group per power of two reached (and a small table),
// never the whole range; a reset keeps the groups for the next window.
TEST(LatencyHistogram, AllocatesOnlyTheBucketGroupsItsValuesReach) {
  LatencyHistogram h;
  EXPECT_EQ(h.allocated_bytes(), 0u);
  EXPECT_EQ(h.summary().count, 0u);
  std::vector<std::int64_t> values;
  for (std::int64_t v = 600; v < 1800; v += 3) values.push_back(v);  // 512..2047: 2 groups
  for (auto v : values) h.record(v);
  const std::size_t group = 64 * sizeof(std::uint64_t);
  const std::size_t table = 2 * 36 * sizeof(void*);  // 2^40: 36 groups a sign
  EXPECT_EQ(h.allocated_bytes(), table + 2 * group);
  expect_within_precision(h, values);
  h.record(-5);  // a new group on the negative side
  EXPECT_EQ(h.allocated_bytes(), table + 3 * group);
  EXPECT_EQ(h.percentile(0), -5);
  const std::size_t before_reset = h.allocated_bytes();
  h.reset();
  EXPECT_EQ(h.allocated_bytes(), before_reset);
  EXPECT_EQ(h.summary().p99, 0);
  // Spread over the whole range, it holds what the fixed layout held.
  LatencyHistogram full;
  for (int bit = 0; bit <= 40; ++bit) {
    full.record(std::int64_t{1} << bit);
    full.record(-(std::int64_t{1} << bit));
  }
  EXPECT_EQ(full.allocated_bytes(), table + 2 * 36 * group);
}

// A reset window keeps its groups, all zero: merging it allocates nothing more than recording
// its values would (none), and merging counts adds them group by group exactly.
TEST(LatencyHistogram, MergeOfAResetHistogramAllocatesNoGroup) {
  LatencyHistogram window;
  for (std::int64_t v : {5, 900, 70'000, -3'000, 1'000'000}) window.record(v);
  window.reset();
  LatencyHistogram run;
  run.record(7);
  const std::size_t bytes = run.allocated_bytes();
  run.merge(window);
  EXPECT_EQ(run.allocated_bytes(), bytes);
  EXPECT_EQ(run.count(), 1u);

  window.record(70'001);
  window.record(-3'001);
  run.merge(window);
  LatencyHistogram direct;
  for (std::int64_t v : {7, 70'001, -3'001}) direct.record(v);
  EXPECT_EQ(run.allocated_bytes(), direct.allocated_bytes());
  EXPECT_EQ(run.count(), 3u);
  for (double p : {0.0, 40.0, 50.0, 90.0, 100.0})
    EXPECT_EQ(run.percentile(p), direct.percentile(p));
}

TEST(LatencyHistogram, MergeIntoAnEmptyHistogramCopiesEveryGroup) {
  LatencyHistogram source;
  LatencyHistogram empty;
  std::vector<std::int64_t> values;
  for (std::int64_t v = -3000; v <= 90'000; v += 7) values.push_back(v);
  for (auto v : values) source.record(v);
  empty.merge(source);
  expect_within_precision(empty, values);
  EXPECT_EQ(empty.allocated_bytes(), source.allocated_bytes());
}

// A histogram reused window after window (reset keeps its groups) visits only the groups the
// window holds values in: its figures, its merge into another and its exposition counts are
// those of a histogram that only ever saw the window's values.
bool same_figures_as_fresh(const LatencyHistogram& reused, const LatencyHistogram& fresh) {
  const HistogramSummary a = reused.summary();
  const HistogramSummary b = fresh.summary();
  constexpr std::array<std::int64_t, 5> kEdges{128, 1'024, 65'536, 1 << 20, std::int64_t{1} << 30};
  return a.count == b.count && a.min == b.min && a.max == b.max && a.mean == b.mean &&
         a.p50 == b.p50 && a.p95 == b.p95 && a.p99 == b.p99 && a.p999 == b.p999 &&
         reused.counts_below(kEdges) == fresh.counts_below(kEdges) &&
         reused.percentile(10) == fresh.percentile(10);
}

TEST(LatencyHistogram, AReusedWindowReportsOnlyTheValuesSinceItsReset) {
  std::mt19937_64 random(41);
  LatencyHistogram reused;
  LatencyHistogram merged_reused;
  LatencyHistogram merged_fresh;
  for (int window = 0; window < 12; ++window) {
    LatencyHistogram fresh;
    // Each window spans other powers of two (and signs) than the one before, so groups held
    // before the reset are allocated but empty now.
    const int low_bit = (window * 7) % 36;
    std::uniform_int_distribution<std::int64_t> magnitude(std::int64_t{1} << low_bit,
                                                          std::int64_t{1} << (low_bit + 3));
    const int values = window % 4 == 3 ? 0 : 50 + window * 10;  // some windows stay empty
    for (int i = 0; i < values; ++i) {
      const std::int64_t value =
          (window % 3 == 1 && i % 2 == 0) ? -magnitude(random) : magnitude(random);
      reused.record(value);
      fresh.record(value);
    }
    EXPECT_TRUE(same_figures_as_fresh(reused, fresh)) << "window " << window;
    merged_reused.merge(reused);
    merged_fresh.merge(fresh);
    EXPECT_TRUE(same_figures_as_fresh(merged_reused, merged_fresh)) << "window " << window;
    EXPECT_EQ(merged_reused.allocated_bytes(), merged_fresh.allocated_bytes());
    reused.reset();
    EXPECT_EQ(reused.count(), 0u);
    EXPECT_EQ(reused.summary().p50, 0);
  }
}

// counts_below against the values themselves, on bucket edges (where it is exact), with
// negative values (below every edge) and values past the last edge.
TEST(LatencyHistogram, CountsBelowEdgesAreTheValuesBelowEachEdge) {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::int64_t> value_of(-5'000, 5'000'000);
  LatencyHistogram h;
  std::vector<std::int64_t> values;
  for (int i = 0; i < 5'000; ++i) {
    const std::int64_t v = i % 50 == 0 ? value_of(random) * 1'000 : value_of(random) / (1 + i % 9);
    h.record(v);
    values.push_back(v);
  }
  constexpr std::array<std::int64_t, 6> kEdges{125, 1'000, 8'000, 64'000, 512'000, 2'048'000};
  const auto below = h.counts_below(kEdges);
  for (std::size_t e = 0; e < kEdges.size(); ++e) {
    ASSERT_TRUE(LatencyHistogram::is_bucket_edge(static_cast<std::uint64_t>(kEdges[e])));
    const auto want = static_cast<std::uint64_t>(
        std::count_if(values.begin(), values.end(), [&](std::int64_t v) { return v < kEdges[e]; }));
    EXPECT_EQ(below[e], want) << "edge " << kEdges[e];
  }
}

}  // namespace
}  // namespace depthrec
