// RestScheduler, the threaded part: order, weight budget, 429/418 handling, cancel, stop; against
// an in-test HTTP server. The decisions alone: rest_weight_scheduler_test.cpp.
#include "transport/rest_scheduler.hpp"

#include <gtest/gtest.h>

#include "test_http_server.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::TestHttpServer;
using Reply = TestHttpServer::Reply;

/// Collects the responses that `done` delivers, with the thread that delivered them.
struct Results {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<HttpResponse> responses;
  std::vector<std::thread::id> threads;
  std::vector<RestScheduler::Stats> stats_at_done;
  RestScheduler* fetcher = nullptr;

  std::function<void(HttpResponse)> done() {
    return [this](HttpResponse r) {
      std::optional<RestScheduler::Stats> stats;
      if (fetcher != nullptr) stats = fetcher->stats();
      std::lock_guard lock(mutex);
      responses.push_back(std::move(r));
      threads.push_back(std::this_thread::get_id());
      if (stats) stats_at_done.push_back(*stats);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return responses.size() >= n; });
  }
};

// The whole limit for every priority: these tests are about the thread, not the shares.
std::vector<RestBudgetConfig> quick_budget(int per_window, std::chrono::milliseconds window) {
  RestBudgetConfig budget;
  budget.weight_per_window = per_window;
  budget.safety_share = 1.0;
  budget.initial_share = 1.0;
  budget.window = window;
  budget.throttle_backoff = BackoffConfig{300ms, 5000ms, 2.0, 0.0};
  return {budget};
}

std::chrono::milliseconds gap(const TestHttpServer::Request& a, const TestHttpServer::Request& b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b.arrived - a.arrived);
}

TEST(RestScheduler, RunsRequestsInOrderOnItsOwnThread) {
  TestHttpServer server([](const std::string& path, int) { return Reply{200, path, {}}; });
  Results results;
  RestScheduler fetcher({}, quick_budget(2400, 60s));
  results.fetcher = &fetcher;
  for (int i = 0; i < 5; ++i)
    fetcher.request({0, RestPriority::initial, server.url("/depth?i=" + std::to_string(i)), 20},
                    results.done());
  ASSERT_TRUE(results.wait_for(5));
  std::lock_guard lock(results.mutex);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(results.responses[i].body, "/depth?i=" + std::to_string(i));
    EXPECT_NE(results.threads[i], std::this_thread::get_id());
  }
  const auto stats = fetcher.stats();
  EXPECT_EQ(stats.requests, 5u);
  EXPECT_EQ(stats.ok, 5u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.budgets.at(0).weight_used, 100u);
  EXPECT_EQ(stats.banned_until_ns, 0);
}

TEST(RestScheduler, WeightBudgetMakesTheNextRequestWaitForTheWindow) {
  TestHttpServer server([](const std::string&, int) { return Reply{200, "{}", {}}; });
  Results results;
  RestScheduler fetcher({}, quick_budget(10, 600ms));
  results.fetcher = &fetcher;
  // The window opens when the first request is sent, which is after this point: the first's
  // arrival at the server is no lower bound (a new connection delays it, 15 ms under TSan).
  const auto submitted = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i)
    fetcher.request({0, RestPriority::initial, server.url("/w"), 4}, results.done());
  ASSERT_TRUE(results.wait_for(3));
  const auto requests = server.wait_for_requests(3);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_GE(requests[2].arrived - submitted,
            600ms);  // 4 + 4 + 4 > 10: the third waits for the first
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.stats_at_done[0].budgets.at(0).weight_used, 4u);
  EXPECT_EQ(results.stats_at_done[1].budgets.at(0).weight_used, 8u);
}

TEST(RestScheduler, WeightAboveTheWholeBudgetFailsWithoutARequest) {
  TestHttpServer server([](const std::string&, int) { return Reply{200, "{}", {}}; });
  Results results;
  RestScheduler fetcher({}, quick_budget(10, 60s));
  fetcher.request({0, RestPriority::initial, server.url("/huge"), 11}, results.done());
  fetcher.request({0, RestPriority::initial, server.url("/fine"), 10}, results.done());
  ASSERT_TRUE(results.wait_for(2));
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.responses[0].error,
            "request weight 11 exceeds what the REST budget 'futures' admits for initial requests: "
            "10 of its 10 per 60000 ms");
  EXPECT_EQ(results.responses[1].status, 200);
  EXPECT_EQ(server.wait_for_requests(1).at(0).path, "/fine");
  EXPECT_EQ(fetcher.stats().requests, 1u);
}

