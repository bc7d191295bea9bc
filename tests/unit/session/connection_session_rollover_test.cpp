// ConnectionSession's rollover without a network (issue 12, item 3): the old connection is
// retired only when every feed has joined the successor (or fell back alone), a feed that cannot
// join falls back alone, and a book not synced joins on its stream's newest event without making
// the others wait for its snapshot.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connection_session_fixture.hpp"

namespace depthrec::session {
namespace {

using connection_fixture::ConnectionSessionTest;
using connection_fixture::kUrl;

TEST_F(ConnectionSessionTest, RolloverOfThreeFeedsWaitsForTheSlowestBeforeRetiring) {
  add_feeds({"BTCUSDT", "ETHUSDT", "SOLUSDT"});
  connection(0).on_open(1, now_);
  for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) sync_through(s, 1, 10);
  connection(0).on_successor_open(2, 1, now_);
  // BTC catches up on the successor (its event 10 is the book's last), ETH joins in step.
  send(0, 2, event("BTCUSDT", 10));
  EXPECT_EQ(feed("BTCUSDT").active_conn(), 2u);
  send(0, 2, event("BTCUSDT", 11));
  send(0, 2, event("ETHUSDT", 11));  // pu = 110 == last u: joins
  EXPECT_EQ(feed("ETHUSDT").active_conn(), 2u);
  EXPECT_TRUE(retired_.empty()) << "SOL has not joined: the old connection still carries it";
  EXPECT_TRUE(connection(0).rollover_pending());
  EXPECT_EQ(of_type("connect").size(), 1u);
  send(0, 1, event("SOLUSDT", 11));  // SOL goes on on the old connection meanwhile
  send(0, 2, event("SOLUSDT", 10));  // overlap
  send(0, 2, event("SOLUSDT", 11));  // the book's last: SOL caught up
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1}) << "retired once, when the last joined";
  EXPECT_EQ(connection(0).active_conn(), 2u);
  const auto connects = of_type("connect");
  ASSERT_EQ(connects.size(), 2u) << "one connect record for the successor, not one per stream";
  EXPECT_EQ(connects[1]->conn_id, 2u);
  EXPECT_EQ(connects[1]->doc["rollover_from"].GetUint64(), 1u);
  EXPECT_EQ(connects[1]->doc["overlap_events"].GetUint64(), 3u);  // BTC 1, SOL 2
  connection(0).on_close(1, "rolled_over", 1000, now_);
  EXPECT_EQ(of_type("disconnect").size(), 1u);
  EXPECT_TRUE(of_type("gap").empty()) << "no stream broke";
  for (const char* s : {"BTCUSDT", "ETHUSDT", "SOLUSDT"}) {
    send(0, 2, event(s, 12));
    EXPECT_EQ(feed(s).sync().last_final_id(), 130u) << s;
    EXPECT_EQ(counters(s).rollovers, 1u) << s;
    EXPECT_EQ(counters(s).breaks, 0u) << s;
  }
  EXPECT_EQ(connection(0).counters().rollovers, 1u);
}

// Following exchangeInfo: a stream unsubscribed during a rollover is taken off the connection;
// the rollover then waits only for the streams still carried, and the removed stream's frames are
// no longer delivered (counted as an unknown stream) and its stopped feed records nothing more.
TEST_F(ConnectionSessionTest, ARemovedFeedIsNoLongerRoutedAndARolloverDoesNotWaitForIt) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  sync_through("ETHUSDT", 1, 10);
  connection(0).on_successor_open(2, 1, now_);
  send(0, 2, event("BTCUSDT", 10));  // BTC joins; ETH has not
  EXPECT_TRUE(retired_.empty());
  feed("ETHUSDT").stop("delisted");
  EXPECT_TRUE(connection(0).remove_feed(feed("ETHUSDT"), now_));
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1}) << "the one stream left has joined";
  EXPECT_EQ(connection(0).feed_count(), 1u);
  EXPECT_FALSE(connection(0).remove_feed(feed("ETHUSDT"), now_)) << "not carried any more";
  const std::size_t records_before = written_.size();
  EXPECT_EQ(send(0, 2, event("ETHUSDT", 11)), RouteResult::unknown_stream);
  EXPECT_EQ(written_.size(), records_before);
  EXPECT_TRUE(feed("ETHUSDT").stopped());
  // The stream left goes on on the successor.
  EXPECT_EQ(send(0, 2, event("BTCUSDT", 11)), RouteResult::depth);
  EXPECT_EQ(counters("ETHUSDT").breaks, 0u);
}

