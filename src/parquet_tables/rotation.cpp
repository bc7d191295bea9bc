#include "parquet_tables/rotation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace depthrec::export_parquet {

RotationPeriod rotation_period(std::int64_t recv_ns, std::int64_t period_ns) {
  // Floor division, so that times before 1970 (negative) fall in the right day too.
  std::int64_t day = recv_ns / kNanosPerDay;
  if (recv_ns % kNanosPerDay < 0) --day;
  const std::int64_t day_begin = day * kNanosPerDay;
  const std::int64_t into_day = recv_ns - day_begin;
  RotationPeriod period;
  period.begin_ns = day_begin + into_day / period_ns * period_ns;
  period.end_ns = std::min(period.begin_ns + period_ns, day_begin + kNanosPerDay);
  return period;
}

std::optional<std::int64_t> parse_rotation_seconds(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    default:
      return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  if (error != std::errc() || end != digits.data() + digits.size() || count <= 0 ||
      count > 86'400 / unit) {
    return std::nullopt;
  }
  return count * unit;
}

std::string rotation_file_name(std::int64_t begin_ns, unsigned sequence) {
  std::int64_t into_day = begin_ns % kNanosPerDay;
  if (into_day < 0) into_day += kNanosPerDay;
  const std::int64_t seconds = into_day / kNanosPerSecond;
  char name[48];
  std::snprintf(name, sizeof name, "part-%02d%02d%02d-%03u.parquet",
                static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                static_cast<int>(seconds % 60), std::min(sequence, kMaxRotationSequence));
  return name;
}

}  // namespace depthrec::export_parquet
