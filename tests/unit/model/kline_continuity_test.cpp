// KlineContinuity and the interval calendar: open times advance by the interval (1M by calendar
// months), a closing update ends each candle, a skipped interval is a gap with its range.
#include <gtest/gtest.h>

#include "depthrec/kline_continuity.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kT0 = 1'765'000'020'000;  // on the 1m grid (a multiple of 60 000)

TEST(KlineInterval, EveryBinanceIntervalParsesAndOthersDoNot) {
  for (const char* name : {"1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h",
                           "12h", "1d", "3d", "1w", "1M"}) {
    const auto interval = parse_kline_interval(name);
    ASSERT_TRUE(interval) << name;
    EXPECT_EQ(to_string(*interval), name);
  }
  for (const char* name : {"", "7m", "1y", "2w", "1h ", "60s", "none"})
    EXPECT_FALSE(parse_kline_interval(name)) << name;
  EXPECT_EQ(kline_interval_ms(KlineInterval::h4), 4 * 60 * kMinute);
}

TEST(KlineInterval, MonthsStepByTheCalendar) {
  const std::int64_t jan_2024 = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
  const std::int64_t feb_2024 = 1'706'745'600'000;
  const std::int64_t mar_2024 = 1'709'251'200'000;  // 29 days after Feb 1st: a leap year
  EXPECT_EQ(next_kline_open_ms(KlineInterval::mo1, jan_2024), feb_2024);
  EXPECT_EQ(next_kline_open_ms(KlineInterval::mo1, feb_2024), mar_2024);
  EXPECT_EQ(next_kline_open_ms(KlineInterval::mo1, 1'701'388'800'000), jan_2024);  // Dec 2023
  EXPECT_EQ(kline_steps_between(KlineInterval::mo1, jan_2024, mar_2024), 2u);
  EXPECT_EQ(kline_open_before(KlineInterval::mo1, jan_2024, mar_2024), feb_2024);
}

TEST(KlineContinuity, UpdatesThenTheClosingOneThenTheNextCandle) {
  KlineContinuity continuity(KlineInterval::m1);
  EXPECT_EQ(continuity.step(kT0, false).kind, KlineStepKind::first);
  EXPECT_EQ(continuity.step(kT0, false).kind, KlineStepKind::update);
  EXPECT_EQ(continuity.step(kT0, true).kind, KlineStepKind::update);
  EXPECT_EQ(continuity.step(kT0, true).kind, KlineStepKind::after_close);
  const KlineStep next = continuity.step(kT0 + kMinute, false);
  EXPECT_EQ(next.kind, KlineStepKind::next);
  EXPECT_FALSE(next.previous_unclosed);
  EXPECT_EQ(continuity.step(kT0, true).kind, KlineStepKind::backwards);
}

TEST(KlineContinuity, ASkippedIntervalIsAGapWithTheMissingOpenTimes) {
  KlineContinuity continuity(KlineInterval::m1);
  continuity.step(kT0, true);
  const KlineStep gap = continuity.step(kT0 + 4 * kMinute, true);
  EXPECT_EQ(gap.kind, KlineStepKind::gap);
  EXPECT_EQ(gap.missing, 3u);
  EXPECT_EQ(gap.missing_from_ms, kT0 + kMinute);
  EXPECT_EQ(gap.missing_to_ms, kT0 + 3 * kMinute);
  EXPECT_EQ(gap.previous_open_ms, kT0);
  EXPECT_FALSE(gap.previous_unclosed);
}

TEST(KlineContinuity, ACandleWithoutItsClosingUpdateIsSaid) {
  KlineContinuity continuity(KlineInterval::m1);
  continuity.step(kT0, false);
  const KlineStep next = continuity.step(kT0 + kMinute, false);
  EXPECT_EQ(next.kind, KlineStepKind::next);
  EXPECT_TRUE(next.previous_unclosed);
}

TEST(KlineContinuity, OffTheGridAndExtremeOpenTimesAreGapsNotCrashes) {
  KlineContinuity continuity(KlineInterval::m1);
  continuity.step(kT0, true);
  const KlineStep half = continuity.step(kT0 + kMinute / 2, true);
  EXPECT_EQ(half.kind, KlineStepKind::gap);
  EXPECT_EQ(half.missing, 0u);
  const KlineStep far = continuity.step(INT64_MAX, true);
  EXPECT_EQ(far.kind, KlineStepKind::gap);
  EXPECT_GT(far.missing, 0u);
  KlineContinuity months(KlineInterval::mo1);
  months.step(0, true);
  EXPECT_EQ(months.step(INT64_MAX, true).kind, KlineStepKind::gap);
}

}  // namespace
}  // namespace depthrec
