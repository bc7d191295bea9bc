// A rollover while the book is not synced (issue 12, part 3): waiting for its snapshot, or
// resyncing after a gap, the book has no book continuity to join, but its stream has: the
// successor's events join the newest event the old connection delivered, the buffered events
// and the snapshot request in flight carry over, and the sync continues on the successor's
// events. The rollover does not wait for the snapshot, and the book fetches no second one.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rollover_fixture.hpp"

namespace depthrec::session {
namespace {

using rollover_fixture::RolloverTest;

// lastUpdateId `id` for the fixture's events (event n: U = 10n+1, u = 10n+10).
RestAnswer unsynced_rollover_snapshot(std::uint64_t id, std::int64_t now_ns) {
  RestAnswer answer;
  answer.status = 200;
  answer.body =
      R"({"lastUpdateId":)" + std::to_string(id) +
      R"(,"E":1700000000001,"T":1700000000001,"bids":[["99.0","3.0"]],"asks":[["102.0","4.0"]]})";
  answer.sent_ns = now_ns;
  answer.received_ns = now_ns;
  return answer;
}

using ConnAndU = std::pair<std::uint64_t, std::uint64_t>;

TEST_F(RolloverTest, BookAwaitingItsSnapshotMovesToTheSuccessorWithItsBufferAndRequest) {
  make_session(Market::usdm);
  feed(1, 3);
  feed(1, 4);
  ASSERT_FALSE(session_->sync().book_valid());
  ASSERT_EQ(snapshot_requests_, 1);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 4);  // the stream's newest event again: the successor has caught up
  EXPECT_FALSE(session_->rollover_pending()) << "the rollover does not wait for the snapshot";
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_EQ(session_->active_conn(), 2u);
  feed(1, 5);  // late on the old connection: ignored
  feed(2, 5);
  feed(2, 6);
  EXPECT_FALSE(session_->sync().book_valid());
  // The snapshot asked for on connection 1 joins the successor's events.
  session_->on_snapshot_answer(unsynced_rollover_snapshot(55, now_));
  EXPECT_TRUE(session_->sync().book_valid());
  feed(2, 7);

  expect_each_event_once(7);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[1], (ConnAndU{1, 50}));  // event 4 from conn 1
  EXPECT_EQ(ids[2], (ConnAndU{2, 60}));  // event 5 from conn 2
  EXPECT_EQ(snapshot_requests_, 1) << "no second snapshot";
  EXPECT_EQ(snapshot_cancels_, 0);
  EXPECT_TRUE(records("gap").empty());
  const auto resyncs = records("resync");
  ASSERT_EQ(resyncs.size(), 1u);
  EXPECT_EQ(resyncs[0]["lastUpdateId"].GetUint64(), 55u);
  const auto connects = records("connect");
  ASSERT_EQ(connects.size(), 2u);
  EXPECT_EQ(connects[1]["rollover_from"].GetUint64(), 1u);
  EXPECT_EQ(connects[1]["overlap_events"].GetUint64(), 1u);
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollovers, 1u);
  EXPECT_EQ(c.rollover_fallbacks, 0u);
  EXPECT_EQ(c.breaks, 0u);
  EXPECT_EQ(session_->sync().last_final_id(), 80u);
}

TEST_F(RolloverTest, BookResyncingAfterAGapMovesToTheSuccessorWithoutASecondResync) {
  make_session(Market::usdm);
  sync_through(6);
  feed(1, 8);  // event 7 is lost: a gap, a resync request
  ASSERT_FALSE(session_->sync().book_valid());
  ASSERT_EQ(snapshot_requests_, 2);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 9);  // pu = 90: continues the stream's event 8
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  feed(1, 9);  // late on the old connection
  session_->on_snapshot_answer(unsynced_rollover_snapshot(95, now_));
  EXPECT_TRUE(session_->sync().book_valid());
  feed(2, 10);

  const auto ids = depth_ids();
  ASSERT_EQ(ids.size(), 7u);  // events 3..6, 8 from conn 1; 9, 10 from conn 2
  EXPECT_EQ(ids[4], (ConnAndU{1, 90}));
  EXPECT_EQ(ids[5], (ConnAndU{2, 100}));
  EXPECT_EQ(snapshot_requests_, 2) << "the resync's request serves the successor";
  EXPECT_EQ(snapshot_resyncs_, (std::vector<bool>{false, true}));
  const auto gaps = records("gap");
  ASSERT_EQ(gaps.size(), 1u) << "the lost event 7 only, no reconnect gap";
  EXPECT_STREQ(gaps[0]["reason"].GetString(), "pu_mismatch");
  EXPECT_EQ(records("resync").size(), 2u);
  const FeedCounters c = counters();
  EXPECT_EQ(c.rollovers, 1u);
  EXPECT_EQ(c.rollover_fallbacks, 0u);
  EXPECT_EQ(c.breaks, 1u);
  EXPECT_EQ(session_->sync().last_final_id(), 110u);
}

TEST_F(RolloverTest, SnapshotArrivingDuringTheRolloverSyncsTheBookWhichThenJoins) {
  make_session(Market::spot);
  feed(1, 3);
  connection_->on_successor_open(2, 1, now_);
  feed(2, 5);  // U = 51: the stream is at u = 40, event 4 is still on its way on conn 1
  EXPECT_TRUE(session_->rollover_pending());
  session_->on_snapshot_answer(unsynced_rollover_snapshot(35, now_));  // joins event 3
  EXPECT_TRUE(session_->sync().book_valid());
  EXPECT_TRUE(session_->rollover_pending()) << "event 5 does not continue u = 40";
  feed(1, 4);  // the book at 50: the held event 5 joins
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  feed(1, 5);  // late
  feed(2, 6);

  expect_each_event_once(6);
  const auto ids = depth_ids();
  EXPECT_EQ(ids[1], (ConnAndU{1, 50}));
  EXPECT_EQ(ids[2], (ConnAndU{2, 60}));
  EXPECT_EQ(snapshot_requests_, 1);
  EXPECT_TRUE(records("gap").empty());
  EXPECT_EQ(records("resync").size(), 1u);
  EXPECT_EQ(counters().rollovers, 1u);
  EXPECT_EQ(counters().breaks, 0u);
  EXPECT_EQ(session_->sync().last_final_id(), 70u);
}

// A book that had no event yet when the successor opened has nothing to continue: it moves at
// once, and the rollover retires the old connection without waiting for it.
TEST_F(RolloverTest, BookWithoutAnyEventMovesAtOnce) {
  make_session(Market::usdm);
  connection_->on_successor_open(2, 1, now_);
  EXPECT_FALSE(session_->rollover_pending());
  EXPECT_EQ(retired_, std::vector<std::uint64_t>{1});
  EXPECT_EQ(session_->active_conn(), 2u);
  feed(1, 3);  // late on the old connection
  feed(2, 3);
  EXPECT_EQ(snapshot_requests_, 1);
  session_->on_snapshot_answer(unsynced_rollover_snapshot(35, now_));
  EXPECT_TRUE(session_->sync().book_valid());
  EXPECT_EQ(depth_ids(), (std::vector<ConnAndU>{{2, 40}}));
  EXPECT_TRUE(records("gap").empty());
  EXPECT_EQ(counters().rollovers, 1u);
}

}  // namespace
}  // namespace depthrec::session