// Following exchangeInfo: a stream listed while the connection's successor is connecting (its URL
// is the one of before) is not carried by it. The rollover does not wait for it: the others join
// and the old connection is retired at once (not at the join deadline); the new stream moves to
// the successor, where its SUBSCRIBE then goes, and syncs there like any listing.
TEST_F(ConnectionSessionTest,
       AFeedAddedWhileTheSuccessorConnectsDoesNotHoldTheRolloverAndSyncsOnIt) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  sync_through("ETHUSDT", 1, 10);
  // SOLUSDT listed while the successor connects: not in its URL.
  add_feeds({"SOLUSDT"}, 0, 20'000, false);
  feed("SOLUSDT").on_connected(1, kUrl, now_);

  connection(0).on_successor_open(2, 1, now_);
  send(0, 2, event("BTCUSDT", 10));
  send(0, 2, event("ETHUSDT", 10));
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1})
      << "the streams of the successor's URL joined: retired without waiting for SOLUSDT";
  EXPECT_FALSE(connection(0).rollover_pending());
  EXPECT_EQ(connection(0).active_conn(), 2u);
  EXPECT_EQ(feed("SOLUSDT").active_conn(), 2u) << "moved to the successor";
  EXPECT_EQ(connection(0).counters().stream_fallbacks, 1u);
  // Its SUBSCRIBE goes on the successor now: its events arrive there and its book syncs.
  sync_through("SOLUSDT", 2, 10);
  EXPECT_TRUE(feed("SOLUSDT").sync().book_valid());
  EXPECT_EQ(feed("SOLUSDT").sync().last_final_id(), 110u);
  for (const char* s : {"BTCUSDT", "ETHUSDT"}) EXPECT_EQ(counters(s).breaks, 0u) << s;
}

TEST_F(ConnectionSessionTest, AFeedThatNeverJoinsFallsBackAloneAtTheJoinDeadline) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  sync_through("ETHUSDT", 1, 10);
  const int eth_snapshots = feeds_["ETHUSDT"]->snapshot_requests;
  connection(0).on_successor_open(2, 1, now_);
  ASSERT_EQ(scheduled_.size(), 1u) << "the join deadline";
  send(0, 2, event("BTCUSDT", 11));  // BTC joins; ETH stays quiet on the successor
  EXPECT_TRUE(retired_.empty());
  send(0, 1, event("ETHUSDT", 11));  // ETH still follows the old connection
  scheduled_.front()();
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_FALSE(connection(0).rollover_pending());
  EXPECT_TRUE(abandoned_.empty()) << "BTC joined: the successor is kept";
  // ETH alone breaks (gap reason reconnect) and resyncs on the successor; BTC keeps its book.
  const auto gaps = of_type("gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0]->symbol, "ETHUSDT");
  EXPECT_STREQ(gaps[0]->doc["reason"].GetString(), "reconnect");
  EXPECT_EQ(gaps[0]->conn_id, 1u);
  EXPECT_EQ(feed("ETHUSDT").active_conn(), 2u);
  EXPECT_FALSE(feed("ETHUSDT").sync().book_valid());
  EXPECT_TRUE(feed("BTCUSDT").sync().book_valid());
  send(0, 2, event("ETHUSDT", 13));
  EXPECT_GT(feeds_["ETHUSDT"]->snapshot_requests, eth_snapshots);
  EXPECT_EQ(counters("ETHUSDT").rollover_fallbacks, 1u);
  EXPECT_EQ(counters("BTCUSDT").rollover_fallbacks, 0u);
  EXPECT_EQ(connection(0).counters().stream_fallbacks, 1u);
  send(0, 1, event("ETHUSDT", 12));  // late on the retired connection: ignored
  EXPECT_FALSE(feed("ETHUSDT").sync().book_valid());
}

