// The REST budgets a recorder's scheduler holds, and validate()'s check that a snapshot fits the
// share of the budget an initial sync may use.
#include "session/recorder_rest_budgets.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace depthrec::session {
namespace {

using namespace std::chrono_literals;

TEST(RecorderRestBudgets, TheFeedsMarketTakesTheOverridesEveryBudgetTheWindowAndShares) {
  RecorderConfig config;
  config.market = Market::coinm;
  config.rest_weight_per_minute = 1200;
  config.rest_weight_window = 1000ms;
  config.rest_initial_share = 0.5;
  const auto budgets = recorder_rest_budgets(config);
  ASSERT_EQ(budgets.size(), 2u);
  for (const auto& budget : budgets) {
    EXPECT_EQ(budget.window, 1000ms);
    EXPECT_DOUBLE_EQ(budget.initial_share, 0.5);
    EXPECT_EQ(budget.weight_per_window, budget.name == "futures" ? 1200 : 6000) << budget.name;
  }
  EXPECT_EQ(feed_rest_budget(config).name, "futures");  // COIN-M shares USD-M's budget
  config.market = Market::spot;
  EXPECT_EQ(feed_rest_budget(config).name, "spot");
  EXPECT_EQ(feed_rest_budget(config).weight_per_window, 1200);
}

TEST(RecorderRestBudgets, ASnapshotTheBudgetNeverAdmitsIsAConfigError) {
  RecorderConfig config;
  config.symbol = "BTCUSDT";
  config.market = Market::spot;
  config.depth_levels = 0;
  config.snapshot_limit = 1000;        // weight 50
  config.rest_weight_per_minute = 62;  // 80 %: 49
  EXPECT_EQ(
      validate(config),
      "a snapshot of --snapshot-limit 1000 weighs 50, more than the 49 of the REST budget (62 "
      "per window, --rest-initial-share) an initial sync may use");
  config.rest_weight_per_minute = 63;  // 50
  EXPECT_EQ(validate(config), "");
  config.depth_levels = 5;  // no snapshot: any budget
  config.rest_weight_per_minute = 1;
  EXPECT_EQ(validate(config), "");
}

TEST(RecorderRestBudgets, SharesAndWindowOutOfRangeAreRefused) {
  RecorderConfig config;
  config.symbol = "BTCUSDT";
  config.rest_safety_share = 0;
  EXPECT_EQ(validate(config), "--rest-safety-share must be above 0 and at most 1");
  config.rest_safety_share = 0.9;
  config.rest_initial_share = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(validate(config), "--rest-initial-share must be above 0 and at most 1");
  config.rest_initial_share = 0.8;
  config.rest_weight_window = 0ms;
  EXPECT_EQ(validate(config), "--rest-weight-window-ms must be positive");
  config.rest_weight_window = 60000ms;
  config.rest_weight_per_minute = -1;
  EXPECT_EQ(validate(config), "--rest-weight-per-minute must not be negative");
}

}  // namespace
}  // namespace depthrec::session
