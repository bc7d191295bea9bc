// Binance's REST request-weight limit per IP, as the exchange enforces it: every request spends
// its endpoint's weight in the current calendar minute (X-MBX-USED-WEIGHT-1M reports the sum);
// over the limit the answer is 429 with Retry-After (seconds to the next minute); a client that
// sends again before that Retry-After has passed is banned: 418 with Retry-After, 2 minutes for
// the first ban, doubling up to 3 days. Spot has its own budget (6,000); USD-M and COIN-M share
// one (2,400) since their 2026 integration, so both futures listeners hold the same object.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "market_spec.hpp"

namespace depthsim {

class RestWeightBudget {
 public:
  using Clock = std::chrono::system_clock;  // Binance's windows are calendar minutes

  // `window`: Binance's is the clock minute; windows are aligned multiples of it since the epoch.
  explicit RestWeightBudget(std::uint64_t limit_per_window,
                            std::chrono::milliseconds window = std::chrono::minutes(1))
      : limit_(limit_per_window), window_(window.count() > 0 ? window : std::chrono::minutes(1)) {}

  struct Decision {
    int status = 200;                // 200 (admitted), 429 or 418
    std::int64_t retry_after_s = 0;  // for 429 / 418
  };
  // Spends `weight` now when the budget allows; otherwise the refusal.
  Decision admit(std::uint64_t weight, Clock::time_point now = Clock::now());
  // X-MBX-USED-WEIGHT-1M: what the current minute has spent.
  std::uint64_t used_in_minute(Clock::time_point now = Clock::now());

  std::uint64_t limit() const { return limit_; }
  std::chrono::milliseconds window() const { return window_; }
  std::uint64_t max_used() const { return max_used_; }  // the most any window held
  std::uint64_t requests() const { return requests_; }
  std::uint64_t weight_spent() const { return weight_spent_; }
  std::uint64_t rejected_429() const { return rejected_429_; }
  std::uint64_t rejected_418() const { return rejected_418_; }
  std::uint64_t bans() const { return bans_; }

 private:
  void roll_window(Clock::time_point now);

  std::uint64_t limit_;
  std::chrono::milliseconds window_;
  std::int64_t minute_ = -1;  // windows since the epoch of the current window
  std::uint64_t max_used_ = 0;
  std::uint64_t used_ = 0;
  Clock::time_point retry_after_until_{};  // a 429's Retry-After: sending before it bans
  Clock::time_point banned_until_{};
  std::chrono::seconds next_ban_{120};
  std::uint64_t requests_ = 0;
  std::uint64_t weight_spent_ = 0;
  std::uint64_t rejected_429_ = 0;
  std::uint64_t rejected_418_ = 0;
  std::uint64_t bans_ = 0;
};

// The weight of a REST request as Binance documents it (binance-protocol.md): depth by limit
// (spot 5/25/50/250 for <=100/500/1000/5000; futures 2/5/10/20 for <=50/100/500/1000),
// exchangeInfo (spot 20, futures 1), everything else 1. `limit` is the depth request's.
std::uint64_t rest_request_weight(Market market, std::string_view path, long limit);

}  // namespace depthsim
