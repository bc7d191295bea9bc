#include "recording/utc_time.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <string>

namespace depthrec::recording {
namespace {

std::string iso(std::int64_t ms) {
  char buf[kIso8601MsChars];
  return std::string(buf, format_iso8601_ms(ms, buf));
}

TEST(UtcTime, KnownInstants) {
  EXPECT_EQ(iso(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso(1721347022504), "2024-07-18T23:57:02.504Z");
  EXPECT_EQ(iso(951782400000), "2000-02-29T00:00:00.000Z");  // leap day of a /400 year
  EXPECT_EQ(iso(-1), "1969-12-31T23:59:59.999Z");
  char buf[kCompactDateTimeChars];
  EXPECT_EQ(std::string(buf, format_compact_date_time(1795305540123, buf)), "20261121-235900");
  EXPECT_EQ(std::string(buf, format_compact_date(1795305540123, buf)), "20261121");
}

TEST(UtcTime, AgreesWithGmtimeAcrossCenturies) {
  // Every ~3.7 days from 1900 to 2200: covers month ends, leap years and the 2100 non-leap year.
  for (std::int64_t s = -2208988800; s < 7258118400; s += 319'993) {
    const std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    const UtcDateTime mine = utc_from_epoch_ms(s * 1000 + 7);
    ASSERT_EQ(mine.year, tm.tm_year + 1900) << s;
    ASSERT_EQ(mine.month, tm.tm_mon + 1) << s;
    ASSERT_EQ(mine.day, tm.tm_mday) << s;
    ASSERT_EQ(mine.hour, tm.tm_hour) << s;
    ASSERT_EQ(mine.minute, tm.tm_min) << s;
    ASSERT_EQ(mine.second, tm.tm_sec) << s;
    ASSERT_EQ(mine.millisecond, 7) << s;
  }
}

// The ISO text (two-digit fields copied from a table) equals strftime's over the same sweep,
// every millisecond width included; years beyond 0..9999 keep the width, clamped.
TEST(UtcTime, IsoTextAgreesWithStrftimeAndKeepsItsWidth) {
  for (std::int64_t s = -2208988800; s < 7258118400; s += 319'993) {
    const std::time_t t = static_cast<std::time_t>(s);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    char expected[40];
    const std::size_t n = std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &tm);
    const int ms = static_cast<int>((s * 7) % 1000 + 1000) % 1000;
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", ms);
    ASSERT_EQ(iso(s * 1000 + ms), std::string(expected, n) + millis) << s;
  }
  EXPECT_EQ(iso(253402300800000), "9999-01-01T00:00:00.000Z");  // year 10000: clamped
  EXPECT_EQ(iso(-62198755200000), "0000-01-01T00:00:00.000Z");  // year -1: clamped
  EXPECT_EQ(iso(-62167219200000), "0000-01-01T00:00:00.000Z");  // year 0
}

}  // namespace
}  // namespace depthrec::recording
