// Issue 18, items 9 and 10: the clock-offset estimator against a server that lies about time.
// Times up to the int64 maximum are refused before any arithmetic (they overflowed when scaled to
// ns); a /time one hour off is rejected when the stream contradicts it; single E outliers one hour
// ahead do not move the stream bound, while a real clock step (every sample moves) is followed.
#include <gtest/gtest.h>

#include <limits>

#include "depthrec/clock_offset.hpp"
#include "depthrec/epoch_time.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kHostileMs = 1'000'000;
constexpr std::int64_t kHostileT0 = 1'721'347'000'000'000'000;  // local ns
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// Stream samples every 100 ms with `offset_ms` (local - exchange) and 20..60 ms of delay.
void feed_stream(ClockOffsetEstimator& estimator, std::int64_t from_ns, int count,
                 std::int64_t offset_ms) {
  for (int i = 0; i < count; ++i) {
    const std::int64_t recv_ns = from_ns + i * 100 * kHostileMs;
    const std::int64_t delay_ms = 20 + (i * 7) % 41;
    estimator.add_stream_sample(recv_ns, recv_ns / kHostileMs - offset_ms - delay_ms);
  }
}

TEST(ClockOffsetHostile, TimesUpToTheInt64MaximumAreRefusedBeforeAnyArithmetic) {
  ClockOffsetEstimator estimator;
  EXPECT_FALSE(estimator.add_rest_sample(kHostileT0, kHostileT0 + 10 * kHostileMs, kInt64Max));
  EXPECT_FALSE(
      estimator.add_rest_sample(kHostileT0, kHostileT0 + 10 * kHostileMs, kMaxEpochMs + 1));
  estimator.add_stream_sample(kHostileT0, kInt64Max);
  estimator.add_stream_sample(kHostileT0, kMaxEpochMs + 1);
  EXPECT_FALSE(estimator.estimate().valid()) << "no sample was taken";
  // The largest time that fits is still arithmetic without overflow (a huge negative offset).
  EXPECT_TRUE(estimator.add_rest_sample(kHostileT0, kHostileT0 + 10 * kHostileMs, kMaxEpochMs));
  EXPECT_TRUE(estimator.estimate().valid());

  std::int64_t ns = 7;
  EXPECT_FALSE(epoch_ms_to_ns(-1, ns));
  EXPECT_FALSE(epoch_ms_to_ns(kInt64Max, ns));
  EXPECT_EQ(ns, 7);
  EXPECT_TRUE(epoch_ms_to_ns(kMaxEpochMs, ns));
  EXPECT_EQ(ns, kMaxEpochMs * kHostileMs);
}

TEST(ClockOffsetHostile, ARestTimeOneHourAheadIsRejectedForTheStream) {
  ClockOffsetEstimator estimator;
  // The local clock is 30 ms ahead of the exchange; /time answers one hour ahead of the truth.
  const std::int64_t server_ms = kHostileT0 / kHostileMs - 30 + 5 + 3'600'000;
  ASSERT_TRUE(estimator.add_rest_sample(kHostileT0, kHostileT0 + 10 * kHostileMs, server_ms));
  EXPECT_NEAR(estimator.offset_ms(), -3'600'000.0, 40.0) << "alone, it cannot be checked";
  feed_stream(estimator, kHostileT0 + 20 * kHostileMs, 50, 30);
  const ClockOffset offset = estimator.estimate();
  EXPECT_TRUE(offset.rest_rejected);
  EXPECT_FALSE(offset.consistent);
  EXPECT_EQ(offset.source, ClockOffsetSource::stream);
  EXPECT_NEAR(offset.offset_ms, 50.0, 0.5) << "the stream bound: 30 ms + the 20 ms minimum delay";
  EXPECT_FALSE(offset.large) << "no false 'local clock differs' alarm";
}

