#include "depthrec/kline_interval.hpp"

#include <array>
#include <utility>

namespace depthrec {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

struct IntervalRow {
  KlineInterval interval;
  std::string_view name;
  std::int64_t ms;
};

constexpr std::array<IntervalRow, 16> kIntervals{{
    {KlineInterval::s1, "1s", kSecond},
    {KlineInterval::m1, "1m", kMinute},
    {KlineInterval::m3, "3m", 3 * kMinute},
    {KlineInterval::m5, "5m", 5 * kMinute},
    {KlineInterval::m15, "15m", 15 * kMinute},
    {KlineInterval::m30, "30m", 30 * kMinute},
    {KlineInterval::h1, "1h", kHour},
    {KlineInterval::h2, "2h", 2 * kHour},
    {KlineInterval::h4, "4h", 4 * kHour},
    {KlineInterval::h6, "6h", 6 * kHour},
    {KlineInterval::h8, "8h", 8 * kHour},
    {KlineInterval::h12, "12h", 12 * kHour},
    {KlineInterval::d1, "1d", kDay},
    {KlineInterval::d3, "3d", 3 * kDay},
    {KlineInterval::w1, "1w", 7 * kDay},
    {KlineInterval::mo1, "1M", 0},
}};

// Days since 1970-01-01 <-> (year, month 1-12), Howard Hinnant's civil calendar algorithms.
std::int64_t days_from_civil(std::int64_t y, unsigned m) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;  // the 1st of the month
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The month index (year * 12 + month - 1) holding day `days` since the epoch.
std::int64_t month_index(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return y * 12 + (m - 1);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

std::int64_t month_start_ms(std::int64_t index) {
  const std::int64_t year = floor_div(index, 12);
  const auto month = static_cast<unsigned>(index - year * 12 + 1);
  return days_from_civil(year, month) * kDay;
}

// Months beyond this (about 8e8 years) are outside any time a payload's int64 ms can hold.
constexpr std::int64_t kMaxMonthMs = 9'000'000'000'000'000'000LL;

}  // namespace

std::string_view to_string(KlineInterval interval) {
  for (const IntervalRow& row : kIntervals) {
    if (row.interval == interval) return row.name;
  }
  return "";
}

std::optional<KlineInterval> parse_kline_interval(std::string_view text) {
  for (const IntervalRow& row : kIntervals) {
    if (row.name == text) return row.interval;
  }
  return std::nullopt;
}

std::string_view kline_interval_list() {
  return "1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1M";
}

std::int64_t kline_interval_ms(KlineInterval interval) {
  for (const IntervalRow& row : kIntervals) {
    if (row.interval == interval) return row.ms;
  }
  return 0;
}

std::int64_t next_kline_open_ms(KlineInterval interval, std::int64_t open_ms) {
  if (interval == KlineInterval::mo1) {
    if (open_ms > kMaxMonthMs || open_ms < -kMaxMonthMs) return open_ms;
    return month_start_ms(month_index(floor_div(open_ms, kDay)) + 1);
  }
  const std::int64_t step = kline_interval_ms(interval);
  if (step == 0 || open_ms > INT64_MAX - step) return open_ms;
  return open_ms + step;
}

std::int64_t kline_open_before(KlineInterval interval, std::int64_t anchor, std::int64_t t) {
  if (interval == KlineInterval::mo1) {
    if (t > kMaxMonthMs || t < -kMaxMonthMs) return anchor;
    return month_start_ms(month_index(floor_div(t - 1, kDay)));
  }
  const std::int64_t step = kline_interval_ms(interval);
  if (step == 0 || t <= anchor) return anchor;
  const std::uint64_t span = static_cast<std::uint64_t>(t - 1) - static_cast<std::uint64_t>(anchor);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(anchor) +
                                   span / static_cast<std::uint64_t>(step) *
                                       static_cast<std::uint64_t>(step));
}

std::uint64_t kline_steps_between(KlineInterval interval, std::int64_t from_ms,
                                  std::int64_t to_ms) {
  if (to_ms <= from_ms) return 0;
  if (interval == KlineInterval::mo1) {
    if (to_ms > kMaxMonthMs || from_ms < -kMaxMonthMs) return 0;
    const std::int64_t months =
        month_index(floor_div(to_ms, kDay)) - month_index(floor_div(from_ms, kDay));
    return static_cast<std::uint64_t>(months < 0 ? 0 : months);
  }
  const std::int64_t step = kline_interval_ms(interval);
  if (step == 0) return 0;
  // Unsigned: to - from may exceed INT64_MAX when a peer sends extreme times.
  const std::uint64_t span =
      static_cast<std::uint64_t>(to_ms) - static_cast<std::uint64_t>(from_ms);
  return span / static_cast<std::uint64_t>(step);
}

}  // namespace depthrec