TEST(RestScheduler, ServerReportedWeightRaisesOurCount) {
  TestHttpServer server([](const std::string&, int) {
    return Reply{200, "{}", {"X-MBX-USED-WEIGHT-1M: 9"}};
  });
  Results results;
  RestScheduler fetcher({}, quick_budget(10, 500ms));
  results.fetcher = &fetcher;
  const auto submitted = std::chrono::steady_clock::now();  // before the window opens
  fetcher.request({0, RestPriority::initial, server.url("/a"), 1}, results.done());
  fetcher.request({0, RestPriority::initial, server.url("/b"), 2},
                  results.done());  // 9 + 2 > 10: waits for the window
  ASSERT_TRUE(results.wait_for(2));
  const auto requests = server.wait_for_requests(2);
  EXPECT_GE(requests[1].arrived - submitted, 500ms);
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.stats_at_done[0].budgets.at(0).weight_used, 9u);
}

TEST(RestScheduler, RetryAfterOn429DelaysTheNextRequest) {
  TestHttpServer server([](const std::string&, int index) {
    return index == 0 ? Reply{429, R"({"code":-1003})", {"Retry-After: 1"}} : Reply{200, "{}", {}};
  });
  Results results;
  RestScheduler fetcher({}, quick_budget(2400, 60s));
  fetcher.request({0, RestPriority::initial, server.url("/first"), 20}, results.done());
  fetcher.request({0, RestPriority::initial, server.url("/second"), 20}, results.done());
  ASSERT_TRUE(results.wait_for(2));
  const auto requests = server.wait_for_requests(2);
  EXPECT_GE(gap(requests[0], requests[1]), 990ms);
  const auto stats = fetcher.stats();
  EXPECT_EQ(stats.http_429, 1u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.ok, 1u);
  EXPECT_GT(stats.banned_until_ns, 0);
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.responses[0].status, 429);  // the caller sees the 429 itself
}

TEST(RestScheduler, BanWithoutRetryAfterUsesTheThrottleBackoff) {
  TestHttpServer server([](const std::string&, int index) {
    return index < 2 ? Reply{418, "", {}} : Reply{200, "{}", {}};
  });
  Results results;
  RestScheduler fetcher({}, quick_budget(2400, 60s));  // backoff 300 ms, then 600 ms
  for (int i = 0; i < 3; ++i)
    fetcher.request({0, RestPriority::initial, server.url("/r"), 1}, results.done());
  ASSERT_TRUE(results.wait_for(3));
  const auto requests = server.wait_for_requests(3);
  EXPECT_GE(gap(requests[0], requests[1]), 290ms);
  EXPECT_GE(gap(requests[1], requests[2]), 590ms);
  EXPECT_EQ(fetcher.stats().http_418, 2u);
}

TEST(RestScheduler, ServerErrorsAndTimeoutsAreDeliveredAndCounted) {
  TestHttpServer server([](const std::string& path, int) {
    return path == "/hang" ? Reply{200, "", {}, true} : Reply{500, "oops", {}};
  });
  RestClientConfig config;
  config.timeout = 300ms;
  Results results;
  RestScheduler fetcher(config, quick_budget(2400, 60s));
  fetcher.request({0, RestPriority::initial, server.url("/error"), 1}, results.done());
  fetcher.request({0, RestPriority::initial, server.url("/hang"), 1}, results.done());
  ASSERT_TRUE(results.wait_for(2));
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.responses[0].status, 500);
  EXPECT_EQ(results.responses[0].body, "oops");
  EXPECT_EQ(results.responses[1].status, 0);
  EXPECT_NE(results.responses[1].error.find("Timeout"), std::string::npos)
      << results.responses[1].error;
  const auto stats = fetcher.stats();
  EXPECT_EQ(stats.failed, 2u);
  EXPECT_EQ(stats.ok, 0u);
  EXPECT_EQ(stats.banned_until_ns, 0);  // a 500 is not a ban
}

