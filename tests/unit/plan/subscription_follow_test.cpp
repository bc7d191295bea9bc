// The follow of a changing symbol list on a fake clock: a listing becomes a live SUBSCRIBE on a
// connection with room (no new connection), a delisting an UNSUBSCRIBE (or the connection's close
// when it empties), requests leave each connection no faster than its message limit (pongs count),
// new connections no faster than the connection limit, and answers are matched by id.
#include "plan/subscription_follow.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plan_test_support.hpp"

namespace depthrec::plan {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test::binance_rules;
using test::depth100;
using test::market_keys;
using test::numbered_symbol;
using TimePoint = PaceClock::time_point;

const TimePoint kFollowStart = TimePoint{} + seconds(1000);

// A USD-M plan of `symbols` depth streams at `per_connection` streams a connection.
struct FollowFixture {
  explicit FollowFixture(std::size_t per_connection, int symbols) {
    venues::VenueOptions options;
    options.futures_streams_per_connection = per_connection;
    rules = binance_rules(options);
    planner = std::make_unique<ConnectionPlanner>(rules);
    planner->add(market_keys(Market::usdm, 0, symbols, false));
    follow = std::make_unique<SubscriptionFollow>(*planner, rules);
  }
  std::shared_ptr<const venues::VenueRules> rules;
  std::unique_ptr<ConnectionPlanner> planner;
  std::unique_ptr<SubscriptionFollow> follow;
};

TEST(SubscriptionFollow, AListingIsASubscribeOnALiveConnectionWithRoom) {
  FollowFixture f(4, 3);  // one connection, 3 of 4 slots used
  const FollowChange change = f.follow->apply({depth100(Market::usdm, "NEWUSDT")}, {});
  EXPECT_TRUE(change.plan.errors.empty());
  EXPECT_TRUE(change.plan.opened.empty()) << "room on the live connection: no new one";
  ASSERT_EQ(change.added.size(), 1u);
  EXPECT_EQ(change.requests_queued, 1u);
  const std::vector<StreamRequest> sent = f.follow->due(kFollowStart);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].connection, 1u);
  EXPECT_EQ(sent[0].text, R"({"method":"SUBSCRIBE","params":["newusdt@depth@100ms"],"id":1})");
  EXPECT_EQ(f.follow->awaiting(), 1u);
  EXPECT_EQ(f.follow->queued(), 0u);
  EXPECT_TRUE(f.follow->connections_due(kFollowStart).empty());
}

TEST(SubscriptionFollow, ADelistingIsAnUnsubscribeAndItsRoomTakesTheNextListing) {
  FollowFixture f(3, 3);  // one full connection
  const FollowChange change = f.follow->apply({depth100(Market::usdm, "NEWUSDT")},
                                              {depth100(Market::usdm, numbered_symbol(1))});
  EXPECT_TRUE(change.plan.opened.empty()) << "the delisting's room takes the listing";
  ASSERT_EQ(change.removed.size(), 1u);
  ASSERT_EQ(change.added.size(), 1u);
  EXPECT_EQ(change.requests_queued, 2u);
  // One connection: the second request waits for the pacing interval (futures: 10/s, budget 8).
  std::vector<StreamRequest> sent = f.follow->due(kFollowStart);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].text.find("SUBSCRIBE"), std::string::npos);
  EXPECT_TRUE(f.follow->due(kFollowStart + milliseconds(1)).empty());
  const std::optional<TimePoint> next = f.follow->next_due();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next - kFollowStart, std::chrono::nanoseconds(125'000'000));
  sent = f.follow->due(*next);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].text, R"({"method":"UNSUBSCRIBE","params":["s0001usdt@depth@100ms"],"id":2})");
  EXPECT_FALSE(f.follow->next_due());
}