TEST_F(ConnectionSessionTest, AFeedOverItsHeldBoundFallsBackAloneWhileTheOthersJoin) {
  start_rollover_of_two_synced_feeds();
  for (std::uint64_t n = 20; n < 23; ++n) send(0, 2, event("ETHUSDT", n));  // never joins
  EXPECT_FALSE(feed("ETHUSDT").rollover_pending()) << "held bound reached";
  EXPECT_TRUE(abandoned_.empty()) << "BTC may still join";
  EXPECT_TRUE(retired_.empty());
  send(0, 2, event("BTCUSDT", 11));
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_EQ(of_type("gap", "ETHUSDT").size(), 1u);
  EXPECT_TRUE(of_type("gap", "BTCUSDT").empty());
}

TEST_F(ConnectionSessionTest, WhenNoFeedJoinsTheSuccessorIsAbandonedAsWithOneFeed) {
  start_rollover_of_two_synced_feeds();
  for (std::uint64_t n = 20; n < 23; ++n) send(0, 2, event("ETHUSDT", n));
  EXPECT_TRUE(abandoned_.empty());
  for (std::uint64_t n = 20; n < 23; ++n) send(0, 2, event("BTCUSDT", n));
  EXPECT_EQ(abandoned_, std::vector<std::uint64_t>{2});
  EXPECT_TRUE(retired_.empty());
  // The deadline after the fact changes nothing.
  ASSERT_EQ(scheduled_.size(), 1u);
  scheduled_.front()();
  EXPECT_TRUE(retired_.empty());
}

// A book waiting for its snapshot when the successor opens joins on its stream's newest event: the
// old connection is retired as soon as every stream met the successor, not at the join deadline,
// and the book's one snapshot request syncs it on the successor's events.
TEST_F(ConnectionSessionTest, ABookAwaitingItsSnapshotJoinsWithoutHoldingTheRolloverBack) {
  add_feeds({"BTCUSDT", "ETHUSDT"});
  connection(0).on_open(1, now_);
  sync_through("BTCUSDT", 1, 10);
  send(0, 1, event("ETHUSDT", 3));  // ETH buffers, its snapshot is asked for and not answered
  ASSERT_EQ(feeds_["ETHUSDT"]->snapshot_requests, 1);
  connection(0).on_successor_open(2, 1, now_);
  send(0, 2, event("BTCUSDT", 10));  // BTC caught up
  send(0, 1, event("ETHUSDT", 4));
  EXPECT_TRUE(retired_.empty());
  send(0, 2, event("ETHUSDT", 4));  // ETH's newest event: caught up
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1}) << "no wait for ETH's snapshot";
  EXPECT_EQ(feed("ETHUSDT").active_conn(), 2u);
  EXPECT_FALSE(feed("ETHUSDT").sync().book_valid());
  RestAnswer answer;
  answer.status = 200;
  answer.body =
      R"({"lastUpdateId":45,"E":1700000000001,"T":1700000000001,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
  answer.received_ns = now_;
  feed("ETHUSDT").on_snapshot_answer(answer);
  EXPECT_TRUE(feed("ETHUSDT").sync().book_valid());
  send(0, 2, event("ETHUSDT", 5));
  EXPECT_EQ(feed("ETHUSDT").sync().last_final_id(), 60u);
  ASSERT_EQ(scheduled_.size(), 1u) << "the join deadline";
  scheduled_.front()();  // passes after the rollover finished: nothing to do
  EXPECT_EQ(feeds_["ETHUSDT"]->snapshot_requests, 1) << "no second snapshot";
  EXPECT_TRUE(of_type("gap").empty());
  EXPECT_EQ(connection(0).counters().stream_fallbacks, 0u);
  EXPECT_EQ(counters("ETHUSDT").rollovers, 1u);
  EXPECT_EQ(counters("ETHUSDT").rollover_fallbacks, 0u);
  EXPECT_EQ(of_type("depth", "ETHUSDT").size(), 3u);  // events 3, 4 (conn 1) and 5 (conn 2)
}

}  // namespace
}  // namespace depthrec::session