TEST(RestScheduler, StopAbortsTheRequestInFlightAndAnswersTheQueue) {
  TestHttpServer server([](const std::string&, int) { return Reply{200, "", {}, true}; });
  Results results;
  RestScheduler fetcher({}, quick_budget(2400, 60s));  // 10 s timeout: only stop() ends it
  for (int i = 0; i < 3; ++i)
    fetcher.request({0, RestPriority::initial, server.url("/hang"), 1}, results.done());
  server.wait_for_requests(1);
  const auto started = std::chrono::steady_clock::now();
  fetcher.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  ASSERT_TRUE(results.wait_for(3, 0ms));  // all answered before stop() returned
  fetcher.stop();                         // idempotent
  fetcher.request({0, RestPriority::initial, server.url("/late"), 1}, results.done());
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.responses[0].error, "request cancelled");
  EXPECT_EQ(results.responses[1].error, "fetcher stopped");
  EXPECT_EQ(results.responses[2].error, "fetcher stopped");
  ASSERT_EQ(results.responses.size(), 4u);
  EXPECT_EQ(results.responses[3].error, "fetcher stopped");
  EXPECT_EQ(results.threads[3], std::this_thread::get_id());  // after stop: on the caller
}

// A cancelled request is never sent and its `done` never runs; one in flight cannot be cancelled.
// Resyncs queued behind a request in flight go before the initial syncs queued earlier.
TEST(RestScheduler, CancelledRequestsAreNeverSentAndResyncsGoFirst) {
  TestHttpServer server([](const std::string& path, int) {
    return path == "/hang" ? Reply{200, "", {}, true} : Reply{200, path, {}};
  });
  RestClientConfig config;
  config.timeout = 300ms;  // the first request holds the worker while the others queue
  Results results;
  RestScheduler fetcher(config, quick_budget(2400, 60s));
  const RestHandle in_flight =
      fetcher.request({0, RestPriority::initial, server.url("/hang"), 1}, results.done());
  server.wait_for_requests(1);
  fetcher.request({0, RestPriority::initial, server.url("/initial"), 1}, results.done());
  const RestHandle delisted =
      fetcher.request({0, RestPriority::initial, server.url("/delisted"), 1}, results.done());
  fetcher.request({0, RestPriority::resync, server.url("/resync"), 1}, results.done());
  EXPECT_NE(delisted, 0u);
  EXPECT_TRUE(fetcher.cancel(delisted));
  EXPECT_FALSE(fetcher.cancel(delisted));
  EXPECT_FALSE(fetcher.cancel(in_flight));
  ASSERT_TRUE(results.wait_for(3));
  const auto requests = server.wait_for_requests(3);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].path, "/resync");
  EXPECT_EQ(requests[2].path, "/initial");
  fetcher.stop();
  std::lock_guard lock(results.mutex);
  EXPECT_EQ(results.responses.size(), 3u);  // never one for the cancelled request
  const auto stats = fetcher.stats();
  EXPECT_EQ(stats.requests, 3u);
  EXPECT_EQ(stats.budgets.at(0).cancelled, 1u);
}

// `sent` marks the moment a request leaves the queue (a book keeps every event from then on):
// with its own handle, before its answer, not while the budget holds it back, never if cancelled.
TEST(RestScheduler, SentRunsWhenTheRequestLeavesTheQueueNotWhenQueued) {
  TestHttpServer server([](const std::string&, int) { return Reply{200, "{}", {}}; });
  Results results;
  RestScheduler fetcher({}, quick_budget(6, 600ms));
  std::mutex mutex;
  std::vector<std::pair<RestHandle, std::chrono::steady_clock::time_point>> sent;
  std::vector<std::size_t> answered_when_sent;
  auto on_sent = [&](RestHandle handle) {
    const std::size_t answered = [&] {
      std::lock_guard lock(results.mutex);
      return results.responses.size();
    }();
    std::lock_guard lock(mutex);
    sent.emplace_back(handle, std::chrono::steady_clock::now());
    answered_when_sent.push_back(answered);
  };
  const RestHandle first =
      fetcher.request({0, RestPriority::initial, server.url("/a"), 4}, results.done(), on_sent);
  const RestHandle second =
      fetcher.request({0, RestPriority::initial, server.url("/b"), 4}, results.done(), on_sent);
  const RestHandle third =
      fetcher.request({0, RestPriority::initial, server.url("/c"), 4}, results.done(), on_sent);
  ASSERT_TRUE(fetcher.cancel(third));  // still queued behind the window
  ASSERT_TRUE(results.wait_for(2));
  std::lock_guard lock(mutex);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].first, first);
  EXPECT_EQ(sent[1].first, second);
  EXPECT_EQ(answered_when_sent[0], 0u);  // before its own answer
  EXPECT_EQ(answered_when_sent[1], 1u);
  // 4 + 4 > 6: the second left the queue only when the window let it, not when it was queued.
  EXPECT_GE(sent[1].second - sent[0].second, 590ms);
}

}  // namespace
}  // namespace depthrec::transport
