// The synchroniser's side of the pre-sync bounds (session/presync_budget.hpp): dropping the
// oldest buffered events keeps the rest continuous and usable, never drops the newest, and a
// snapshot the kept events cannot reach is too_old, after which a newer one joins.
#include <gtest/gtest.h>

#include "depthrec/book_sync.hpp"
#include "unit/sync/sync_events.hpp"

namespace depthrec {
namespace {

using test::futures_event;
using test::snapshot;
using test::spot_event;

// Futures events 10 ids apart, one per 100 ms of event time from 1'000'000 ms.
DepthUpdate timed_event(std::uint64_t n) {
  DepthUpdate event = futures_event(n * 10 + 1, n * 10 + 10, n * 10, {{100, 1}});
  event.event_time_ms = 1'000'000 + static_cast<std::int64_t>(n) * 100;
  return event;
}

TEST(BookSyncTrim, DropsEventsOlderThanTheCutoffButNeverTheNewest) {
  BookSynchronizer sync(Market::usdm);
  for (std::uint64_t n = 1; n <= 50; ++n) sync.on_update(timed_event(n));
  ASSERT_EQ(sync.buffered_count(), 50u);
  const std::size_t bytes_before = sync.buffered_bytes();
  // Keep the last second: events 41..50 (event times 1'004'100 .. 1'005'000).
  EXPECT_EQ(sync.drop_oldest_before(1'004'100), 40u);
  EXPECT_EQ(sync.buffered_count(), 10u);
  EXPECT_EQ(sync.counters().trimmed, 40u);
  EXPECT_LT(sync.buffered_bytes(), bytes_before);
  EXPECT_EQ(sync.buffered_bytes(), 10 * BookSynchronizer::buffered_size(timed_event(1)));
  // A cutoff past every event keeps the newest: it carries the continuity.
  EXPECT_EQ(sync.drop_oldest_before(9'999'999), 9u);
  EXPECT_EQ(sync.buffered_count(), 1u);
  EXPECT_TRUE(sync.needs_snapshot());
}

TEST(BookSyncTrim, KeptTailJoinsASnapshotTakenInsideIt) {
  BookSynchronizer sync(Market::usdm);
  for (std::uint64_t n = 1; n <= 30; ++n) {
    sync.on_update(timed_event(n));
    sync.drop_oldest_before(timed_event(n).event_time_ms - 500);  // a 0.5 s tail, as a session
  }
  EXPECT_EQ(sync.buffered_count(), 6u);  // events 25..30
  // lastUpdateId 275 lies in event 27 (U=271 u=280).
  const SnapshotResult result = sync.on_snapshot(snapshot(275, {{99, 1}}, {{101, 1}}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(result.join.first_id, 271u);
  EXPECT_EQ(result.join.dropped_stale, 2u);
  EXPECT_TRUE(sync.book_valid());
  EXPECT_EQ(sync.buffer_capacity_bytes(), 0u);  // the storage goes back after the join
}

TEST(BookSyncTrim, SnapshotOlderThanTheTailIsTooOldThenANewerOneJoins) {
  BookSynchronizer sync(Market::usdm);
  for (std::uint64_t n = 1; n <= 30; ++n) sync.on_update(timed_event(n));
  sync.drop_oldest_before(timed_event(25).event_time_ms);  // keeps 25..30: U=251 first
  const SnapshotResult old = sync.on_snapshot(snapshot(105, {{99, 1}}, {{101, 1}}));
  ASSERT_EQ(old.outcome, SnapshotOutcome::too_old);
  EXPECT_EQ(old.first_usable_id, 251u);
  EXPECT_FALSE(sync.book_valid());
  sync.on_update(timed_event(31));
  const SnapshotResult newer = sync.on_snapshot(snapshot(305, {{99, 1}}, {{101, 1}}));
  ASSERT_EQ(newer.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(newer.join.first_id, 301u);
}

TEST(BookSyncTrim, DropOldestBytesFreesAtLeastWhatIsAsked) {
  BookSynchronizer sync(Market::spot);
  for (std::uint64_t n = 1; n <= 20; ++n) sync.on_update(spot_event(n * 10 + 1, n * 10 + 10));
  const std::size_t each = BookSynchronizer::buffered_size(spot_event(11, 20));
  EXPECT_EQ(sync.drop_oldest_bytes(each * 3 + 1), 4u);
  EXPECT_EQ(sync.buffered_count(), 16u);
  EXPECT_EQ(sync.buffered_bytes(), 16 * each);
  EXPECT_EQ(sync.drop_oldest_bytes(std::size_t{1} << 30), 15u);  // never the newest
  EXPECT_EQ(sync.buffered_count(), 1u);
  // Spot joins on U <= lastUpdateId + 1 <= u: the kept event is 201..210.
  EXPECT_EQ(sync.on_snapshot(snapshot(204, {{1, 1}}, {{2, 1}})).outcome, SnapshotOutcome::joined);
}

TEST(BookSyncTrim, NothingIsTrimmedOnceASnapshotIsHeldOrTheBookIsSynced) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(timed_event(1));
  ASSERT_EQ(sync.on_snapshot(snapshot(15, {{99, 1}}, {{101, 1}})).outcome, SnapshotOutcome::joined);
  for (std::uint64_t n = 2; n <= 5; ++n) sync.on_update(timed_event(n));
  EXPECT_EQ(sync.drop_oldest_before(9'999'999), 0u);
  EXPECT_EQ(sync.drop_oldest_bytes(1 << 20), 0u);
  EXPECT_EQ(sync.counters().trimmed, 0u);
  EXPECT_EQ(sync.counters().applied, 5u);
}

// A tail drops one event per event: the slots stay put (begin moves) and the live ones move back
// once, so the storage stays about twice the tail however long the wait.
TEST(BookSyncTrim, ALongWaitWithATailKeepsItsStorageBounded) {
  BookSynchronizer sync(Market::usdm);
  for (std::uint64_t n = 1; n <= 10'000; ++n) {
    sync.on_update(timed_event(n));
    sync.drop_oldest_before(timed_event(n).event_time_ms - 1'000);
  }
  EXPECT_EQ(sync.buffered_count(), 11u);
  EXPECT_LE(sync.buffer_capacity_bytes(), 64 * BookSynchronizer::buffered_size(timed_event(1)));
  EXPECT_EQ(sync.counters().trimmed, 10'000u - 11u);
  // The kept events are the newest, in order: a snapshot inside the last one joins it.
  const SnapshotResult result = sync.on_snapshot(snapshot(99'995, {{99, 1}}, {{101, 1}}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(result.join.first_id, 99'991u);
}

// A stale run restarts the buffer from its last event: its bytes must restart too (they kept the
// discarded events' bytes, and a later buffer overflowed early by bytes).
TEST(BookSyncTrim, StaleRunRestartCountsOnlyTheNewBuffersBytes) {
  SyncLimits limits;
  limits.max_stale_run = 3;
  BookSynchronizer sync(Market::usdm, limits);
  for (std::uint64_t n = 10; n <= 20; ++n) sync.on_update(timed_event(n));
  for (int i = 0; i < 3; ++i) sync.on_update(timed_event(5));  // ids went backwards for good
  ASSERT_EQ(sync.buffered_count(), 1u);
  EXPECT_EQ(sync.buffered_bytes(), BookSynchronizer::buffered_size(timed_event(5)));
}

// Dropped events give their levels' memory back at once: dead slots that kept it held 2.6 times
// what the pre-sync bound counted (depthrec-stream-memory --wait-frames, 1,500 books).
TEST(BookSyncTrim, DroppedEventsGiveTheirLevelsMemoryBack) {
  BookSynchronizer sync(Market::usdm);
  DepthUpdate big = timed_event(1);
  for (std::int64_t price = 1; price <= 1'000; ++price)
    big.bids.push_back(PriceLevel{test::whole(price), test::whole(1)});
  for (std::uint64_t n = 1; n <= 10; ++n) {
    DepthUpdate event = timed_event(n);
    event.bids = big.bids;
    sync.on_update(event);
  }
  ASSERT_EQ(sync.drop_oldest_before(timed_event(10).event_time_ms), 9u);
  const std::size_t one = BookSynchronizer::buffered_size(big);
  EXPECT_EQ(sync.buffered_bytes(), one);
  EXPECT_LT(sync.buffer_capacity_bytes(), 2 * one) << "9 dead slots keep no levels";
}

}  // namespace
}  // namespace depthrec