TEST(ClockOffsetHostile, ARestTimeOneHourBehindIsNotBelievedEither) {
  ClockOffsetEstimator estimator;
  ASSERT_TRUE(estimator.add_rest_sample(kHostileT0, kHostileT0 + 10 * kHostileMs,
                                        kHostileT0 / kHostileMs - 3'600'000));
  feed_stream(estimator, kHostileT0 + 20 * kHostileMs, 50, 30);
  const ClockOffset offset = estimator.estimate();
  EXPECT_EQ(offset.source, ClockOffsetSource::stream);
  EXPECT_NEAR(offset.offset_ms, 50.0, 0.5);
}

TEST(ClockOffsetHostile, SingleEventTimesAnHourAheadDoNotMoveTheBound) {
  ClockOffsetEstimator estimator;
  feed_stream(estimator, kHostileT0, 50, -1500);
  const double before = estimator.offset_ms();
  EXPECT_NEAR(before, -1480.0, 0.5);
  std::int64_t recv_ns = kHostileT0 + 10'000 * kHostileMs;
  for (int i = 0; i < 20; ++i, recv_ns += 100 * kHostileMs) {
    // Every other event an outlier: never enough in a row to be a clock step.
    estimator.add_stream_sample(recv_ns, recv_ns / kHostileMs + 1500 + 3'600'000);
    estimator.add_stream_sample(recv_ns + 50 * kHostileMs,
                                (recv_ns + 50 * kHostileMs) / kHostileMs + 1500 - 40);
  }
  // An hour behind moves no minimum anyway.
  estimator.add_stream_sample(recv_ns, recv_ns / kHostileMs + 1500 - 3'600'000);
  const ClockOffset offset = estimator.estimate();
  EXPECT_DOUBLE_EQ(offset.offset_ms, before);
  EXPECT_EQ(offset.stream_outliers, 20u);
}

TEST(ClockOffsetHostile, AClockStepIsFollowedOnceConfirmed) {
  ClockOffsetConfig config;
  config.outlier_confirmations = 3;
  ClockOffsetEstimator estimator(config);
  feed_stream(estimator, kHostileT0, 50, 0);
  EXPECT_NEAR(estimator.offset_ms(), 20.0, 0.5);
  // The local clock steps back an hour: from now on every sample is an hour lower.
  feed_stream(estimator, kHostileT0 + 10'000 * kHostileMs, 2, -3'600'000);
  EXPECT_NEAR(estimator.offset_ms(), 20.0, 0.5) << "two in a row may still be outliers";
  EXPECT_EQ(estimator.estimate().stream_outliers, 2u);
  feed_stream(estimator, kHostileT0 + 10'200 * kHostileMs, 1, -3'600'000);
  const ClockOffset offset = estimator.estimate();
  EXPECT_EQ(offset.stream_outliers, 0u) << "the run was a step, not outliers";
  EXPECT_NEAR(offset.offset_ms, -3'600'000.0 + 20.0, 0.5);
}

TEST(ClockOffsetHostile, OffsetChangesWorthLoggingAndTheirText) {
  ClockOffset none;
  ClockOffset rest;
  rest.source = ClockOffsetSource::rest;
  rest.offset_ms = -1500.0;
  rest.uncertainty_ms = 10.0;
  EXPECT_TRUE(offset_changed(none, rest));
  EXPECT_FALSE(offset_changed(none, none));
  ClockOffset moved = rest;
  moved.offset_ms = -1550.0;
  EXPECT_FALSE(offset_changed(rest, moved)) << "within 100 ms";
  moved.offset_ms = -1700.0;
  EXPECT_TRUE(offset_changed(rest, moved));
  ClockOffset rejected = rest;
  rejected.rest_rejected = true;
  EXPECT_TRUE(offset_changed(rest, rejected));
  EXPECT_EQ(describe(rest), "-1500.0 ms (+/- 10.0 ms, rest)");
  ClockOffset stream;
  stream.source = ClockOffsetSource::stream;
  stream.offset_ms = 42.0;
  EXPECT_EQ(describe(stream), "42.0 ms (upper bound, stream)");
  EXPECT_EQ(describe(none), "unknown (no sample yet)");
}

}  // namespace
}  // namespace depthrec
