// Binance's REST weight limit as depthsim enforces it: weights by endpoint and limit, 429 with
// Retry-After to the next minute, 418 (a ban, doubling) for a client that sends during it.
#include "rest_weight_budget.hpp"

#include <gtest/gtest.h>

namespace {

using depthsim::Market;
using depthsim::rest_request_weight;
using depthsim::RestWeightBudget;
using Clock = RestWeightBudget::Clock;

Clock::time_point at_second(std::int64_t minute, std::int64_t second) {
  return Clock::time_point(std::chrono::minutes(minute) + std::chrono::seconds(second));
}

TEST(RestWeightBudget, WeightsFollowBinancesTable) {
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 100), 5u);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 500), 25u);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 1000), 50u);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/depth", 5000), 250u);
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/depth", 50), 2u);
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/depth", 100), 5u);
  EXPECT_EQ(rest_request_weight(Market::coinm, "/dapi/v1/depth", 500), 10u);
  EXPECT_EQ(rest_request_weight(Market::coinm, "/dapi/v1/depth", 1000), 20u);
  EXPECT_EQ(rest_request_weight(Market::spot, "/api/v3/exchangeInfo", 0), 20u);
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/exchangeInfo", 0), 1u);
  EXPECT_EQ(rest_request_weight(Market::usdm, "/fapi/v1/time", 0), 1u);
}

TEST(RestWeightBudget, OverBudget429ThenSendingDuringRetryAfterIsA418Ban) {
  RestWeightBudget budget(50);
  EXPECT_EQ(budget.admit(20, at_second(100, 10)).status, 200);
  EXPECT_EQ(budget.admit(20, at_second(100, 11)).status, 200);
  EXPECT_EQ(budget.used_in_minute(at_second(100, 11)), 40u);
  const RestWeightBudget::Decision over = budget.admit(20, at_second(100, 12));
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(over.retry_after_s, 48);                          // to the next minute
  EXPECT_EQ(budget.used_in_minute(at_second(100, 12)), 40u);  // a refusal spends nothing
  const RestWeightBudget::Decision ban = budget.admit(5, at_second(100, 13));
  EXPECT_EQ(ban.status, 418);
  EXPECT_EQ(ban.retry_after_s, 120);                           // the first ban: 2 minutes
  EXPECT_EQ(budget.admit(5, at_second(101, 0)).status, 418);   // still banned in a new minute
  EXPECT_EQ(budget.admit(5, at_second(102, 14)).status, 200);  // served once the ban is over
  EXPECT_EQ(budget.used_in_minute(at_second(102, 14)), 5u);
  EXPECT_EQ(budget.rejected_429(), 1u);
  EXPECT_EQ(budget.rejected_418(), 2u);
  EXPECT_EQ(budget.bans(), 1u);
}

TEST(RestWeightBudget, WaitingTheRetryAfterIsNoBanAndBansDouble) {
  RestWeightBudget budget(10);
  EXPECT_EQ(budget.admit(10, at_second(5, 0)).status, 200);
  EXPECT_EQ(budget.admit(10, at_second(5, 30)).status, 429);
  EXPECT_EQ(budget.admit(10, at_second(6, 0)).status, 200);  // waited: a fresh minute
  EXPECT_EQ(budget.admit(10, at_second(6, 1)).status, 429);
  EXPECT_EQ(budget.admit(10, at_second(6, 2)).status, 418);
  EXPECT_EQ(budget.admit(10, at_second(8, 3)).status, 200);  // the 2-minute ban is over
  EXPECT_EQ(budget.admit(1, at_second(8, 4)).status, 429);
  const RestWeightBudget::Decision second_ban = budget.admit(1, at_second(8, 5));
  EXPECT_EQ(second_ban.status, 418);
  EXPECT_EQ(second_ban.retry_after_s, 240);  // doubled
}

}  // namespace
