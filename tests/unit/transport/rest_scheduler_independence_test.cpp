// RestScheduler with two budgets against a local HTTP server: spot's requests time out or are
// throttled (429 with Retry-After) while futures requests are queued; the futures ones must be
// sent and answered meanwhile. The decisions alone: rest_budget_independence_test.cpp.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "test_http_server.hpp"
#include "transport/rest_scheduler.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::TestHttpServer;
using Reply = TestHttpServer::Reply;
using SteadyClock = std::chrono::steady_clock;

struct Answer {
  std::string url_path;
  HttpResponse response;
  SteadyClock::time_point at;
};

struct Answers {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Answer> answers;

  std::function<void(HttpResponse)> done(std::string path) {
    return [this, path](HttpResponse r) {
      std::lock_guard lock(mutex);
      answers.push_back({path, std::move(r), SteadyClock::now()});
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = 20s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return answers.size() >= n; });
  }
};

std::vector<RestBudgetConfig> spot_and_futures() {
  RestBudgetConfig spot;
  spot.name = "spot";
  spot.weight_per_window = 6000;
  RestBudgetConfig futures;
  futures.name = "futures";
  futures.weight_per_window = 2400;
  return {spot, futures};
}

bool is_futures(const Answer& a) {
  return a.url_path.rfind("/fapi", 0) == 0;
}

// How fast futures went while spot was held: its answers before spot's first one, and its answers
// per second from being queued to its last answer.
void report(const char* name, const std::vector<Answer>& answers,
            SteadyClock::time_point futures_queued) {
  std::size_t futures_first = 0, futures = 0;
  while (futures_first < answers.size() && is_futures(answers[futures_first])) ++futures_first;
  SteadyClock::time_point last = futures_queued;
  for (const Answer& a : answers) {
    if (!is_futures(a)) continue;
    ++futures;
    last = std::max(last, a.at);
  }
  const double seconds = std::chrono::duration<double>(last - futures_queued).count();
  std::cout << "FIGURE " << name << ": futures answers before spot's first = " << futures_first
            << ", " << futures << " futures answers " << seconds << " s after being queued ("
            << (seconds > 0 ? static_cast<double>(futures) / seconds : 0.0) << " requests/s)\n";
}

// Queues `count` snapshot requests of `budget` (spot's paths /api/..., futures' /fapi/...).
void queue_snapshots(RestScheduler& fetcher, const TestHttpServer& server, const char* budget,
                     int count, Answers& answers) {
  const bool spot = std::string(budget) == "spot";
  const RestBudgetId id = fetcher.find_budget(budget).value();
  for (int i = 0; i < count; ++i) {
    const std::string path = (spot ? "/api/v3/depth?i=" : "/fapi/v1/depth?i=") + std::to_string(i);
    fetcher.request({id, RestPriority::initial, server.url(path), spot ? 50 : 20},
                    answers.done(path));
  }
}

TEST(RestSchedulerIndependence, FuturesRequestsGoWhileSpotRequestsTimeOut) {
  TestHttpServer server([](const std::string& path, int) {
    return path.rfind("/api", 0) == 0 ? Reply{200, "", {}, true} : Reply{200, path, {}};
  });
  RestClientConfig config;
  config.timeout = 1500ms;  // every spot request ends by this timeout
  RestScheduler fetcher(config, spot_and_futures());
  Answers answers;
  queue_snapshots(fetcher, server, "spot", 3, answers);
  server.wait_for_requests(1);  // spot's first request is in flight
  const auto futures_queued = SteadyClock::now();
  queue_snapshots(fetcher, server, "futures", 20, answers);
  ASSERT_TRUE(answers.wait_for(23));
  std::lock_guard lock(answers.mutex);
  report("spot timing out", answers.answers, futures_queued);
  // Every futures request was answered before spot's first timeout ended.
  for (std::size_t i = 0; i < 20; ++i) {
    EXPECT_TRUE(is_futures(answers.answers[i])) << i << ": " << answers.answers[i].url_path;
    EXPECT_EQ(answers.answers[i].response.status, 200);
  }
  for (std::size_t i = 20; i < 23; ++i) EXPECT_EQ(answers.answers[i].response.status, 0);
  // Spot's own requests stay one at a time, in order (FIFO within a priority).
  EXPECT_EQ(answers.answers[20].url_path, "/api/v3/depth?i=0");
  EXPECT_EQ(answers.answers[22].url_path, "/api/v3/depth?i=2");
}

TEST(RestSchedulerIndependence, FuturesRequestsGoWhileSpotIsThrottled) {
  TestHttpServer server([](const std::string& path, int) {
    if (path.rfind("/api", 0) == 0) return Reply{429, "{}", {"Retry-After: 2"}};
    return Reply{200, path, {"X-MBX-USED-WEIGHT-1M: 20"}};
  });
  RestScheduler fetcher({}, spot_and_futures());
  const RestBudgetId spot = fetcher.find_budget("spot").value();
  const RestBudgetId futures = fetcher.find_budget("futures").value();
  Answers answers;
  queue_snapshots(fetcher, server, "spot", 2, answers);
  ASSERT_TRUE(answers.wait_for(1));  // the 429: spot is held for 2 s
  const auto futures_queued = SteadyClock::now();
  queue_snapshots(fetcher, server, "futures", 20, answers);
  ASSERT_TRUE(answers.wait_for(22));
  std::lock_guard lock(answers.mutex);
  report("spot throttled", answers.answers, futures_queued);
  for (std::size_t i = 1; i < 21; ++i) EXPECT_TRUE(is_futures(answers.answers[i])) << i;
  EXPECT_EQ(answers.answers[21].url_path, "/api/v3/depth?i=1");
  EXPECT_GE(answers.answers[21].at - answers.answers[0].at, 2s);  // Retry-After honoured
  const auto stats = fetcher.stats();
  EXPECT_EQ(stats.budgets.at(futures).admitted, 20u);
  EXPECT_EQ(stats.budgets.at(spot).http_429, 2u);
}

}  // namespace
}  // namespace depthrec::transport
