// RestWeightScheduler with a fake clock: budget never exceeded, resyncs before initial syncs,
// the initial share, Retry-After and the 418 ban, the server's used weight, cancellation, two
// markets on one budget, FIFO within a priority.
#include "transport/rest_weight_scheduler.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <utility>
#include <vector>

#include "session/recorder_rest_budgets.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using TimePoint = RestWeightScheduler::TimePoint;

RestBudgetConfig budget_of(int limit, std::chrono::milliseconds window = 60s) {
  RestBudgetConfig config;
  config.name = "test";
  config.weight_per_window = limit;
  config.window = window;
  config.throttle_backoff = BackoffConfig{1000ms, 60000ms, 2.0, 0.0};  // no jitter: exact times
  return config;
}

struct FakeClock {
  TimePoint now =
      TimePoint{} + 1000h;  // far from the epoch: nothing is "in the window" by accident
  void advance(std::chrono::milliseconds by) { now += by; }
};

// Admits everything of budget `id` that may go now, in order.
std::vector<RestWeightScheduler::Admitted> admit_all(RestWeightScheduler& s, TimePoint now,
                                                     RestBudgetId id) {
  std::vector<RestWeightScheduler::Admitted> out;
  while (auto a = s.admit(now, id)) out.push_back(*a);
  return out;
}

TEST(RestWeightScheduler, NeverSpendsMoreThanTheSafetyShareInAnyWindow) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(100));  // planned at most 90, initial 80
  FakeClock clock;
  for (int i = 0; i < 40; ++i) {
    ASSERT_NE(s.enqueue(id, i % 3 == 0 ? RestPriority::resync : RestPriority::initial, 7).handle,
              0u);
  }
  std::deque<std::pair<TimePoint, int>> window;  // what was admitted within the last 60 s
  int admitted = 0, max_in_window = 0;
  while (auto ready = s.next_ready_at(clock.now, id)) {
    ASSERT_GE(*ready, clock.now);
    clock.now = *ready;
    for (const auto& a : admit_all(s, clock.now, id)) {
      window.emplace_back(clock.now, a.weight);
      ++admitted;
    }
    while (!window.empty() && window.front().first + 60s <= clock.now) window.pop_front();
    int sum = 0;
    for (const auto& w : window) sum += w.second;
    max_in_window = std::max(max_in_window, sum);
    ASSERT_LE(sum, 90);
  }
  EXPECT_EQ(admitted, 40);
  EXPECT_GT(max_in_window, 80);  // resyncs used the headroom above the initial share
  EXPECT_EQ(s.stats(id, clock.now).admitted, 40u);
}

TEST(RestWeightScheduler, ResyncsGoBeforeInitialSyncsAndLowPriorityLast) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(2400));
  const RestHandle low = s.enqueue(id, RestPriority::low, 1).handle;
  const RestHandle initial = s.enqueue(id, RestPriority::initial, 20).handle;
  const RestHandle resync = s.enqueue(id, RestPriority::resync, 20).handle;
  const auto stats = s.stats(id, FakeClock{}.now);
  EXPECT_EQ(stats.queued[0], 1u);  // by RestPriority: resync, initial, low
  EXPECT_EQ(stats.queued[1], 1u);
  EXPECT_EQ(stats.queued[2], 1u);
  const auto order = admit_all(s, FakeClock{}.now, id);
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0].handle, resync);
  EXPECT_EQ(order[1].handle, initial);
  EXPECT_EQ(order[2].handle, low);
}

TEST(RestWeightScheduler, EqualPrioritiesAreFirstInFirstOut) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(100));
  std::vector<RestHandle> queued;
  for (int i = 0; i < 12; ++i) queued.push_back(s.enqueue(id, RestPriority::initial, 20).handle);
  FakeClock clock;
  std::vector<RestHandle> order;
  while (auto ready = s.next_ready_at(clock.now, id)) {
    clock.now = *ready;
    for (const auto& a : admit_all(s, clock.now, id)) order.push_back(a.handle);
  }
  EXPECT_EQ(order, queued);
}

