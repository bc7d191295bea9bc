#include "depthrec/alert_thresholds.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace depthrec {
namespace {

struct Case {
  double value;
  AlertLevel expected;
};

void expect_classes(const AlertLimits& limits, const std::vector<Case>& cases, const char* metric) {
  for (const Case& c : cases) {
    EXPECT_EQ(classify(c.value, limits), c.expected) << metric << "=" << c.value;
  }
}

constexpr AlertLevel kOk = AlertLevel::ok;
constexpr AlertLevel kWarn = AlertLevel::warning;
constexpr AlertLevel kCrit = AlertLevel::critical;

// Every class of every metric of the seed's table, at and around each boundary.
TEST(AlertThresholds, SeedTableRate) {
  expect_classes(AlertThresholds{}.rate,
                 {{2.2, kOk},
                  {1.0, kOk},
                  {0.5, kOk},
                  {0.49, kWarn},
                  {0.1, kWarn},
                  {0.099, kCrit},
                  {0.0, kCrit}},
                 "rate");
}

TEST(AlertThresholds, SeedTableLatencyPercentiles) {
  const AlertThresholds t;
  expect_classes(
      t.p50_ms,
      {{79.0, kOk}, {200.0, kOk}, {200.1, kWarn}, {500.0, kWarn}, {500.1, kCrit}, {-1420.0, kOk}},
      "p50");
  expect_classes(
      t.p95_ms, {{81.0, kOk}, {300.0, kOk}, {301.0, kWarn}, {1000.0, kWarn}, {1001, kCrit}}, "p95");
  expect_classes(
      t.p99_ms, {{98.0, kOk}, {500.0, kOk}, {501.0, kWarn}, {2000.0, kWarn}, {2001, kCrit}}, "p99");
}

TEST(AlertThresholds, SeedTableCounts) {
  const AlertThresholds t;
  // breaks: the seed's warning column is "0", abnormal ">0": any break is critical.
  expect_classes(t.breaks, {{0, kOk}, {1, kCrit}, {7, kCrit}}, "breaks");
  // resyncs: warning 1-2, abnormal >3; 3 is classed WARNING (strict limits).
  expect_classes(t.resyncs, {{0, kOk}, {1, kWarn}, {2, kWarn}, {3, kWarn}, {4, kCrit}}, "resyncs");
  // reconnects: normal 0-1, warning 2-3, abnormal >5; 4 and 5 are WARNING.
  expect_classes(t.reconnects,
                 {{0, kOk}, {1, kOk}, {2, kWarn}, {3, kWarn}, {4, kWarn}, {5, kWarn}, {6, kCrit}},
                 "reconnects");
  expect_classes(t.drops, {{0, kOk}, {1, kCrit}, {1000, kCrit}}, "drops");
}

TEST(AlertThresholds, ClockOffsetIsCheckedByMagnitude) {
  const AlertThresholds t;
  expect_classes(t.offset_abs_ms,
                 {{0, kOk}, {1000, kOk}, {1000.5, kWarn}, {1503, kWarn}, {1e7, kWarn}}, "offset");
  EXPECT_EQ(t.stale_intervals, 3.0);
}

TEST(AlertThresholds, MissingLimitsNeverFireAndNaNIsCritical) {
  const AlertLimits none{AlertDirection::above, std::nullopt, std::nullopt};
  EXPECT_EQ(classify(1e300, none), kOk);
  EXPECT_EQ(classify(std::nan(""), AlertThresholds{}.p50_ms), kCrit);
}

TEST(AlertThresholds, LevelsNamesExitCodesAndWorst) {
  EXPECT_EQ(to_string(kOk), "OK");
  EXPECT_EQ(to_string(kWarn), "WARNING");
  EXPECT_EQ(to_string(kCrit), "CRITICAL");
  EXPECT_EQ(exit_code(kOk), 0);
  EXPECT_EQ(exit_code(kWarn), 1);
  EXPECT_EQ(exit_code(kCrit), 2);
  EXPECT_EQ(worst(kOk, kWarn), kWarn);
  EXPECT_EQ(worst(kCrit, kWarn), kCrit);
  EXPECT_EQ(worst(kOk, kOk), kOk);
}

TEST(AlertThresholds, DescribeLimits) {
  const AlertThresholds t;
  EXPECT_EQ(describe_limits(t.rate), "(warn <0.5, crit <0.1)");
  EXPECT_EQ(describe_limits(t.p99_ms), "(warn >500, crit >2000)");
  EXPECT_EQ(describe_limits(t.breaks), "(crit >0)");
  EXPECT_EQ(describe_limits(t.offset_abs_ms, "|offset| "), "(warn |offset| >1000)");
  EXPECT_EQ(describe_limits(AlertLimits{}), "(no limits)");
}

}  // namespace
}  // namespace depthrec
