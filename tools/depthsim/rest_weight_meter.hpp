// The exchange's REST weight accounting per IP, as Binance answers it: every request adds its
// weight to the current window (the clock minute; --rest-weight-window-ms shortens it), every
// answer says the window's total in X-MBX-USED-WEIGHT-1M, and a request that would go over
// --rest-weight-limit is answered 429 with Retry-After (the seconds to the window's end), not
// counted. A local, minimal version for the REST scheduler's tests; the market-scale simulator
// (issue 12) adds the 418 ban that follows ignored 429s.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "market_spec.hpp"

namespace depthsim {

// Binance's weight of a REST request of ours: depth by `limit` (0: the market's default),
// server time 1, exchangeInfo 20 on spot and 1 on futures; anything else 1.
int rest_request_weight(Market market, std::string_view path, long limit);

class RestWeightMeter {
 public:
  // limit 0: counted and reported, never refused.
  RestWeightMeter(int limit, std::chrono::milliseconds window);

  struct Charge {
    bool allowed = true;
    std::uint64_t used = 0;  // the window's weight after this request (before it if refused)
    std::int64_t retry_after_s = 0;  // refused: seconds until the window ends (at least 1)
  };
  Charge charge(int weight, std::int64_t now_ms);

  int limit() const { return limit_; }
  std::int64_t window_ms() const { return window_ms_; }
  std::uint64_t used(std::int64_t now_ms) const;
  std::uint64_t max_used() const { return max_used_; }  // the most any window held
  std::uint64_t refused() const { return refused_; }    // 429 answers for the weight

 private:
  int limit_;
  std::int64_t window_ms_;
  std::int64_t window_index_ = -1;
  std::uint64_t used_ = 0;
  std::uint64_t max_used_ = 0;
  std::uint64_t refused_ = 0;
};

}  // namespace depthsim