TEST(RestWeightScheduler, InitialSyncsLeaveHeadroomForResyncs) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(100));  // initial 80, planned 90
  FakeClock clock;
  for (int i = 0; i < 10; ++i) s.enqueue(id, RestPriority::initial, 10);
  EXPECT_EQ(admit_all(s, clock.now, id).size(), 8u);  // 80 of 100
  const RestHandle resync = s.enqueue(id, RestPriority::resync, 10).handle;
  const auto next = admit_all(s, clock.now, id);
  ASSERT_EQ(next.size(), 1u);  // at once, ahead of the two initial ones still queued
  EXPECT_EQ(next[0].handle, resync);
  s.enqueue(id, RestPriority::resync, 10);
  EXPECT_TRUE(admit_all(s, clock.now, id).empty());  // 100 > 90: the safety margin holds it
  EXPECT_EQ(s.next_ready_at(clock.now, id), clock.now + 60s);
  const auto stats = s.stats(id, clock.now);
  EXPECT_EQ(stats.weight_used, 90u);
  EXPECT_EQ(stats.planned_limit, 90);
  EXPECT_EQ(stats.initial_limit, 80);
  EXPECT_EQ(stats.queued[0], 1u);
  EXPECT_EQ(stats.queued[1], 2u);
}

TEST(RestWeightScheduler, RetryAfterHoldsTheWholeBudget) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(2400));
  FakeClock clock;
  s.enqueue(id, RestPriority::initial, 20);
  ASSERT_EQ(admit_all(s, clock.now, id).size(), 1u);
  s.on_response(id, 429, 5s, std::nullopt, clock.now);
  s.enqueue(id, RestPriority::resync, 20);  // not even a resync passes a 429
  EXPECT_TRUE(admit_all(s, clock.now + 4999ms, id).empty());
  EXPECT_EQ(s.next_ready_at(clock.now, id), clock.now + 5s);
  EXPECT_EQ(s.stats(id, clock.now).blocked_remaining, 5000ms);
  EXPECT_EQ(admit_all(s, clock.now + 5s, id).size(), 1u);
  const auto stats = s.stats(id, clock.now + 10s);
  EXPECT_EQ(stats.http_429, 1u);
  EXPECT_EQ(stats.blocked, 5000ms);
  EXPECT_EQ(stats.blocked_remaining, 0ms);
}

TEST(RestWeightScheduler, A418BanIsWaitedOutAndWithoutRetryAfterTheBackoffGrows) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(2400));
  FakeClock clock;
  // Sends one request now, gets `status` (and Retry-After) for it, and says when the next may go.
  const auto answered = [&](long status, std::optional<std::chrono::seconds> retry_after) {
    s.enqueue(id, RestPriority::initial, 20);
    EXPECT_EQ(admit_all(s, clock.now, id).size(), 1u);
    s.on_response(id, status, retry_after, std::nullopt, clock.now);
    s.enqueue(id, RestPriority::initial, 20);
    const auto ready = s.next_ready_at(clock.now, id).value() - clock.now;
    s.drain();
    return std::chrono::duration_cast<std::chrono::milliseconds>(ready);
  };
  EXPECT_EQ(answered(418, 120s), 120s);  // banned for two minutes: waited out
  clock.advance(120s);
  EXPECT_EQ(answered(418, std::nullopt), 1s);  // no Retry-After: the backoff, 1 s
  clock.advance(1s);
  EXPECT_EQ(answered(429, std::nullopt), 2s);  // then 2 s
  clock.advance(2s);
  EXPECT_EQ(answered(200, std::nullopt), 0s);  // a success resets it
  EXPECT_EQ(answered(429, std::nullopt), 1s);
  const auto stats = s.stats(id, clock.now + 1s);
  EXPECT_EQ(stats.http_418, 2u);
  EXPECT_EQ(stats.http_429, 2u);
  EXPECT_EQ(stats.blocked, 124s);
}

TEST(RestWeightScheduler, TheServersUsedWeightRaisesOurCountNeverLowersIt) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(100));
  FakeClock clock;
  s.enqueue(id, RestPriority::initial, 10);
  admit_all(s, clock.now, id);
  s.on_response(id, 200, std::nullopt, 75, clock.now);  // another client on our IP spent 65
  EXPECT_EQ(s.stats(id, clock.now).weight_used, 75u);
  s.on_response(id, 200, std::nullopt, 3, clock.now);  // lower: ours stands
  EXPECT_EQ(s.stats(id, clock.now).weight_used, 75u);
  s.enqueue(id, RestPriority::initial, 10);  // 85 > 80: waits until the window moves on
  EXPECT_TRUE(admit_all(s, clock.now, id).empty());
  EXPECT_EQ(s.next_ready_at(clock.now, id), clock.now + 60s);
  EXPECT_EQ(admit_all(s, clock.now + 60s, id).size(), 1u);
}

