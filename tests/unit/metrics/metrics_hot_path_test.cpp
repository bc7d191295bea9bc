// The per-event shortcuts of the metrics hot path give the same figures as the full computation:
// the clock offset kept up to date (not re-estimated per event), the inline rounding of the
// corrected latency, and the inline histogram record.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "depthrec/clock_offset.hpp"
#include "depthrec/latency_histogram.hpp"
#include "metrics/round_half_away.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kHotPathMs = 1'000'000;
constexpr std::int64_t kHotPathT0 = 1'721'347'000'000'000'000;  // local ns

TEST(MetricsHotPath, CachedOffsetEqualsTheEstimateAfterEverySample) {
  ClockOffsetConfig config;
  config.stream_window_ns = 2'000 * kHotPathMs;  // short windows: many rolls in the walk
  ClockOffsetEstimator estimator(config);
  std::mt19937_64 random(12);
  std::int64_t now_ns = kHotPathT0;
  std::int64_t offset_ms = -1500;
  int valid_estimates = 0;
  for (int i = 0; i < 20'000; ++i) {
    const auto roll = random() % 1000;
    now_ns += static_cast<std::int64_t>(random() % (50 * kHotPathMs));
    if (roll == 0) now_ns += 5'000 * kHotPathMs;  // a silence longer than two windows
    if (roll == 1) offset_ms += 20'000;           // the clock steps (outliers, then confirmed)
    if (roll == 2) estimator.reset();
    if (roll < 20) {
      const std::int64_t sent = now_ns - static_cast<std::int64_t>(random() % (30 * kHotPathMs));
      estimator.add_rest_sample(sent, now_ns, (sent / kHotPathMs) - offset_ms);
    } else {
      const auto delay_ms = static_cast<std::int64_t>(random() % 200);
      // Now and then an E far in the future (an outlier), or one the estimator refuses.
      const std::int64_t future_ms = roll < 30 ? 60'000 : 0;
      const std::int64_t event_ms =
          roll == 30 ? -5 : now_ns / kHotPathMs - offset_ms - delay_ms + future_ms;
      estimator.add_stream_sample(now_ns, event_ms);
    }
    ASSERT_EQ(estimator.offset_ms(), estimator.estimate().offset_ms) << "sample " << i;
    if (estimator.estimate().valid()) ++valid_estimates;
  }
  EXPECT_GT(valid_estimates, 10'000);  // the walk did reach valid estimates
  const ClockOffset last = estimator.estimate();
  EXPECT_GT(last.stream_samples, 0u);
  EXPECT_GT(last.stream_outliers, 0u);
}

TEST(MetricsHotPath, InlineRoundingIsLlround) {
  const double cases[] = {0.0,
                          -0.0,
                          0.5,
                          -0.5,
                          1.5,
                          -1.5,
                          2.5,
                          -2.5,
                          0.49999999999999994,
                          -0.49999999999999994,
                          1e15 + 0.5,
                          -1e15 - 0.5,
                          4503599627370495.5,
                          -4503599627370495.5,
                          4503599627370496.0,
                          9007199254740993.0,
                          -1523456.4999,
                          -1523456.5001};
  for (const double value : cases) {
    EXPECT_EQ(round_half_away(value), std::llround(value)) << value;
  }
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> spread(-4e6, 4e6);  // latencies in us, +/- 4 s
  for (int i = 0; i < 100'000; ++i) {
    const double value = spread(random);
    ASSERT_EQ(round_half_away(value), std::llround(value)) << value;
    const double half = std::floor(value) + 0.5;  // ties, both ways
    ASSERT_EQ(round_half_away(half), std::llround(half)) << half;
  }
}

TEST(MetricsHotPath, InlineBucketIndexKeepsTheLayout) {
  // Every bucket starts where the previous one ends, widths doubling every 64 buckets above 128.
  std::uint64_t expected_lowest = 0;
  // Up to the bucket that ends at 2^64 - 1.
  for (std::size_t index = 0; index < std::size_t{64} * 59; ++index) {
    ASSERT_EQ(LatencyHistogram::bucket_lowest(index), expected_lowest) << index;
    ASSERT_EQ(LatencyHistogram::bucket_index(expected_lowest), index);
    const std::uint64_t width = LatencyHistogram::bucket_width(index);
    ASSERT_EQ(LatencyHistogram::bucket_index(expected_lowest + width - 1), index);
    expected_lowest += width;
  }
  EXPECT_EQ(LatencyHistogram::bucket_index(std::numeric_limits<std::uint64_t>::max()),
            LatencyHistogram::bucket_index(std::uint64_t{1} << 63) + 63);
}

TEST(MetricsHotPath, InlineRecordKeepsSignsMinMaxAndClamps) {
  LatencyHistogram histogram(1 << 20);
  const std::int64_t values[] = {
      5, -7, 0, 1'000'000, -(std::int64_t{1} << 30), std::numeric_limits<std::int64_t>::min(), 300};
  double sum = 0.0;
  for (const std::int64_t value : values) {
    histogram.record(value);
    sum += static_cast<double>(value);
  }
  EXPECT_EQ(histogram.count(), 7u);
  EXPECT_EQ(histogram.clamped(), 2u);  // -2^30 and INT64_MIN beyond 2^20
  EXPECT_EQ(histogram.min(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(histogram.max(), 1'000'000);
  EXPECT_EQ(histogram.mean(), sum / 7.0);
  EXPECT_EQ(histogram.percentile(0), std::numeric_limits<std::int64_t>::min());
  // Ranks 3..5 of the seven: -7, 0, 5 (exact below 128).
  EXPECT_EQ(histogram.percentile(40), -7);
  EXPECT_EQ(histogram.percentile(50), 0);
  EXPECT_EQ(histogram.percentile(70), 5);
}

}  // namespace
}  // namespace depthrec