TEST(SubscriptionFollow, AListedPairIsNeverSplitAtAConnectionsLastSlot) {
  FollowFixture f(4, 3);  // one connection, 3 of 4 slots used: room for one stream, not a pair
  const FollowChange change = f.follow->apply(market_keys(Market::usdm, 100, 1, true), {});
  EXPECT_TRUE(change.plan.errors.empty());
  ASSERT_EQ(change.added.size(), 2u);
  // The pair opens a connection that names both streams in its URL: no SUBSCRIBE of one half
  // on connection 1 and of the other elsewhere.
  ASSERT_EQ(change.plan.opened.size(), 1u);
  EXPECT_EQ(change.requests_queued, 0u);
  for (StreamId id : change.added) EXPECT_EQ(f.planner->connection_of(id), change.plan.opened[0]);
  EXPECT_TRUE(f.follow->due(kFollowStart).empty());

  // The next pair fits on the new connection: one SUBSCRIBE carries both its streams.
  const FollowChange next = f.follow->apply(market_keys(Market::usdm, 200, 1, true), {});
  EXPECT_TRUE(next.plan.opened.empty());
  ASSERT_EQ(next.requests_queued, 1u);
  const std::vector<StreamRequest> sent = f.follow->due(kFollowStart);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].connection, change.plan.opened[0]);
  EXPECT_EQ(
      sent[0].text,
      R"({"method":"SUBSCRIBE","params":["s0200usdt@depth@100ms","s0200usdt@bookTicker"],"id":1})");
}

TEST(SubscriptionFollow, AListingDuringARolloverWaitsForItsEndAndGoesOnTheConnectionAfter) {
  FollowFixture f(4, 2);  // connection 1: 2 of 4 slots
  f.follow->hold(1);      // its successor opened with the URL of before
  const FollowChange change = f.follow->apply({depth100(Market::usdm, "NEWUSDT")}, {});
  ASSERT_EQ(change.requests_queued, 1u);
  EXPECT_TRUE(f.follow->due(kFollowStart).empty()) << "not on the connection being retired";
  EXPECT_TRUE(f.follow->due(kFollowStart + seconds(5)).empty());
  EXPECT_FALSE(f.follow->next_due()) << "a held request wakes no pump";
  EXPECT_EQ(f.follow->queued(), 1u);
  f.follow->release(1);  // the rollover ended: the successor is the connection now
  ASSERT_TRUE(f.follow->next_due());
  const std::vector<StreamRequest> sent = f.follow->due(kFollowStart + seconds(6));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].connection, 1u);
  EXPECT_EQ(sent[0].text, R"({"method":"SUBSCRIBE","params":["newusdt@depth@100ms"],"id":1})");
}

TEST(SubscriptionFollow, AFullPlanOpensAConnectionPacedAndNamesItsStreamsInItsUrl) {
  FollowFixture f(2, 2);  // one full connection
  const FollowChange change =
      f.follow->apply({depth100(Market::usdm, "NEWAUSDT"), depth100(Market::usdm, "NEWBUSDT")}, {});
  ASSERT_EQ(change.plan.opened.size(), 1u);
  EXPECT_EQ(change.requests_queued, 0u) << "a new connection carries its streams in its URL";
  EXPECT_TRUE(f.follow->due(kFollowStart).empty());
  EXPECT_EQ(f.follow->connections_due(kFollowStart), change.plan.opened);
  EXPECT_TRUE(f.follow->connections_due(kFollowStart).empty()) << "opened once";
}

