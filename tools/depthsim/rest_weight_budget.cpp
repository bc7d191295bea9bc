#include "rest_weight_budget.hpp"

#include <algorithm>

namespace depthsim {

namespace {
constexpr std::chrono::seconds kLongestBan{3 * 24 * 3600};  // Binance's longest IP ban

std::int64_t seconds_until(RestWeightBudget::Clock::time_point from,
                           RestWeightBudget::Clock::time_point to) {
  // Rounded up: a client that waits what it was told is past the deadline.
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  return std::max<std::int64_t>(1, (left + 999) / 1000);
}
}  // namespace

void RestWeightBudget::roll_window(Clock::time_point now) {
  const std::int64_t minute =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() /
      window_.count();
  if (minute != minute_) {
    minute_ = minute;
    used_ = 0;
  }
}

std::uint64_t RestWeightBudget::used_in_minute(Clock::time_point now) {
  roll_window(now);
  return used_;
}

RestWeightBudget::Decision RestWeightBudget::admit(std::uint64_t weight, Clock::time_point now) {
  roll_window(now);
  ++requests_;
  if (now < banned_until_) {
    ++rejected_418_;
    return {418, seconds_until(now, banned_until_)};
  }
  if (now < retry_after_until_) {
    // Told to wait and did not: the IP is banned, longer at each repeat.
    banned_until_ = now + next_ban_;
    next_ban_ = std::min(next_ban_ * 2, kLongestBan);
    ++bans_;
    ++rejected_418_;
    return {418, seconds_until(now, banned_until_)};
  }
  if (used_ + weight > limit_) {
    retry_after_until_ = Clock::time_point(window_ * (minute_ + 1));
    ++rejected_429_;
    return {429, seconds_until(now, retry_after_until_)};
  }
  used_ += weight;
  max_used_ = std::max(max_used_, used_);
  weight_spent_ += weight;
  return {};
}

std::uint64_t rest_request_weight(Market market, std::string_view path, long limit) {
  const bool depth = path.size() >= 6 && path.substr(path.size() - 6) == "/depth";
  if (depth && market == Market::spot) {
    return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
  }
  if (depth) return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
  // USD-M's RPI book snapshot (limit 1000 only): 20.
  if (path == "/fapi/v1/rpiDepth") return 20;
  // aggTrades: spot 4, USD-M and COIN-M 20 (Binance's documented weights).
  const bool agg_trades = path.size() >= 10 && path.substr(path.size() - 10) == "/aggTrades";
  if (agg_trades) return market == Market::spot ? 4 : 20;
  const bool exchange_info = path.size() >= 13 && path.substr(path.size() - 13) == "/exchangeInfo";
  if (exchange_info) return market == Market::spot ? 20 : 1;
  return 1;
}

}  // namespace depthsim
