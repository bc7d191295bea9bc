#include "depthrec/clock_offset.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace depthrec {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kT0 = 1'721'347'000'000'000'000;  // local ns

// A REST exchange on a local clock `offset_ms` from the exchange, with the given one-way delays.
struct Exchange {
  std::int64_t sent_ns;
  std::int64_t received_ns;
  std::int64_t server_ms;
};
Exchange exchange(std::int64_t sent_ns, double offset_ms, double up_ms, double down_ms) {
  // Relative to kT0 (a whole millisecond) so that doubles stay exact enough.
  const double stamped_ns = static_cast<double>(sent_ns - kT0) + up_ms * 1e6;
  const double server_ns = stamped_ns - offset_ms * 1e6;
  return Exchange{sent_ns, kT0 + static_cast<std::int64_t>(stamped_ns + down_ms * 1e6),
                  kT0 / kMs + static_cast<std::int64_t>(std::floor(server_ns / 1e6))};  // truncated
}

TEST(ClockOffset, NoSampleIsNotValid) {
  ClockOffsetEstimator estimator;
  const ClockOffset offset = estimator.estimate();
  EXPECT_FALSE(offset.valid());
  EXPECT_FALSE(offset.large);
  EXPECT_EQ(estimator.offset_ms(), 0.0);
  EXPECT_EQ(to_string(offset.source), "none");
}

TEST(ClockOffset, RestMidpointWithHalfRoundTripUncertainty) {
  ClockOffsetEstimator estimator;
  const Exchange e = exchange(kT0, -1500.0, 10.0, 10.0);
  ASSERT_TRUE(estimator.add_rest_sample(e.sent_ns, e.received_ns, e.server_ms));
  const ClockOffset offset = estimator.estimate();
  EXPECT_EQ(offset.source, ClockOffsetSource::rest);
  EXPECT_NEAR(offset.rest_round_trip_ms, 20.0, 1e-9);
  EXPECT_NEAR(offset.uncertainty_ms, 10.5, 1e-6);
  EXPECT_NEAR(offset.offset_ms, -1500.0, offset.uncertainty_ms);
  EXPECT_TRUE(offset.large);
  EXPECT_TRUE(offset.consistent);
}

TEST(ClockOffset, KeepsTheSampleWithTheSmallestRoundTrip) {
  ClockOffsetEstimator estimator;
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> delay(1.0, 80.0);
  double best_rtt = 1e9;
  for (int i = 0; i < 50; ++i) {
    const double up = delay(rng);
    const double down = delay(rng);
    best_rtt = std::min(best_rtt, up + down);
    const Exchange e = exchange(kT0 + i * 1000 * kMs, 250.0, up, down);
    estimator.add_rest_sample(e.sent_ns, e.received_ns, e.server_ms);
  }
  const ClockOffset offset = estimator.estimate();
  EXPECT_EQ(offset.rest_samples, 50u);
  EXPECT_NEAR(offset.rest_round_trip_ms, best_rtt, 1e-3);
  EXPECT_NEAR(offset.offset_ms, 250.0, offset.uncertainty_ms);
  EXPECT_FALSE(offset.large);  // 250 ms is under the 1000 ms default
}

