// The per-connection message pacer on a fake clock: under a flood of SUBSCRIBEs with pongs
// interleaved, no 1 s window ever holds more messages than the venue allows.
#include "plan/message_pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

namespace depthrec::plan {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using TimePoint = PaceClock::time_point;

// The most messages in any half-open window [t, t + width).
std::size_t most_in_any_window(std::vector<TimePoint> times, nanoseconds width) {
  std::sort(times.begin(), times.end());
  std::size_t most = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < times.size(); ++last) {
    while (times[last] - times[first] >= width) ++first;
    most = std::max(most, last - first + 1);
  }
  return most;
}

struct FloodResult {
  std::vector<TimePoint> requests;
  std::vector<TimePoint> all;  // requests and pongs
};

// 60 s of a connection that always has a SUBSCRIBE waiting; the caller wakes up at random
// moments (as an event loop does) and at the pacer's "wait until" times; a pong goes out every
// `pong_every` whatever the pacer says.
FloodResult flood(MessagePacer& pacer, nanoseconds pong_every, std::uint32_t seed) {
  FloodResult result;
  std::mt19937 random(seed);
  TimePoint now{};
  const TimePoint end = now + seconds(60);
  TimePoint next_pong = now + milliseconds(337);
  while (now < end) {
    if (now >= next_pong) {
      pacer.on_control_sent(now);
      result.all.push_back(now);
      next_pong += pong_every;
    }
    const PaceDecision decision = pacer.may_send(now);
    if (decision.send_now) {
      pacer.on_request_sent(now);
      result.requests.push_back(now);
      result.all.push_back(now);
      continue;
    }
    EXPECT_GT(decision.not_before, now);
    // Woken at the pacer's time, or earlier by something else (a frame, a timer).
    const nanoseconds random_wake(random() % 300'000'000);
    now = std::min({decision.not_before, now + random_wake, next_pong});
  }
  return result;
}

// Spot allows 5 messages a second, futures 10: budgets 4 and 8, a pong every second on top.
TEST(MessagePacer, SpotAndFuturesNeverExceedTheLimitInAnySecondPongsCounted) {
  for (const auto& [limit, budget] : {std::pair{5, 4}, std::pair{10, 8}}) {
    MessagePacer pacer(limit);
    EXPECT_EQ(pacer.budget_per_second(), budget);
    const FloodResult result = flood(pacer, seconds(1), static_cast<std::uint32_t>(limit));
    EXPECT_LE(most_in_any_window(result.requests, seconds(1)), static_cast<std::size_t>(budget));
    EXPECT_LE(most_in_any_window(result.all, seconds(1)), static_cast<std::size_t>(limit));
    // And it does send: 60 s at the budget, less what the 60 pongs took.
    EXPECT_GE(result.requests.size(), static_cast<std::size_t>(60 * budget - 60 - 2));
  }
}

TEST(MessagePacer, EveryLimitHoldsWithSparsePongs) {
  for (int limit = 2; limit <= 12; ++limit) {
    MessagePacer pacer(limit);
    const FloodResult result = flood(pacer, seconds(20), static_cast<std::uint32_t>(limit));
    EXPECT_LE(most_in_any_window(result.all, seconds(1)), static_cast<std::size_t>(limit))
        << "limit " << limit;
    EXPECT_LT(pacer.budget_per_second(), limit);
  }
}

TEST(MessagePacer, SaysExactlyWhenToSendAndAPongDelaysTheNextRequest) {
  MessagePacer pacer(5);  // 4 a second: one every 250 ms
  const TimePoint start{};
  ASSERT_TRUE(pacer.may_send(start).send_now);
  pacer.on_request_sent(start);
  const PaceDecision wait = pacer.may_send(start + milliseconds(100));
  EXPECT_FALSE(wait.send_now);
  EXPECT_EQ(wait.not_before, start + milliseconds(250));
  EXPECT_FALSE(pacer.may_send(start + milliseconds(250) - nanoseconds(1)).send_now);
  EXPECT_TRUE(pacer.may_send(start + milliseconds(250)).send_now);
  // A pong at 100 ms overdraws: the next request waits for both.
  pacer.on_control_sent(start + milliseconds(100));
  EXPECT_EQ(pacer.may_send(start + milliseconds(250)).not_before, start + milliseconds(500));
  // After a quiet spell the pacer does not bank a burst.
  const TimePoint later = start + seconds(10);
  pacer.on_request_sent(later);
  EXPECT_EQ(pacer.may_send(later).not_before, later + milliseconds(250));
}

}  // namespace
}  // namespace depthrec::plan
