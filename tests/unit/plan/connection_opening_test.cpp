// How a connection opens: its URL names at most a bounded number of streams (1,024 spot streams
// would make a ~25 KB URL), the rest are SUBSCRIBEd at once in batches bound to that socket,
// paced by the connection's message limit, never held by a rollover (a successor's own
// SUBSCRIBEs are what lets it take over), dropped when that socket closes; the rollover's join
// deadline allows for that pacing.
#include "plan/connection_opening.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plan/subscription_follow.hpp"
#include "plan_test_support.hpp"

namespace depthrec::plan {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::binance_rules;
using test::market_keys;
using TimePoint = PaceClock::time_point;

const TimePoint kStart = TimePoint{} + seconds(1000);

std::vector<std::string> names_of(std::size_t count, std::size_t length) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    std::string name = std::to_string(i) + "@depth@100ms";
    name.insert(0, length > name.size() ? length - name.size() : 0, 'x');
    names.push_back(name);
  }
  return names;
}

TEST(ConnectionOpening, TheUrlNamesAtMostTheBoundedNumberOfStreams) {
  EXPECT_EQ(url_stream_count(names_of(1024, 20)), UrlBounds::kMaxUrlStreams);
  EXPECT_EQ(url_stream_count(names_of(40, 20)), 40u);
  EXPECT_EQ(url_stream_count({}), 0u);
}

TEST(ConnectionOpening, LongNamesAreBoundedByBytes) {
  // 45-byte names (a 32-character symbol @depth@100ms): 4096 / 46 -> 89 fit.
  const std::vector<std::string> names = names_of(1024, 45);
  const std::size_t count = url_stream_count(names);
  std::size_t bytes = count - 1;
  for (std::size_t i = 0; i < count; ++i) bytes += names[i].size();
  EXPECT_LE(bytes, UrlBounds::kMaxUrlNameBytes);
  EXPECT_GT(bytes + 1 + names[count].size(), UrlBounds::kMaxUrlNameBytes);
  EXPECT_EQ(count, 89u);
  // One name longer than the bound is still named: a connection opens with something.
  EXPECT_EQ(url_stream_count(names_of(3, 5000)), 1u);
}

TEST(ConnectionOpening, RequestCountAndPacingAllowance) {
  EXPECT_EQ(request_count(924, 200), 5u);
  EXPECT_EQ(request_count(0, 200), 0u);
  EXPECT_EQ(pacing_allowance(0, 5), milliseconds(0));
  // Spot (5/s, budget 4, 250 ms apart): 5 requests leave over 4 intervals, plus 2 pong slots.
  EXPECT_EQ(pacing_allowance(5, 5), milliseconds(1500));
  // Futures (10/s, budget 8, 125 ms apart): 1 request, 1 pong slot.
  EXPECT_EQ(pacing_allowance(1, 10), milliseconds(125));
  // More messages never take less.
  for (std::size_t n = 1; n < 40; ++n)
    EXPECT_LT(pacing_allowance(n, 5), pacing_allowance(n + 1, 5));
}

// 1,024 spot streams on one connection.
struct SpotFixture {
  SpotFixture() {
    rules = binance_rules();
    planner = std::make_unique<ConnectionPlanner>(rules);
    planner->add(market_keys(Market::spot, 0, 1024, false));
    follow = std::make_unique<SubscriptionFollow>(*planner, rules);
    const PlannedConnection& connection = planner->connections().front();
    id = connection.id;
    rest.assign(connection.streams.begin() + UrlBounds::kMaxUrlStreams, connection.streams.end());
  }
  std::shared_ptr<const venues::VenueRules> rules;
  std::unique_ptr<ConnectionPlanner> planner;
  std::unique_ptr<SubscriptionFollow> follow;
  std::uint32_t id = 0;        // the connection's
  std::vector<StreamId> rest;  // the streams beyond the URL
};

TEST(ConnectionOpening, TheRestIsSubscribedInPacedBatchesOnThatSocket) {
  SpotFixture f;
  ASSERT_EQ(f.planner->connections().size(), 1u);
  ASSERT_EQ(f.rest.size(), 924u);
  EXPECT_EQ(f.follow->open_streams(f.id, 7, f.rest), 5u);
  std::vector<StreamId> sent;
  std::vector<TimePoint> times;
  for (TimePoint now = kStart; now < kStart + seconds(5); now += milliseconds(10)) {
    for (const StreamRequest& request : f.follow->due(now)) {
      EXPECT_EQ(request.conn_id, 7u);
      EXPECT_EQ(request.method, venues::StreamMethod::subscribe);
      EXPECT_LE(request.streams.size(), StreamRequestBuilder::kDefaultMaxStreamsPerRequest);
      sent.insert(sent.end(), request.streams.begin(), request.streams.end());
      times.push_back(now);
    }
  }
  EXPECT_EQ(sent, f.rest);
  ASSERT_EQ(times.size(), 5u);
  for (std::size_t i = 1; i < times.size(); ++i)
    EXPECT_GE(times[i] - times[i - 1], milliseconds(250));
  // The last left within the allowance a join deadline adds.
  EXPECT_LE(times.back() - times.front(), pacing_allowance(5, 5));
  EXPECT_EQ(f.follow->opening_pending(f.id, 7), 5u);  // sent, awaiting their answers
}

TEST(ConnectionOpening, ASuccessorsSubscribesLeaveDuringTheRolloverTheFollowsWait) {
  SpotFixture f;
  f.follow->hold(f.id);  // a rollover is under way: the follow's live requests wait
  // A request of the follow, queued before the successor opened.
  ASSERT_EQ(f.follow->apply({}, market_keys(Market::spot, 1023, 1, false)).requests_queued, 1u);
  f.follow->open_streams(f.id, 9, {f.rest.front()});
  const std::vector<StreamRequest> first = f.follow->due(kStart);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first.front().conn_id, 9u);
  EXPECT_TRUE(f.follow->due(kStart + seconds(10)).empty());
  EXPECT_EQ(f.follow->on_answer(f.id, first.front().id, true).match, AnswerMatch::accepted);
  EXPECT_EQ(f.follow->opening_pending(f.id, 9), 0u);
  f.follow->release(f.id);  // the takeover: the follow's UNSUBSCRIBE goes now
  const std::vector<StreamRequest> after = f.follow->due(kStart + seconds(10));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.front().conn_id, 0u);
  EXPECT_EQ(after.front().method, venues::StreamMethod::unsubscribe);
}

TEST(ConnectionOpening, ASocketsRequestsGoWithItAndTheOthersStay) {
  SpotFixture f;
  f.follow->open_streams(f.id, 3, f.rest);  // the old socket's (already open)
  const std::vector<StreamRequest> old_first = f.follow->due(kStart);
  ASSERT_EQ(old_first.size(), 1u);
  f.follow->open_streams(f.id, 4, f.rest);  // a successor's
  f.follow->on_socket_closed(f.id, 4);      // given up
  EXPECT_EQ(f.follow->opening_pending(f.id, 4), 0u);
  EXPECT_EQ(f.follow->opening_pending(f.id, 3), 5u);
  // An answer of the closed socket's is unknown; the old one's still matches.
  EXPECT_EQ(f.follow->on_answer(f.id, old_first.front().id, true).match, AnswerMatch::accepted);
  f.follow->on_connection_reset(f.id);  // the connection itself closed: everything goes
  EXPECT_EQ(f.follow->opening_pending(f.id, 3), 0u);
  EXPECT_EQ(f.follow->queued(), 0u);
}

}  // namespace
}  // namespace depthrec::plan