TEST(ClockOffset, AnOldBestSampleIsReplacedByANewerOne) {
  ClockOffsetConfig config;
  config.rest_sample_max_age_ns = 60'000 * kMs;
  ClockOffsetEstimator estimator(config);
  const Exchange fast = exchange(kT0, 100.0, 1.0, 1.0);
  estimator.add_rest_sample(fast.sent_ns, fast.received_ns, fast.server_ms);
  // Two minutes later the clock was stepped by +400 ms; a slower sample still wins: it is newer.
  const Exchange later = exchange(kT0 + 120'000 * kMs, 500.0, 15.0, 15.0);
  estimator.add_rest_sample(later.sent_ns, later.received_ns, later.server_ms);
  EXPECT_NEAR(estimator.offset_ms(), 500.0, 16.0);
}

TEST(ClockOffset, InvalidRestSamplesAreRefused) {
  ClockOffsetEstimator estimator;
  EXPECT_FALSE(estimator.add_rest_sample(kT0, kT0 - 1, 1000));  // received before sent
  EXPECT_FALSE(estimator.add_rest_sample(kT0, kT0 + kMs, 0));   // no server time
  EXPECT_FALSE(estimator.estimate().valid());
}

TEST(ClockOffset, StreamMinimumIsAnUpperBound) {
  ClockOffsetEstimator estimator;
  // Local clock 1500 ms behind; network delays between 40 and 140 ms.
  for (int i = 0; i < 100; ++i) {
    const std::int64_t event_ms = kT0 / kMs + i * 100;
    const std::int64_t delay_ms = 40 + (i * 37) % 101;
    estimator.add_stream_sample((event_ms - 1500 + delay_ms) * kMs, event_ms);
  }
  estimator.add_stream_sample(kT0, 0);  // no E: ignored
  const ClockOffset offset = estimator.estimate();
  EXPECT_EQ(offset.source, ClockOffsetSource::stream);
  EXPECT_TRUE(offset.has_stream_bound);
  EXPECT_DOUBLE_EQ(offset.stream_bound_ms, -1460.0);
  EXPECT_DOUBLE_EQ(offset.offset_ms, -1460.0);
  EXPECT_LT(offset.uncertainty_ms, 0.0);  // unknown from the stream alone
  EXPECT_EQ(offset.stream_samples, 100u);
  EXPECT_TRUE(offset.large);
}

TEST(ClockOffset, StreamBoundCutsTheRestInterval) {
  ClockOffsetEstimator estimator;
  const Exchange e = exchange(kT0, -1500.0, 100.0, 100.0);  // a slow exchange: +-100 ms
  estimator.add_rest_sample(e.sent_ns, e.received_ns, e.server_ms);
  // The stream shows receive - E never below -1480 ms: the offset is at most -1480.
  estimator.add_stream_sample(kT0 + 5000 * kMs, (kT0 + 5000 * kMs) / kMs + 1480);
  const ClockOffset offset = estimator.estimate();
  EXPECT_EQ(offset.source, ClockOffsetSource::rest_and_stream);
  EXPECT_LT(offset.uncertainty_ms, 100.0);
  EXPECT_NEAR(offset.offset_ms, -1540.5, 0.01);  // middle of (-1601, -1480]
  EXPECT_NEAR(offset.uncertainty_ms, 60.5, 0.01);
  EXPECT_TRUE(offset.consistent);
}

TEST(ClockOffset, StreamBelowTheRestIntervalMeansTheClockMoved) {
  ClockOffsetEstimator estimator;
  const Exchange e = exchange(kT0, 0.0, 5.0, 5.0);
  estimator.add_rest_sample(e.sent_ns, e.received_ns, e.server_ms);
  estimator.add_stream_sample(kT0 + 1000 * kMs, (kT0 + 1000 * kMs) / kMs + 800);  // bound -800
  const ClockOffset offset = estimator.estimate();
  EXPECT_FALSE(offset.consistent);
  EXPECT_EQ(offset.source, ClockOffsetSource::stream);
  EXPECT_DOUBLE_EQ(offset.offset_ms, -800.0);
}

TEST(ClockOffset, StreamWindowsForgetOldMinima) {
  ClockOffsetConfig config;
  config.stream_window_ns = 10'000 * kMs;
  ClockOffsetEstimator estimator(config);
  const std::int64_t e0 = kT0 / kMs;
  estimator.add_stream_sample((e0 - 2000) * kMs, e0);                    // bound -2000 in window 1
  estimator.add_stream_sample((e0 + 11'000 - 1000) * kMs, e0 + 11'000);  // window 2: -1000
  EXPECT_DOUBLE_EQ(estimator.offset_ms(), -2000.0);  // previous window still counts
  estimator.add_stream_sample((e0 + 21'000 - 1000) * kMs, e0 + 21'000);  // window 3
  EXPECT_DOUBLE_EQ(estimator.offset_ms(), -1000.0);                      // window 1 is forgotten
  estimator.reset();
  EXPECT_FALSE(estimator.estimate().valid());
}

TEST(ClockOffset, LargeThresholdIsConfigurable) {
  ClockOffsetConfig config;
  config.large_threshold_ms = 100.0;
  ClockOffsetEstimator estimator(config);
  const Exchange e = exchange(kT0, 250.0, 2.0, 2.0);
  estimator.add_rest_sample(e.sent_ns, e.received_ns, e.server_ms);
  EXPECT_TRUE(estimator.estimate().large);
}

}  // namespace
}  // namespace depthrec
