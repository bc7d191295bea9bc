#include "redis/age_trim.hpp"

#include <limits>

namespace depthrec::redis {

std::optional<std::int64_t> parse_duration_ms(std::string_view text) {
  std::size_t digits = 0;
  std::int64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (value > 1'000'000'000'000) return std::nullopt;
    value = value * 10 + (text[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  std::int64_t scale = 0;
  if (unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60'000;
  if (unit == "h") scale = 3'600'000;
  if (unit == "d") scale = 86'400'000;
  constexpr std::int64_t kMaxMs = std::int64_t{365} * 86'400'000;
  if (scale == 0 || value == 0 || value > kMaxMs / scale) return std::nullopt;
  return value * scale;
}

std::optional<std::uint64_t> SequenceClock::note(std::int64_t time_ms, std::uint64_t sequence,
                                                 std::int64_t age_ms) {
  if (marks_.empty() || time_ms - marks_.back().first >= kMarkEveryMs)
    marks_.emplace_back(time_ms, sequence);
  const std::int64_t oldest_kept = time_ms - age_ms;
  while (!marks_.empty() && marks_.front().first <= oldest_kept) {
    threshold_ = marks_.front().second;
    marks_.pop_front();
  }
  return threshold_;
}

}  // namespace depthrec::redis
