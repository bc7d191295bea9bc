#include "time_text.hpp"

#include <charconv>
#include <cstdio>

namespace depthrec::replay {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, unsigned& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, std::string_view chars) {
  if (pos >= text.size() || chars.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view digits) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string format_utc_ms(std::int64_t epoch_ns) {
  std::int64_t seconds = epoch_ns / kNsPerSecond;
  std::int64_t ns = epoch_ns % kNsPerSecond;
  if (ns < 0) {
    ns += kNsPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t in_day = seconds % kSecondsPerDay;
  if (in_day < 0) {
    in_day += kSecondsPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(year), month, day, static_cast<long long>(in_day / 3600),
                static_cast<long long>(in_day / 60 % 60), static_cast<long long>(in_day % 60),
                static_cast<long long>(ns / 1'000'000));
  return text;
}

std::optional<std::int64_t> parse_utc(std::string_view text) {
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool ok = read_digits(text, pos, 4, year) && expect(text, pos, "-") &&
                  read_digits(text, pos, 2, month) && expect(text, pos, "-") &&
                  read_digits(text, pos, 2, day) && expect(text, pos, "T ") &&
                  read_digits(text, pos, 2, hour) && expect(text, pos, ":") &&
                  read_digits(text, pos, 2, minute) && expect(text, pos, ":") &&
                  read_digits(text, pos, 2, second);
  if (!ok || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  std::int64_t fraction_ns = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ns += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
  }
  if (pos < text.size() && text[pos] == 'Z') ++pos;
  if (pos != text.size()) return std::nullopt;
  const std::int64_t seconds = days_from_civil(year, month, day) * kSecondsPerDay +
                               std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
  return seconds * kNsPerSecond + fraction_ns;
}

std::optional<AtTarget> parse_at(std::string_view text) {
  AtTarget target;
  if (text.rfind("u:", 0) == 0 || text.rfind("ns:", 0) == 0) {
    const bool is_id = text[0] == 'u';
    const auto value = parse_unsigned(text.substr(is_id ? 2 : 3));
    if (!value) return std::nullopt;
    target.kind = is_id ? AtTarget::Kind::update_id : AtTarget::Kind::recv_ns;
    target.value = *value;
    return target;
  }
  if (const auto value = parse_unsigned(text)) {
    // Update ids have 11-13 digits today; ns since the epoch have had 19 since 2001.
    target.kind = text.size() >= 19 ? AtTarget::Kind::recv_ns : AtTarget::Kind::update_id;
    target.value = *value;
    return target;
  }
  const auto ns = parse_utc(text);
  if (!ns || *ns < 0) return std::nullopt;
  target.kind = AtTarget::Kind::recv_ns;
  target.value = static_cast<std::uint64_t>(*ns);
  return target;
}

}  // namespace depthrec::replay
