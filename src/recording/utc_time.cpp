#include "recording/utc_time.hpp"

#include <cstring>

namespace depthrec::recording {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Howard Hinnant's civil_from_days: days since 1970-01-01 to a Gregorian date.
void civil_from_days(std::int64_t days, UtcDateTime& out) noexcept {
  days += 719468;
  const std::int64_t era = floor_div(days, 146097);
  const std::int64_t doe = days - era * 146097;                                    // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  out.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
}

char* put_digits(char* out, std::int64_t value, int width) noexcept {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

char* put_year(char* out, std::int64_t year) noexcept {
  if (year < 0) year = 0;
  if (year > 9999) year = 9999;
  return put_digits(out, year, 4);
}

// "00".."99": a field of two digits is one copy (a record's timestamp took ~380 instructions with
// a division per digit).
struct TwoDigits {
  char pairs[200] = {};
  constexpr TwoDigits() {
    for (std::size_t i = 0; i < 100; ++i) {
      pairs[2 * i] = static_cast<char>('0' + i / 10);
      pairs[2 * i + 1] = static_cast<char>('0' + i % 10);
    }
  }
};
constexpr TwoDigits kTwoDigits;

char* put_two(char* out, int value) noexcept {
  std::memcpy(out, &kTwoDigits.pairs[2 * static_cast<std::size_t>(value)], 2);
  return out + 2;
}

}  // namespace

UtcDateTime utc_from_epoch_ms(std::int64_t epoch_ms) noexcept {
  UtcDateTime t;
  const std::int64_t days = floor_div(epoch_ms, kMsPerDay);
  std::int64_t ms_of_day = epoch_ms - days * kMsPerDay;
  civil_from_days(days, t);
  t.hour = static_cast<int>(ms_of_day / 3'600'000);
  ms_of_day %= 3'600'000;
  t.minute = static_cast<int>(ms_of_day / 60'000);
  ms_of_day %= 60'000;
  t.second = static_cast<int>(ms_of_day / 1000);
  t.millisecond = static_cast<int>(ms_of_day % 1000);
  return t;
}

char* format_iso8601_ms(std::int64_t epoch_ms, char* out) noexcept {
  const UtcDateTime t = utc_from_epoch_ms(epoch_ms);
  const int year = static_cast<int>(t.year < 0 ? 0 : (t.year > 9999 ? 9999 : t.year));
  out = put_two(out, year / 100);
  out = put_two(out, year % 100);
  *out++ = '-';
  out = put_two(out, t.month);
  *out++ = '-';
  out = put_two(out, t.day);
  *out++ = 'T';
  out = put_two(out, t.hour);
  *out++ = ':';
  out = put_two(out, t.minute);
  *out++ = ':';
  out = put_two(out, t.second);
  *out++ = '.';
  *out++ = static_cast<char>('0' + t.millisecond / 100);
  out = put_two(out, t.millisecond % 100);
  *out++ = 'Z';
  return out;
}

char* format_compact_date(std::int64_t epoch_ms, char* out) noexcept {
  const UtcDateTime t = utc_from_epoch_ms(epoch_ms);
  out = put_year(out, t.year);
  out = put_digits(out, t.month, 2);
  return put_digits(out, t.day, 2);
}

char* format_compact_date_time(std::int64_t epoch_ms, char* out) noexcept {
  const UtcDateTime t = utc_from_epoch_ms(epoch_ms);
  out = format_compact_date(epoch_ms, out);
  *out++ = '-';
  out = put_digits(out, t.hour, 2);
  out = put_digits(out, t.minute, 2);
  return put_digits(out, t.second, 2);
}

}  // namespace depthrec::recording
