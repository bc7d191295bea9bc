// Issue 18, item 9: Retry-After is the server's number. Read without overflow and capped at
// kMaxRetryAfter (3 days): 999999999999 overflowed a chrono conversion (no snapshot for the rest
// of the run), 9300000000 wrapped and was ignored; an HTTP date counts from now.
#include "transport/retry_after.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "test_http_server.hpp"
#include "transport/clock.hpp"
#include "transport/rest_scheduler.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::TestHttpServer;
using Reply = TestHttpServer::Reply;

constexpr std::time_t kNow = 1'721'347'000;  // 2024-07-18T23:56:40Z

TEST(RetryAfter, DelaySecondsAreReadAndCapped) {
  EXPECT_EQ(parse_retry_after("0", kNow), 0s);
  EXPECT_EQ(parse_retry_after("120", kNow), 120s);
  EXPECT_EQ(parse_retry_after("259200", kNow), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("259201", kNow), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("9300000000", kNow), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("999999999999", kNow), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("99999999999999999999999999999999", kNow), kMaxRetryAfter);
}

TEST(RetryAfter, AnHttpDateCountsFromNowAndIsCapped) {
  // 2024-07-18T23:58:40Z is 120 s after kNow.
  EXPECT_EQ(parse_retry_after("Thu, 18 Jul 2024 23:58:40 GMT", kNow), 120s);
  EXPECT_EQ(parse_retry_after("Thu, 18 Jul 2024 23:00:00 GMT", kNow), 0s) << "in the past";
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow), kMaxRetryAfter);
}

TEST(RetryAfter, AnythingElseIsNoValue) {
  EXPECT_EQ(parse_retry_after("", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("-5", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", kNow), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", kNow), std::nullopt);
}

// Through the REST client and the fetcher: the hold ends within the cap, not never (overflow) and
// not at once (wrap).
TEST(RetryAfter, TheFetcherHoldsRequestsBackForTheCappedWaitOnly) {
  for (const char* header : {"Retry-After: 999999999999", "Retry-After: 9300000000"}) {
    SCOPED_TRACE(header);
    TestHttpServer server([&](const std::string&, int) {
      return Reply{429, R"({"code":-1003})", {header}};
    });
    RestScheduler fetcher({}, {RestBudgetConfig{}});
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<HttpResponse> answer;
    fetcher.request({0, RestPriority::initial, server.url("/depth"), 1},
                    [&](HttpResponse response) {
                      std::lock_guard lock(mutex);
                      answer = std::move(response);
                      cv.notify_all();
                    });
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return answer.has_value(); }));
    EXPECT_EQ(answer->status, 429);
    EXPECT_EQ(answer->retry_after, kMaxRetryAfter);
    const std::int64_t now = now_ns();
    const std::int64_t until = fetcher.stats().banned_until_ns;
    const std::int64_t cap_ns = std::chrono::nanoseconds(kMaxRetryAfter).count();
    EXPECT_GT(until, now + cap_ns - 60'000'000'000LL);
    EXPECT_LE(until, now + cap_ns + 1'000'000'000LL);
    lock.unlock();
    fetcher.stop();
  }
}

}  // namespace
}  // namespace depthrec::transport
