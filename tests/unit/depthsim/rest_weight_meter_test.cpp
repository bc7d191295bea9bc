// depthsim's REST weight accounting: Binance's weights, the window, 429 with Retry-After.
#include "rest_weight_meter.hpp"

#include <gtest/gtest.h>

namespace depthsim {
namespace {

using namespace std::chrono_literals;

TEST(RestWeightMeter, BinanceWeightsOfOurRequests) {
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/depth", 1000), 20);
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/depth", 0), 10);  // default 500
  EXPECT_EQ(rest_request_weight(Market::coinm, "/dapi/v1/depth", 100), 5);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 1000), 50);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 5000), 250);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 0), 5);  // default 100
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/time", 0), 1);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/exchangeInfo", 0), 20);
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/exchangeInfo", 0), 1);
}

TEST(RestWeightMeter, OverTheLimitIs429UntilTheWindowEnds) {
  RestWeightMeter meter(100, 60s);
  const std::int64_t start = 1'700'000'040'000 + 40'000;  // 40 s into a clock minute
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(meter.charge(20, start + i).allowed);
  const auto refused = meter.charge(1, start + 10);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.used, 100u);
  EXPECT_EQ(refused.retry_after_s, 20);  // the minute ends 20 s later
  EXPECT_EQ(meter.refused(), 1u);
  EXPECT_EQ(meter.used(start + 10), 100u);
  const auto next_minute = meter.charge(20, start + 20'000);
  EXPECT_TRUE(next_minute.allowed);
  EXPECT_EQ(next_minute.used, 20u);
  EXPECT_EQ(meter.max_used(), 100u);
}

TEST(RestWeightMeter, LimitZeroCountsButNeverRefuses) {
  RestWeightMeter meter(0, 1000ms);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(meter.charge(50, 5'000).allowed);
  EXPECT_EQ(meter.used(5'999), 5000u);
  EXPECT_EQ(meter.used(6'000), 0u);
  EXPECT_EQ(meter.refused(), 0u);
}

}  // namespace
}  // namespace depthsim
