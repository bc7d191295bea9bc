#include "rest_weight_meter.hpp"

#include <algorithm>

#include "exchange_info.hpp"

namespace depthsim {

int rest_request_weight(Market market, std::string_view path, long limit) {
  if (path == depth_rest_path(market)) {
    if (market == Market::spot) {
      if (limit <= 0) limit = 100;
      return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    }
    if (limit <= 0) limit = 500;
    return limit <= 50 ? 2 : limit <= 100 ? 5 : limit <= 500 ? 10 : 20;
  }
  if (path == exchange_info_rest_path(market)) return market == Market::spot ? 20 : 1;
  return 1;
}

RestWeightMeter::RestWeightMeter(int limit, std::chrono::milliseconds window)
    : limit_(std::max(limit, 0)), window_ms_(std::max<std::int64_t>(window.count(), 1)) {}

std::uint64_t RestWeightMeter::used(std::int64_t now_ms) const {
  return now_ms / window_ms_ == window_index_ ? used_ : 0;
}

RestWeightMeter::Charge RestWeightMeter::charge(int weight, std::int64_t now_ms) {
  const std::int64_t index = now_ms / window_ms_;
  if (index != window_index_) {
    window_index_ = index;
    used_ = 0;
  }
  const auto w = static_cast<std::uint64_t>(std::max(weight, 0));
  if (limit_ > 0 && used_ + w > static_cast<std::uint64_t>(limit_)) {
    ++refused_;
    const std::int64_t left_ms = (index + 1) * window_ms_ - now_ms;
    return {false, used_, std::max<std::int64_t>(1, (left_ms + 999) / 1000)};
  }
  used_ += w;
  max_used_ = std::max(max_used_, used_);
  return {true, used_, 0};
}

}  // namespace depthsim
