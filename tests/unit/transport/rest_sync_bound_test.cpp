// sync_time_lower_bound: the REST budget's floor on the time to sync N books, checked against
// Binance's figures and against what RestWeightScheduler actually admits.
#include "transport/rest_sync_bound.hpp"

#include <gtest/gtest.h>

#include "session/recorder_rest_budgets.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;

RestBudgetConfig budget_named(std::string_view name) {
  for (RestBudgetConfig config : session::recorder_rest_budgets(RecorderConfig{})) {
    if (config.name == name) return config;
  }
  return {};
}

TEST(RestSyncBound, BinanceBudgetsForAThousandBooks) {
  // futures: 80 % of 2400 = 1920 per minute for initial syncs; a 1000-level snapshot weighs 20,
  // so 96 books a minute: 1000 books take 11 windows, the last request after 10 minutes.
  EXPECT_EQ(sync_time_lower_bound(1000, 20, budget_named("futures")), 600s);
  // spot: 80 % of 6000 = 4800; weight 50 (limit 1000): 96 a minute as well.
  EXPECT_EQ(sync_time_lower_bound(1000, 50, budget_named("spot")), 600s);
  // spot, limit 100 (weight 5): 960 a minute, 1000 books need a second window.
  EXPECT_EQ(sync_time_lower_bound(1000, 5, budget_named("spot")), 60s);
  // Resyncs may use 90 %: 2160 / 20 = 108 a minute.
  EXPECT_EQ(sync_time_lower_bound(108, 20, budget_named("futures"), RestPriority::resync), 0s);
  EXPECT_EQ(sync_time_lower_bound(109, 20, budget_named("futures"), RestPriority::resync), 60s);
}

TEST(RestSyncBound, EdgeCases) {
  EXPECT_EQ(sync_time_lower_bound(0, 20, budget_named("futures")), 0s);
  EXPECT_EQ(sync_time_lower_bound(96, 20, budget_named("futures")), 0s);  // one window
  EXPECT_EQ(sync_time_lower_bound(97, 20, budget_named("futures")), 60s);
  EXPECT_EQ(sync_time_lower_bound(1, 1921, budget_named("futures")), std::nullopt);  // never
}

TEST(RestSyncBound, IsWhatTheSchedulerAchieves) {
  RestBudgetConfig config = budget_named("futures");
  config.weight_per_window = 250;  // 200 for initial syncs: 10 snapshots of 20 per window
  config.window = 1000ms;
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(config);
  for (int i = 0; i < 45; ++i) s.enqueue(id, RestPriority::initial, 20);
  const auto start = RestWeightScheduler::TimePoint{} + 1000h;
  auto now = start;
  while (auto ready = s.next_ready_at(now, id)) {
    now = *ready;
    while (s.admit(now, id)) {
    }
  }
  EXPECT_EQ(now - start, sync_time_lower_bound(45, 20, config).value());
  EXPECT_EQ(now - start, 4000ms);
}

}  // namespace
}  // namespace depthrec::transport
