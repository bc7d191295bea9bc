// FeedSession's make-before-break rollover without a network: two connections' frames in,
// records, retire/abandon requests and metrics out. The feed rides a ConnectionSession of one
// stream, as in the recorder (it writes the connect/disconnect records and retires).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rollover_fixture.hpp"

namespace depthrec::session {
namespace {

using rollover_fixture::RolloverTest;

TEST_F(RolloverTest, UsdmSuccessorBehindCatchesUpOnTheBooksLastEventAndDropsTheOverlap) {
  make_session(Market::usdm);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  EXPECT_TRUE(session_->rollover_pending());
  feed(2, 8);  // the book has these
  feed(2, 9);
  EXPECT_TRUE(session_->rollover_pending());
  EXPECT_TRUE(retired_.empty());
  feed(2, 10);  // u = 110 == last u: caught up, its next event continues the book
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_EQ(session_->active_conn(), 2u);
  feed(2, 11);
  feed(1, 11);  // late on the old connection: ignored
  feed(1, 12);
  feed(2, 12);
  connection_->on_close(1, "rolled_over", std::nullopt, now_);
  feed(2, 13);

  expect_each_event_once(13);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[7], (std::pair<std::uint64_t, std::uint64_t>{1, 110}));  // event 10 from conn 1
  EXPECT_EQ(ids[8], (std::pair<std::uint64_t, std::uint64_t>{2, 120}));  // event 11 from conn 2
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["conn_id"].GetUint64(), 2u);
  EXPECT_EQ(connects[1]["rollover_from"].GetUint64(), 1u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 3u);
  EXPECT_GE(connects[1]["rollover_wait_ms"].GetDouble(), 0.0);
  const auto disconnects = records("disconnect");
  ASSERT_EQ(disconnects.size(), 1u);
  EXPECT_EQ(disconnects[0]["conn_id"].GetUint64(), 1u);
  EXPECT_STREQ(disconnects[0]["reason"].GetString(), "rolled_over");
  EXPECT_TRUE(records("gap").empty());
  EXPECT_EQ(records("resync").size(), 1u);  // the initial sync only
  EXPECT_EQ(snapshot_requests_, 1);
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollovers, 1u);
  EXPECT_EQ(c.rollover_overlap_events, 3u);
  EXPECT_EQ(c.rollover_fallbacks, 0u);
  EXPECT_EQ(c.breaks, 0u);
  EXPECT_EQ(c.gaps, 0u);
  EXPECT_EQ(c.messages, 11u);
  EXPECT_TRUE(session_->sync().book_valid());
  EXPECT_EQ(session_->sync().last_final_id(), 140u);
}

TEST_F(RolloverTest, UsdmSuccessorAheadIsHeldUntilTheOldConnectionCatchesUp) {
  make_session(Market::usdm);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 12);  // pu = 120: the book is at 110
  feed(2, 13);
  EXPECT_TRUE(session_->rollover_pending());
  EXPECT_TRUE(retired_.empty());
  feed(1, 11);  // book at 120: the held event 12 joins, 13 follows it
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  feed(1, 12);  // late on the old connection: the successor delivered it
  feed(2, 14);
  expect_each_event_once(14);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[8], (std::pair<std::uint64_t, std::uint64_t>{1, 120}));  // event 11 from conn 1
  EXPECT_EQ(ids[9], (std::pair<std::uint64_t, std::uint64_t>{2, 130}));  // event 12 from conn 2
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 0u);
  EXPECT_EQ(counters().breaks, 0u);
}

// What a server sending each event to both connections in turn produces: the successor is always
// one event behind the old connection, never ahead.
TEST_F(RolloverTest, UsdmSuccessorInStepJoinsOnTheFirstEventItShares) {
  make_session(Market::usdm);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  feed(1, 11);
  EXPECT_TRUE(session_->rollover_pending());
  feed(2, 11);  // the first event it delivers is the book's last: switch
  EXPECT_FALSE(session_->rollover_pending());
  for (std::uint64_t n = 12; n <= 15; ++n) {
    feed(1, n);
    feed(2, n);
  }
  expect_each_event_once(15);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[8], (std::pair<std::uint64_t, std::uint64_t>{1, 120}));  // event 11 from conn 1
  EXPECT_EQ(ids[9], (std::pair<std::uint64_t, std::uint64_t>{2, 130}));  // event 12 from conn 2
  EXPECT_EQ(records("connect")[1]["overlap_events"].GetUint64(), 1u);
  EXPECT_EQ(counters().breaks, 0u);
}

