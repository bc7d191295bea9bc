// Issue 18, item 4: a bogus update id must not freeze the sync. An event with u far ahead (10^18,
// 2^64-1) and a valid pu is applied, and every later event is then stale: after
// SyncLimits::max_stale_run stale events in a row the stream is treated as a break (a gap with
// stale_run, the book invalid, a snapshot wanted). A snapshot whose lastUpdateId no event reaches
// is given up after max_unjoined_events (snapshot_unjoined) instead of waited on forever.
#include <gtest/gtest.h>

#include <limits>

#include "depthrec/book_sync.hpp"
#include "unit/sync/sync_events.hpp"

namespace depthrec {
namespace {

using test::futures_event;
using test::snapshot;
using test::spot_event;

constexpr std::uint64_t kHuge = 1'000'000'000'000'000'000ULL;

SyncLimits limits(std::uint64_t stale_run, std::uint64_t unjoined) {
  SyncLimits out;
  out.max_stale_run = stale_run;
  out.max_unjoined_events = unjoined;
  return out;
}

// Feeds `count` futures events continuing from `u` (advanced), each expected dropped as stale.
void expect_stale(BookSynchronizer& sync, std::uint64_t& u, int count) {
  for (int i = 0; i < count; ++i, u += 10) {
    EXPECT_EQ(sync.on_update(futures_event(u + 1, u + 10, u)).outcome,
              UpdateOutcome::dropped_stale);
  }
}

// Synced futures book at u=110.
BookSynchronizer synced_futures(SyncLimits sync_limits) {
  BookSynchronizer sync(Market::usdm, sync_limits);
  sync.on_update(futures_event(100, 110, 99, {{100, 1}}));
  EXPECT_EQ(sync.on_snapshot(snapshot(105, {{100, 1}}, {})).outcome, SnapshotOutcome::joined);
  return sync;
}

TEST(BookSyncHostileIds, ABogusFinalIdFarAheadBreaksAfterTheStaleRunAndResyncs) {
  for (const std::uint64_t bogus : {kHuge, std::numeric_limits<std::uint64_t>::max()}) {
    SCOPED_TRACE(bogus);
    BookSynchronizer sync = synced_futures(limits(5, 1000));
    // Valid pu: applied (nothing in it says it is bogus yet).
    EXPECT_EQ(sync.on_update(futures_event(111, bogus, 110)).outcome, UpdateOutcome::applied);
    // The real stream goes on: 111..120 -> every event is now "stale".
    std::uint64_t u = 110;
    expect_stale(sync, u, 4);
    EXPECT_TRUE(sync.book_valid()) << "a few stale events are not a break";
    const UpdateResult broke = sync.on_update(futures_event(u + 1, u + 10, u));
    ASSERT_EQ(broke.outcome, UpdateOutcome::gap);
    EXPECT_TRUE(broke.stale_run);
    EXPECT_EQ(broke.continuity.last_final_id, bogus);
    EXPECT_EQ(broke.continuity.got_final_id, u + 10);
    EXPECT_FALSE(sync.book_valid());
    EXPECT_TRUE(sync.needs_snapshot());
    EXPECT_EQ(sync.counters().gaps, 1u);
    EXPECT_EQ(sync.counters().stale_gaps, 1u);
    u += 10;
    // Continuity restarts from the event that broke: the next ones buffer, a snapshot joins.
    EXPECT_EQ(sync.on_update(futures_event(u + 1, u + 10, u)).outcome, UpdateOutcome::buffered);
    const SnapshotResult resynced = sync.on_snapshot(snapshot(u + 5, {{100, 2}}, {}));
    EXPECT_EQ(resynced.outcome, SnapshotOutcome::joined);
    EXPECT_TRUE(sync.book_valid());
    EXPECT_EQ(sync.last_final_id(), u + 10);
  }
}

TEST(BookSyncHostileIds, DuplicatesAndLateEventsBelowTheRunAreNotBreaks) {
  BookSynchronizer sync = synced_futures(limits(3, 1000));
  std::uint64_t u = 110;
  for (int round = 0; round < 10; ++round, u += 10) {
    // Two stale ones (a duplicate and an old one) between good events: the run restarts.
    EXPECT_EQ(sync.on_update(futures_event(u + 1, u + 10, u)).outcome, UpdateOutcome::applied);
    EXPECT_EQ(sync.on_update(futures_event(u + 1, u + 10, u)).outcome,
              UpdateOutcome::dropped_stale);
    EXPECT_EQ(sync.on_update(futures_event(u - 9, u, u - 10)).outcome,
              UpdateOutcome::dropped_stale);
  }
  EXPECT_TRUE(sync.book_valid());
  EXPECT_EQ(sync.counters().gaps, 0u);
}

TEST(BookSyncHostileIds, AStaleRunWhileBufferingRestartsTheBuffer) {
  BookSynchronizer sync(Market::spot, limits(3, 1000));
  EXPECT_EQ(sync.on_update(spot_event(100, kHuge)).outcome, UpdateOutcome::buffered);
  EXPECT_EQ(sync.on_update(spot_event(101, 110)).outcome, UpdateOutcome::dropped_stale);
  EXPECT_EQ(sync.on_update(spot_event(111, 120)).outcome, UpdateOutcome::dropped_stale);
  const UpdateResult broke = sync.on_update(spot_event(121, 130));
  ASSERT_EQ(broke.outcome, UpdateOutcome::buffer_gap);
  EXPECT_TRUE(broke.stale_run);
  EXPECT_EQ(broke.discarded, 1u) << "the bogus event is thrown away";
  EXPECT_EQ(sync.buffered_count(), 1u);
  EXPECT_EQ(sync.on_update(spot_event(131, 140)).outcome, UpdateOutcome::buffered);
  EXPECT_EQ(sync.on_snapshot(snapshot(125, {}, {})).outcome, SnapshotOutcome::joined);
}

TEST(BookSyncHostileIds, APartialViewStreamFrozenBehindABogusIdReplacesAfterTheRun) {
  BookSynchronizer sync(Market::spot, limits(2, 1000));
  DepthUpdate view = spot_event(kHuge, kHuge, {{100, 1}});
  view.kind = DepthKind::partial;
  EXPECT_EQ(sync.on_update(view).outcome, UpdateOutcome::replaced);
  view.first_id = view.final_id = 500;
  EXPECT_EQ(sync.on_update(view).outcome, UpdateOutcome::dropped_stale);
  view.first_id = view.final_id = 501;
  const UpdateResult result = sync.on_update(view);
  EXPECT_EQ(result.outcome, UpdateOutcome::replaced_after_gap);
  EXPECT_TRUE(result.stale_run);
  EXPECT_EQ(sync.last_final_id(), 501u);
  view.first_id = view.final_id = 502;
  EXPECT_EQ(sync.on_update(view).outcome, UpdateOutcome::replaced);
}

TEST(BookSyncHostileIds, ASnapshotNoEventReachesIsGivenUpAndAnotherWanted) {
  BookSynchronizer sync(Market::usdm, limits(100, 4));
  sync.on_update(futures_event(100, 110, 99));
  // lastUpdateId far ahead: every buffered and later event is older.
  EXPECT_EQ(sync.on_snapshot(snapshot(kHuge, {}, {})).outcome, SnapshotOutcome::held);
  std::uint64_t u = 110;
  expect_stale(sync, u, 3);
  EXPECT_FALSE(sync.needs_snapshot()) << "still waiting within the bound";
  const UpdateResult given_up = sync.on_update(futures_event(u + 1, u + 10, u));
  ASSERT_EQ(given_up.outcome, UpdateOutcome::snapshot_unjoined);
  EXPECT_EQ(given_up.snapshot_id, kHuge);
  EXPECT_EQ(sync.state(), SyncState::awaiting_snapshot);
  EXPECT_TRUE(sync.needs_snapshot());
  EXPECT_EQ(sync.counters().snapshots_unjoined, 1u);
  u += 10;
  // The event that gave it up starts the buffer; a genuine snapshot joins it.
  EXPECT_EQ(sync.on_update(futures_event(u + 1, u + 10, u)).outcome, UpdateOutcome::buffered);
  EXPECT_EQ(sync.on_snapshot(snapshot(u - 5, {}, {})).outcome, SnapshotOutcome::joined);
  EXPECT_TRUE(sync.book_valid());
}

// A reader lagging a flood: the snapshot is 20 events ahead of the stream, the bound 4 events.
// The stream approaches it (30 ids per run of 4, 160 left): the run starts over instead of
// giving the snapshot up, and the event reaching it joins. (Given up at the 4th event before:
// under a flood every snapshot was fetched again, 26 in 8 s, and the book never synced.)
TEST(BookSyncHostileIds, ASnapshotTheStreamIsApproachingIsNotGivenUp) {
  BookSynchronizer sync(Market::usdm, limits(100, 4));
  sync.on_update(futures_event(100, 110, 99));
  EXPECT_EQ(sync.on_snapshot(snapshot(305, {}, {})).outcome, SnapshotOutcome::held);
  std::uint64_t u = 110;
  expect_stale(sync, u, 19);
  EXPECT_FALSE(sync.needs_snapshot());
  EXPECT_EQ(sync.counters().snapshots_unjoined, 0u);
  EXPECT_EQ(sync.on_update(futures_event(u + 1, u + 10, u)).outcome, UpdateOutcome::joined);
  EXPECT_TRUE(sync.book_valid());
}

TEST(BookSyncHostileIds, LimitsOfZeroAreTreatedAsOne) {
  BookSynchronizer sync = synced_futures(limits(0, 0));
  EXPECT_EQ(sync.on_update(futures_event(111, kHuge, 110)).outcome, UpdateOutcome::applied);
  const UpdateResult broke = sync.on_update(futures_event(111, 120, 110));
  EXPECT_EQ(broke.outcome, UpdateOutcome::gap);
  EXPECT_TRUE(broke.stale_run);
}

}  // namespace
}  // namespace depthrec
