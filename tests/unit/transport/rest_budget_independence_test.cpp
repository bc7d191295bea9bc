// Budgets progress independently (the whole-market report "futures sent 0 requests in 140 s while
// spot's first syncs were throttled"): a budget that is throttled, waiting for its window or busy
// with slow requests never holds back another budget's requests. Decisions with a fake clock here;
// the threaded part against a local HTTP server in rest_scheduler_independence_test.cpp.
#include <gtest/gtest.h>

#include <vector>

#include "transport/rest_weight_scheduler.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using TimePoint = RestWeightScheduler::TimePoint;

RestBudgetConfig budget_named(const char* name, int limit) {
  RestBudgetConfig config;
  config.name = name;
  config.weight_per_window = limit;
  config.throttle_backoff = BackoffConfig{1000ms, 60000ms, 2.0, 0.0};
  return config;
}

const TimePoint kStart = TimePoint{} + 1000h;

struct TwoBudgets {
  RestWeightScheduler s;
  RestBudgetId spot = s.add_budget(budget_named("spot", 6000));
  RestBudgetId futures = s.add_budget(budget_named("futures", 2400));
};

TEST(RestBudgetIndependence, AThrottledBudgetDoesNotHoldBackAnother) {
  TwoBudgets b;
  for (int i = 0; i < 10; ++i) b.s.enqueue(b.spot, RestPriority::initial, 50);
  for (int i = 0; i < 10; ++i) b.s.enqueue(b.futures, RestPriority::initial, 20);
  b.s.on_response(b.spot, 429, 30s, std::nullopt, kStart);
  int futures = 0, spot = 0;
  while (b.s.admit(kStart, b.futures)) ++futures;
  while (b.s.admit(kStart, b.spot)) ++spot;
  EXPECT_EQ(futures, 10);
  EXPECT_EQ(spot, 0);
  // Per budget: spot's own next chance is its Retry-After, futures has nothing left to wait for.
  EXPECT_EQ(b.s.next_ready_at(kStart, b.spot), kStart + 30s);
  EXPECT_EQ(b.s.next_ready_at(kStart, b.futures), std::nullopt);
}

TEST(RestBudgetIndependence, ManyRequestsWaitingForOneWindowDoNotDelayAnother) {
  TwoBudgets b;
  // Spot: 1,000 initial syncs of weight 50 (the initial share 4,800 admits 96 a minute).
  for (int i = 0; i < 1000; ++i) b.s.enqueue(b.spot, RestPriority::initial, 50);
  int spot_now = 0;
  while (b.s.admit(kStart, b.spot)) ++spot_now;
  EXPECT_EQ(spot_now, 96);
  ASSERT_TRUE(b.s.next_ready_at(kStart, b.spot));
  EXPECT_EQ(*b.s.next_ready_at(kStart, b.spot), kStart + 60s);
  // Futures requests queued later go at once, each one, while spot's 904 wait for the window.
  for (int i = 0; i < 50; ++i) b.s.enqueue(b.futures, RestPriority::initial, 20);
  int futures_now = 0;
  while (b.s.admit(kStart + 1ms, b.futures)) ++futures_now;
  EXPECT_EQ(futures_now, 50);
  EXPECT_FALSE(b.s.admit(kStart + 1ms, b.spot));
}

TEST(RestBudgetIndependence, AdmittingOneBudgetNeverTakesAnothersRequest) {
  TwoBudgets b;
  const RestHandle spot = b.s.enqueue(b.spot, RestPriority::resync, 50).handle;
  const RestHandle futures = b.s.enqueue(b.futures, RestPriority::low, 1).handle;
  const auto from_futures = b.s.admit(kStart, b.futures);
  ASSERT_TRUE(from_futures);
  EXPECT_EQ(from_futures->handle, futures);
  EXPECT_FALSE(b.s.admit(kStart, b.futures));
  const auto from_spot = b.s.admit(kStart, b.spot);
  ASSERT_TRUE(from_spot);
  EXPECT_EQ(from_spot->handle, spot);
  EXPECT_FALSE(b.s.admit(kStart, 7));  // an unknown budget admits nothing
}

}  // namespace
}  // namespace depthrec::transport