TEST_F(RolloverTest, SpotSuccessorAheadJoinsOnFirstIdRange) {
  make_session(Market::spot);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 12);  // U = 121: the book is at 110, so U > last u + 1: held
  EXPECT_TRUE(session_->rollover_pending());
  feed(1, 11);  // book at 120: U = 121 = last u + 1 joins
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  feed(1, 12);  // late on the old connection
  feed(2, 13);
  connection_->on_close(1, "rolled_over", std::nullopt, now_);
  expect_each_event_once(13);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[9], (std::pair<std::uint64_t, std::uint64_t>{2, 130}));  // event 12 from conn 2
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 0u);
  EXPECT_TRUE(records("gap").empty());
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollovers, 1u);
  EXPECT_EQ(c.breaks, 0u);
  EXPECT_EQ(c.resyncs, 0u);
}

TEST_F(RolloverTest, SuccessorBufferOverflowFallsBackToReconnectAndResync) {
  make_session(Market::usdm, 4);
  sync_through(10);
  connection_->on_successor_open(2, 1, now_);
  // A successor far ahead (a stream the old connection never catches up with here).
  for (std::uint64_t n = 20; n <= 23; ++n) feed(2, n);
  EXPECT_TRUE(abandoned_.empty());
  feed(2, 24);  // a fifth held event: over the bound of 4
  EXPECT_EQ(abandoned_, std::vector<std::uint64_t>{2});
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_TRUE(retired_.empty());
  EXPECT_EQ(counters().rollover_fallbacks, 1u);
  EXPECT_EQ(session_->active_conn(), 1u);
  feed(2, 25);  // dropped: no longer a successor
  // The transport then cuts the old connection (max_age) and reconnects: the usual path.
  connection_->on_close(1, "max_age: rollover failed", std::nullopt, now_);
  connection_->on_open(3, now_);
  const auto gaps = records("gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_STREQ(gaps[0]["reason"].GetString(), "reconnect");
  feed(3, 30);
  EXPECT_EQ(snapshot_requests_, 2) << "the book resyncs from a new snapshot";
  EXPECT_EQ(depth_ids().size(), 9u);  // events 3..10 and 30: nothing of conn 2 recorded
  EXPECT_EQ(counters().rollovers, 0u);
}

TEST_F(RolloverTest, SuccessorThatFailsToConnectFallsBack) {
  make_session(Market::usdm);
  sync_through(6);
  // The transport could not open a successor: it reports it (id 0) and cuts the old connection.
  connection_->on_rollover_failed(0, "successor failed to connect: refused", now_);
  EXPECT_EQ(counters().rollover_fallbacks, 1u);
  connection_->on_close(1, "max_age: connection reached its maximum age", std::nullopt, now_);
  connection_->on_open(2, now_);
  EXPECT_EQ(records("gap").size(), 1u);
  EXPECT_EQ(records("connect").size(), 2u);
  EXPECT_FALSE(records("connect")[1].HasMember("rollover_from"));
  feed(2, 20);
  EXPECT_EQ(snapshot_requests_, 2);
  EXPECT_EQ(counters().rollovers, 0u);
}

TEST_F(RolloverTest, TakeoverTimeoutDropsTheHeldEventsAndFallsBack) {
  make_session(Market::usdm);
  sync_through(6);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 20);  // never joined: the old connection stops short of it
  feed(2, 21);
  // The transport's rollover_timeout fired: the successor is dropped, the old one cut.
  connection_->on_rollover_failed(2, "successor did not take over within 30000 ms", now_);
  EXPECT_FALSE(session_->rollover_pending());
  feed(2, 22);  // a late frame of the dropped successor: ignored
  connection_->on_close(1, "max_age", std::nullopt, now_);
  connection_->on_open(3, now_);
  EXPECT_EQ(depth_ids().size(), 4u);  // events 3..6 of conn 1 only
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollover_fallbacks, 1u);
  EXPECT_EQ(c.rollovers, 0u);
  EXPECT_EQ(records("gap").size(), 1u);
  EXPECT_TRUE(retired_.empty());
}

TEST_F(RolloverTest, SuccessorClosedBeforeTakeoverLeavesTheOldConnectionActive) {
  make_session(Market::usdm);
  sync_through(6);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 20);
  connection_->on_close(2, "network_error", std::nullopt, now_);
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(session_->active_conn(), 1u);
  feed(1, 7);
  EXPECT_TRUE(records("disconnect").empty()) << "the successor never started recording";
  EXPECT_TRUE(records("gap").empty());
  expect_each_event_once(7);
}

}  // namespace
}  // namespace depthrec::session