TEST(RestWeightScheduler, AQueuedRequestIsCancelledByItsHandle) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(2400));
  const RestHandle delisted = s.enqueue(id, RestPriority::initial, 20).handle;
  const RestHandle kept = s.enqueue(id, RestPriority::initial, 20).handle;
  EXPECT_TRUE(s.cancel(delisted));
  EXPECT_FALSE(s.cancel(delisted));  // once
  const auto order = admit_all(s, FakeClock{}.now, id);
  ASSERT_EQ(order.size(), 1u);
  EXPECT_EQ(order[0].handle, kept);
  EXPECT_FALSE(s.cancel(kept));  // already sent: its answer comes
  EXPECT_FALSE(s.cancel(12345));
  const auto stats = s.stats(id, FakeClock{}.now);
  EXPECT_EQ(stats.cancelled, 1u);
  EXPECT_EQ(stats.weight_used, 20u);  // the cancelled one spent nothing
  EXPECT_FALSE(s.next_ready_at(FakeClock{}.now, id).has_value());
}

TEST(RestWeightScheduler, AWeightAboveTheBudgetFailsAtOnceWithAClearError) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(100));  // initial 80, planned 90
  const auto refused = s.enqueue(id, RestPriority::initial, 85);
  EXPECT_EQ(refused.handle, 0u);
  EXPECT_EQ(refused.error,
            "request weight 85 exceeds what the REST budget 'test' admits for initial requests: 80 "
            "of its 100 per 60000 ms");
  EXPECT_NE(s.enqueue(id, RestPriority::resync, 85).handle, 0u);  // a resync may use 90
  EXPECT_EQ(s.enqueue(id, RestPriority::resync, 101).handle, 0u);
  EXPECT_EQ(s.enqueue(7, RestPriority::resync, 1).error, "unknown REST budget 7");
  EXPECT_EQ(s.stats(id, FakeClock{}.now).refused, 2u);
}

TEST(RestWeightScheduler, UsdmAndCoinmDrawFromOneBudgetSpotFromItsOwn) {
  RestWeightScheduler s;
  for (RestBudgetConfig config : session::recorder_rest_budgets(RecorderConfig{}))
    s.add_budget(config);
  const auto usdm = s.find_budget(session::rest_budget_name(Market::usdm));
  const auto coinm = s.find_budget(session::rest_budget_name(Market::coinm));
  const auto spot = s.find_budget(session::rest_budget_name(Market::spot));
  ASSERT_TRUE(usdm && coinm && spot);
  EXPECT_EQ(*usdm, *coinm);
  EXPECT_NE(*usdm, *spot);
  EXPECT_EQ(s.stats(*usdm, FakeClock{}.now).limit, 2400);
  EXPECT_EQ(s.stats(*spot, FakeClock{}.now).limit, 6000);
  FakeClock clock;
  for (int i = 0; i < 96; ++i) s.enqueue(*usdm, RestPriority::initial, 20);  // 1920: 80 %
  EXPECT_EQ(admit_all(s, clock.now, *usdm).size(), 96u);
  const RestHandle coinm_book = s.enqueue(*coinm, RestPriority::initial, 20).handle;
  const RestHandle spot_book = s.enqueue(*spot, RestPriority::initial, 50).handle;
  const auto now = admit_all(s, clock.now, *spot);
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].handle, spot_book);
  EXPECT_TRUE(admit_all(s, clock.now, *coinm).empty());  // it waits for the usdm books' window
  EXPECT_EQ(s.next_ready_at(clock.now, *coinm), clock.now + 60s);
  const auto later = admit_all(s, clock.now + 60s, *coinm);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].handle, coinm_book);
}

TEST(RestWeightScheduler, DrainEmptiesEveryQueue) {
  RestWeightScheduler s;
  const RestBudgetId id = s.add_budget(budget_of(2400));
  const RestHandle a = s.enqueue(id, RestPriority::low, 1).handle;
  const RestHandle b = s.enqueue(id, RestPriority::resync, 1).handle;
  EXPECT_EQ(s.drain(), (std::vector<RestHandle>{b, a}));
  EXPECT_FALSE(s.admit(FakeClock{}.now, id).has_value());
}

}  // namespace
}  // namespace depthrec::transport