TEST(SubscriptionFollow, AConnectionLeftEmptyIsClosedWithoutRequests) {
  FollowFixture f(2, 3);  // connection 1: S0000, S0001; connection 2: S0002
  const FollowChange change = f.follow->apply({}, {depth100(Market::usdm, numbered_symbol(2))});
  ASSERT_EQ(change.plan.emptied, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(change.requests_queued, 0u) << "the connection is closed, not unsubscribed";
  EXPECT_EQ(change.removed.size(), 1u);
}

TEST(SubscriptionFollow, RequestsAreNeverFasterThanTheMessageLimitPongsIncluded) {
  FollowFixture f(200, 1);
  std::vector<SubscriptionKey> listings;
  for (int i = 100; i < 130; ++i) listings.push_back(depth100(Market::usdm, numbered_symbol(i)));
  // One stream per request: 30 requests on one connection.
  SubscriptionFollow follow(*f.planner, f.rules, 1);
  ASSERT_EQ(follow.apply(listings, {}).requests_queued, 30u);
  std::vector<TimePoint> messages;
  TimePoint now = kFollowStart;
  while (follow.queued() > 0) {
    if ((now - kFollowStart) % seconds(1) == std::chrono::nanoseconds(0)) {
      follow.on_control_sent(1, now);  // a pong every second
      messages.push_back(now);
    }
    for (const StreamRequest& request : follow.due(now)) {
      (void)request;
      messages.push_back(now);
    }
    now += milliseconds(5);
  }
  std::size_t most = 0;
  for (std::size_t first = 0; first < messages.size(); ++first) {
    std::size_t in_window = 0;
    for (std::size_t i = first; i < messages.size() && messages[i] - messages[first] < seconds(1);
         ++i)
      ++in_window;
    most = std::max(most, in_window);
  }
  EXPECT_LE(most, 10u) << "futures: 10 incoming messages a second";
  EXPECT_EQ(follow.awaiting(), 30u) << "every request sent";
}

TEST(SubscriptionFollow, AnswersAreMatchedByIdOnTheirConnection) {
  FollowFixture f(10, 1);
  f.follow->apply({depth100(Market::usdm, "AAAUSDT")}, {});
  f.follow->apply({depth100(Market::usdm, "BBBUSDT")}, {});
  std::vector<StreamRequest> sent = f.follow->due(kFollowStart);
  const std::vector<StreamRequest> second = f.follow->due(kFollowStart + seconds(1));
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(f.follow->on_answer(2, sent[0].id, true).match, AnswerMatch::unknown)
      << "another connection's id";
  const AnsweredRequest ok = f.follow->on_answer(1, sent[0].id, true);
  EXPECT_EQ(ok.match, AnswerMatch::accepted);
  ASSERT_TRUE(ok.request);
  EXPECT_EQ(ok.request->streams, sent[0].streams);
  EXPECT_EQ(f.follow->on_answer(1, sent[0].id, true).match, AnswerMatch::unknown) << "repeated";
  const AnsweredRequest refused = f.follow->on_answer(1, second[0].id, false);
  EXPECT_EQ(refused.match, AnswerMatch::refused);
  ASSERT_TRUE(refused.request);
  EXPECT_EQ(f.follow->awaiting(), 0u);
}

TEST(SubscriptionFollow, AResetConnectionDropsItsQueuedAndAwaitedRequests) {
  FollowFixture f(10, 1);
  f.follow->apply({depth100(Market::usdm, "AAAUSDT")}, {});
  f.follow->apply({depth100(Market::usdm, "BBBUSDT")}, {});
  ASSERT_EQ(f.follow->due(kFollowStart).size(), 1u);
  EXPECT_EQ(f.follow->queued(), 1u);
  f.follow->on_connection_reset(1);  // it reconnects with every current stream in its URL
  EXPECT_EQ(f.follow->queued(), 0u);
  EXPECT_EQ(f.follow->awaiting(), 0u);
  EXPECT_FALSE(f.follow->next_due());
}

TEST(SubscriptionFollow, ARefusedKeyIsAnErrorAndTheOthersGoOn) {
  FollowFixture f(10, 1);
  const FollowChange change = f.follow->apply(
      {depth100(Market::usdm, "GOODUSDT"), depth100(Market::usdm, numbered_symbol(0))}, {});
  ASSERT_EQ(change.plan.errors.size(), 1u) << "already subscribed";
  EXPECT_EQ(change.added.size(), 1u);
  EXPECT_EQ(change.requests_queued, 1u);
}

}  // namespace
}  // namespace depthrec::plan
