#include "depthrec/book_sync.hpp"

#include <gtest/gtest.h>

#include "unit/sync/sync_events.hpp"

namespace depthrec {
namespace {

using test::futures_event;
using test::snapshot;
using test::spot_event;
using test::whole;

PriceLevel level(std::int64_t price, std::int64_t qty) {
  return PriceLevel{whole(price), whole(qty)};
}

// Futures: buffered events before the snapshot, stale ones dropped, the first applied spans it.
TEST(BookSyncFutures, DropsStaleAndJoinsEventSpanningLastUpdateId) {
  BookSynchronizer sync(Market::usdm);
  EXPECT_FALSE(sync.needs_snapshot());
  EXPECT_EQ(sync.on_update(futures_event(90, 95, 80, {{100, 9}})).outcome, UpdateOutcome::buffered);
  EXPECT_TRUE(sync.needs_snapshot());
  sync.on_update(futures_event(96, 99, 95, {{100, 8}}));
  sync.on_update(futures_event(100, 110, 99, {{101, 2}}, {{105, 3}}));
  sync.on_update(futures_event(111, 120, 110, {}, {{105, 0}, {106, 4}}));
  EXPECT_EQ(sync.state(), SyncState::awaiting_snapshot);
  EXPECT_FALSE(sync.book_valid());

  const SnapshotResult result = sync.on_snapshot(snapshot(105, {{100, 1}}, {{105, 5}, {107, 1}}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_TRUE(result.join.initial);
  EXPECT_EQ(result.join.snapshot_id, 105u);
  EXPECT_EQ(result.join.first_id, 100u);
  EXPECT_EQ(result.join.final_id, 110u);
  EXPECT_EQ(result.join.dropped_stale, 2u);
  EXPECT_EQ(result.join.applied, 2u);
  EXPECT_TRUE(sync.book_valid());
  EXPECT_FALSE(sync.needs_snapshot());
  EXPECT_EQ(sync.last_final_id(), 120u);
  EXPECT_EQ(sync.book().bid(0), level(101, 2));
  EXPECT_EQ(sync.book().bid(1), level(100, 1));  // the stale qty 8/9 never reached the book
  EXPECT_EQ(sync.book().ask(0), level(106, 4));
  EXPECT_EQ(sync.book().ask(1), level(107, 1));
  EXPECT_EQ(sync.counters().dropped_stale, 2u);
  EXPECT_EQ(sync.counters().applied, 2u);
  EXPECT_EQ(sync.counters().syncs, 1u);
  EXPECT_EQ(sync.counters().resyncs, 0u);

  EXPECT_EQ(sync.on_update(futures_event(121, 130, 120, {{102, 1}})).outcome,
            UpdateOutcome::applied);
  EXPECT_EQ(sync.book().bid(0), level(102, 1));
}

TEST(BookSyncFutures, FirstEventWithFirstIdEqualToLastUpdateIdJoins) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 99));
  EXPECT_EQ(sync.on_snapshot(snapshot(100, {{1, 1}}, {})).outcome, SnapshotOutcome::joined);
  EXPECT_EQ(sync.counters().dropped_stale, 0u);
}

TEST(BookSyncFutures, EventEndingAtLastUpdateIdIsKeptAndJoins) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(90, 99, 80));
  sync.on_update(futures_event(100, 110, 99));
  sync.on_update(futures_event(111, 120, 110));
  const SnapshotResult result = sync.on_snapshot(snapshot(110, {}, {}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(result.join.first_id, 100u);  // u == lastUpdateId is not dropped on futures
  EXPECT_EQ(result.join.dropped_stale, 1u);
  EXPECT_EQ(sync.last_final_id(), 120u);
}

TEST(BookSyncFutures, EventWhosePrevFinalIdIsLastUpdateIdJoins) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(90, 99, 80));
  sync.on_update(futures_event(101, 110, 99));  // neither spans 100 nor follows it
  EXPECT_EQ(sync.on_snapshot(snapshot(100, {}, {})).outcome, SnapshotOutcome::too_old);
  BookSynchronizer other(Market::usdm);  // U > lastUpdateId, but pu == lastUpdateId
  other.on_update(futures_event(105, 110, 100));
  const SnapshotResult result = other.on_snapshot(snapshot(100, {}, {}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(result.join.first_id, 105u);
}

TEST(BookSyncSpot, DropsEventEndingAtLastUpdateIdAndJoinsNext) {
  BookSynchronizer sync(Market::spot);
  sync.on_update(spot_event(90, 100, {{10, 5}}));  // u == lastUpdateId: must go on spot
  sync.on_update(spot_event(101, 105, {{11, 1}}));
  sync.on_update(spot_event(106, 108, {{12, 1}}));
  const SnapshotResult result = sync.on_snapshot(snapshot(100, {{10, 1}}, {{20, 1}}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(result.join.first_id, 101u);
  EXPECT_EQ(result.join.final_id, 105u);
  EXPECT_EQ(result.join.dropped_stale, 1u);
  EXPECT_EQ(sync.book().bid(2), level(10, 1));  // qty 5 from the dropped event never applied
  EXPECT_EQ(sync.last_final_id(), 108u);
}

TEST(BookSyncSpot, FirstEventMustHoldLastUpdateIdPlusOne) {
  BookSynchronizer sync(Market::spot);
  sync.on_update(spot_event(95, 104));  // holds 101: joins
  EXPECT_EQ(sync.on_snapshot(snapshot(100, {}, {})).outcome, SnapshotOutcome::joined);
  BookSynchronizer late(Market::spot);
  late.on_update(spot_event(102, 104));  // starts at 102: update 101 is missing
  const SnapshotResult result = late.on_snapshot(snapshot(100, {}, {}));
  EXPECT_EQ(result.outcome, SnapshotOutcome::too_old);
  EXPECT_EQ(result.first_usable_id, 102u);
}

TEST(BookSyncSpot, SnapshotOlderThanFirstBufferedEventAsksForANewerOne) {
  BookSynchronizer sync(Market::spot);
  sync.on_update(spot_event(200, 210, {{1, 1}}));
  sync.on_update(spot_event(211, 220, {{2, 1}}));
  const SnapshotResult old = sync.on_snapshot(snapshot(150, {{9, 9}}, {}));
  EXPECT_EQ(old.outcome, SnapshotOutcome::too_old);
  EXPECT_EQ(sync.counters().snapshots_rejected, 1u);
  EXPECT_FALSE(sync.book_valid());
  EXPECT_TRUE(sync.needs_snapshot());
  EXPECT_EQ(sync.buffered_count(), 2u);  // kept for the newer snapshot

  const SnapshotResult fresh = sync.on_snapshot(snapshot(215, {{3, 1}}, {}));
  ASSERT_EQ(fresh.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(fresh.join.first_id, 211u);
  EXPECT_EQ(fresh.join.dropped_stale, 1u);
  EXPECT_EQ(sync.last_final_id(), 220u);
}

TEST(BookSync, SnapshotBeforeAnyUsableEventIsHeldUntilOneJoins) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(90, 95, 80));
  const SnapshotResult held = sync.on_snapshot(snapshot(100, {{5, 1}}, {}));
  EXPECT_EQ(held.outcome, SnapshotOutcome::held);
  EXPECT_EQ(held.dropped_stale, 1u);
  EXPECT_EQ(sync.state(), SyncState::awaiting_event);
  EXPECT_FALSE(sync.needs_snapshot());
  EXPECT_EQ(sync.on_update(futures_event(96, 98, 95)).outcome, UpdateOutcome::dropped_stale);
  const UpdateResult joined = sync.on_update(futures_event(99, 105, 98, {{6, 1}}));
  ASSERT_EQ(joined.outcome, UpdateOutcome::joined);
  EXPECT_EQ(joined.join.snapshot_id, 100u);
  EXPECT_EQ(joined.join.first_id, 99u);
  EXPECT_EQ(joined.join.dropped_stale, 2u);
  EXPECT_TRUE(sync.book_valid());
  EXPECT_EQ(sync.book().bid(0), level(6, 1));
  EXPECT_EQ(sync.on_update(futures_event(106, 107, 105)).outcome, UpdateOutcome::applied);
}

TEST(BookSync, HeldSnapshotTooOldForTheNextEventIsRejected) {
  BookSynchronizer sync(Market::spot);
  EXPECT_EQ(sync.on_snapshot(snapshot(100, {}, {})).outcome, SnapshotOutcome::held);
  const UpdateResult result = sync.on_update(spot_event(150, 160));
  EXPECT_EQ(result.outcome, UpdateOutcome::snapshot_too_old);
  EXPECT_EQ(result.snapshot_id, 100u);
  EXPECT_TRUE(sync.needs_snapshot());
  EXPECT_EQ(sync.on_update(spot_event(161, 170)).outcome, UpdateOutcome::buffered);
  EXPECT_EQ(sync.on_snapshot(snapshot(165, {}, {})).outcome, SnapshotOutcome::joined);
  EXPECT_EQ(sync.last_final_id(), 170u);
}

TEST(BookSync, GapInsideTheBufferDiscardsTheOlderEvents) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 90));
  sync.on_update(futures_event(111, 120, 110));
  const UpdateResult gap = sync.on_update(futures_event(140, 150, 130));
  ASSERT_EQ(gap.outcome, UpdateOutcome::buffer_gap);
  EXPECT_EQ(gap.discarded, 2u);
  EXPECT_EQ(gap.continuity.last_final_id, 120u);
  EXPECT_EQ(gap.continuity.expected, 120u);
  EXPECT_EQ(gap.continuity.got_prev_final_id, 130u);
  EXPECT_EQ(sync.buffered_count(), 1u);
  EXPECT_EQ(sync.counters().gaps, 1u);
  // A snapshot taken before the gap cannot be continued: it is too old.
  EXPECT_EQ(sync.on_snapshot(snapshot(115, {}, {})).outcome, SnapshotOutcome::too_old);
  sync.on_update(futures_event(151, 160, 150));
  const SnapshotResult fresh = sync.on_snapshot(snapshot(145, {}, {}));
  ASSERT_EQ(fresh.outcome, SnapshotOutcome::joined);
  EXPECT_EQ(fresh.join.first_id, 140u);
  EXPECT_EQ(sync.last_final_id(), 160u);
}

TEST(BookSync, GapAfterSyncInvalidatesTheBookUntilTheNextSnapshot) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 90, {{10, 1}}));
  ASSERT_EQ(sync.on_snapshot(snapshot(105, {}, {})).outcome, SnapshotOutcome::joined);
  sync.on_update(futures_event(111, 120, 110, {{11, 1}}));

  const UpdateResult gap = sync.on_update(futures_event(200, 210, 190, {{12, 1}}));
  ASSERT_EQ(gap.outcome, UpdateOutcome::gap);
  EXPECT_EQ(gap.continuity.last_final_id, 120u);
  EXPECT_EQ(gap.continuity.expected, 120u);
  EXPECT_EQ(gap.continuity.got_first_id, 200u);
  EXPECT_EQ(gap.continuity.got_prev_final_id, 190u);
  EXPECT_EQ(gap.continuity.got_final_id, 210u);
  EXPECT_FALSE(sync.book_valid());
  EXPECT_TRUE(sync.needs_snapshot());
  EXPECT_EQ(sync.last_final_id(), 120u);  // the event after the gap was not applied
  EXPECT_EQ(sync.on_update(futures_event(211, 220, 210)).outcome, UpdateOutcome::buffered);

  const SnapshotResult resync = sync.on_snapshot(snapshot(205, {{50, 1}}, {}));
  ASSERT_EQ(resync.outcome, SnapshotOutcome::joined);
  EXPECT_FALSE(resync.join.initial);
  EXPECT_EQ(resync.join.first_id, 200u);
  EXPECT_EQ(resync.join.applied, 2u);
  EXPECT_EQ(sync.book().bid(0), level(50, 1));
  EXPECT_EQ(sync.book().bid(1), level(12, 1));
  EXPECT_EQ(sync.counters().gaps, 1u);
  EXPECT_EQ(sync.counters().syncs, 2u);
  EXPECT_EQ(sync.counters().resyncs, 1u);
}

TEST(BookSync, SpotGapAfterSyncNamesTheExpectedFirstId) {
  BookSynchronizer sync(Market::spot);
  sync.on_update(spot_event(100, 110));
  sync.on_snapshot(snapshot(105, {}, {}));
  const UpdateResult gap = sync.on_update(spot_event(115, 120));
  ASSERT_EQ(gap.outcome, UpdateOutcome::gap);
  EXPECT_EQ(gap.continuity.rule, GapRule::first_id);
  EXPECT_EQ(gap.continuity.expected, 111u);
  EXPECT_EQ(gap.continuity.got_first_id, 115u);
}

TEST(BookSync, DuplicateEventsAreDroppedNotBreaks) {
  BookSynchronizer sync(Market::usdm);
  const DepthUpdate first = futures_event(100, 110, 90, {{10, 1}});
  const DepthUpdate second = futures_event(111, 120, 110, {{10, 2}});
  sync.on_update(first);
  EXPECT_EQ(sync.on_update(first).outcome, UpdateOutcome::dropped_stale);  // while buffering
  sync.on_snapshot(snapshot(100, {}, {}));
  sync.on_update(second);
  EXPECT_EQ(sync.on_update(second).outcome, UpdateOutcome::dropped_stale);  // while synced
  EXPECT_EQ(sync.on_update(first).outcome, UpdateOutcome::dropped_stale);
  EXPECT_EQ(sync.book().bid(0), level(10, 2));
  EXPECT_EQ(sync.counters().gaps, 0u);
  EXPECT_EQ(sync.counters().dropped_stale, 3u);
  EXPECT_TRUE(sync.book_valid());
}

TEST(BookSync, ReorderedEventsBreakContinuity) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 90));
  sync.on_snapshot(snapshot(100, {}, {}));
  // 121..130 arrives before 111..120: the first is a gap, the late one is stale.
  EXPECT_EQ(sync.on_update(futures_event(121, 130, 120)).outcome, UpdateOutcome::gap);
  EXPECT_EQ(sync.on_update(futures_event(111, 120, 110)).outcome, UpdateOutcome::dropped_stale);
  EXPECT_FALSE(sync.book_valid());
  EXPECT_EQ(sync.on_update(futures_event(131, 140, 130)).outcome, UpdateOutcome::buffered);
}

TEST(BookSync, RemovingAnAbsentLevelAndEmptySidesAreNormal) {
  BookSynchronizer sync(Market::spot);
  sync.on_update(spot_event(100, 110, {{99, 0}}, {{200, 0}}));  // absent levels removed
  ASSERT_EQ(sync.on_snapshot(snapshot(105, {{10, 1}}, {{20, 1}})).outcome, SnapshotOutcome::joined);
  EXPECT_EQ(sync.book().bid_count(), 1u);
  EXPECT_EQ(sync.book().ask_count(), 1u);
  EXPECT_EQ(sync.on_update(spot_event(111, 115)).outcome, UpdateOutcome::applied);  // b, a empty
  EXPECT_EQ(sync.last_final_id(), 115u);
  EXPECT_EQ(sync.on_update(spot_event(116, 117, {{10, 0}})).outcome, UpdateOutcome::applied);
  EXPECT_EQ(sync.book().bid_count(), 0u);  // a side may become empty
  EXPECT_EQ(sync.book().ask(0), level(20, 1));
  EXPECT_TRUE(sync.book_valid());
}

TEST(BookSync, EmptySnapshotSidesAreLoaded) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 90, {}, {{30, 2}}));
  ASSERT_EQ(sync.on_snapshot(snapshot(105, {}, {})).outcome, SnapshotOutcome::joined);
  EXPECT_EQ(sync.book().bid_count(), 0u);
  EXPECT_EQ(sync.book().ask(0), level(30, 2));
}

TEST(BookSync, BufferOverflowClearsAndRestarts) {
  BookSynchronizer sync(Market::usdm, SyncLimits{3});
  std::uint64_t prev = 90;
  for (std::uint64_t u = 100; u < 130; u += 10) {
    EXPECT_EQ(sync.on_update(futures_event(u - 9, u, prev)).outcome, UpdateOutcome::buffered);
    prev = u;
  }
  const UpdateResult overflow = sync.on_update(futures_event(121, 130, 120));
  ASSERT_EQ(overflow.outcome, UpdateOutcome::buffer_overflow);
  EXPECT_EQ(overflow.discarded, 3u);
  EXPECT_EQ(sync.buffered_count(), 1u);
  EXPECT_EQ(sync.counters().buffer_overflows, 1u);
  EXPECT_TRUE(sync.needs_snapshot());
  // The old events are gone: a snapshot they would have joined is now too old.
  EXPECT_EQ(sync.on_snapshot(snapshot(105, {}, {})).outcome, SnapshotOutcome::too_old);
  EXPECT_EQ(sync.on_snapshot(snapshot(125, {}, {})).outcome, SnapshotOutcome::joined);
  EXPECT_EQ(sync.last_final_id(), 130u);
}

// Issue 18 (8): the buffer was bounded by count only, so a few thousand huge events took
// gigabytes. A byte bound restarts it the same way, and frees the slots' memory.
TEST(BookSync, BufferOverflowByBytesClearsRestartsAndFreesTheMemory) {
  std::vector<PriceLevel> big;
  for (std::int64_t p = 1; p <= 1000; ++p) big.push_back(PriceLevel{whole(p), whole(1)});
  const auto big_event = [&](std::uint64_t first, std::uint64_t final_id, std::uint64_t prev) {
    DepthUpdate event = futures_event(first, final_id, prev);
    event.bids = big;
    event.asks = big;
    return event;
  };
  const std::size_t event_bytes = BookSynchronizer::buffered_size(big_event(1, 10, 0));
  SyncLimits limits;
  limits.max_buffered_events = 1000;
  limits.max_buffered_bytes = event_bytes * 3 + event_bytes / 2;  // three fit, not four
  BookSynchronizer sync(Market::usdm, limits);
  std::uint64_t prev = 90;
  for (std::uint64_t u = 100; u < 130; u += 10) {
    EXPECT_EQ(sync.on_update(big_event(u - 9, u, prev)).outcome, UpdateOutcome::buffered);
    prev = u;
  }
  EXPECT_GE(sync.buffered_bytes(), 3 * event_bytes);
  const UpdateResult overflow = sync.on_update(big_event(121, 130, 120));
  ASSERT_EQ(overflow.outcome, UpdateOutcome::buffer_overflow);
  EXPECT_EQ(overflow.discarded, 3u);
  EXPECT_EQ(sync.buffered_count(), 1u);
  EXPECT_LE(sync.buffered_bytes(), 2 * event_bytes) << "the old slots' memory was freed";
  EXPECT_EQ(sync.counters().buffer_overflows, 1u);
  EXPECT_EQ(sync.counters().buffer_byte_overflows, 1u);
  // Small events fit many times over the same bound.
  for (std::uint64_t u = 140; u < 400; u += 10) {
    EXPECT_EQ(sync.on_update(futures_event(u - 9, u, u - 10)).outcome, UpdateOutcome::buffered);
  }
  EXPECT_EQ(sync.on_snapshot(snapshot(125, {}, {})).outcome, SnapshotOutcome::joined);
}

TEST(BookSync, SnapshotIsIgnoredWhenSynced) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 90));
  sync.on_snapshot(snapshot(105, {{1, 1}}, {}));
  EXPECT_EQ(sync.on_snapshot(snapshot(108, {{2, 2}}, {})).outcome, SnapshotOutcome::ignored);
  EXPECT_EQ(sync.counters().snapshots_ignored, 1u);
  EXPECT_EQ(sync.book().bid(0), level(1, 1));
}

TEST(BookSync, ResetForgetsEverythingButCounters) {
  BookSynchronizer sync(Market::usdm);
  sync.on_update(futures_event(100, 110, 90));
  sync.on_snapshot(snapshot(105, {{1, 1}}, {}));
  sync.reset();
  EXPECT_EQ(sync.state(), SyncState::awaiting_snapshot);
  EXPECT_FALSE(sync.book_valid());
  EXPECT_EQ(sync.book().bid_count(), 0u);
  EXPECT_EQ(sync.counters().syncs, 1u);
  // A new connection's first event is not compared with the old connection's last.
  EXPECT_EQ(sync.on_update(futures_event(500, 510, 400)).outcome, UpdateOutcome::buffered);
  const SnapshotResult result = sync.on_snapshot(snapshot(505, {}, {}));
  ASSERT_EQ(result.outcome, SnapshotOutcome::joined);
  EXPECT_FALSE(result.join.initial);
  EXPECT_EQ(sync.counters().resyncs, 1u);
}

TEST(BookSync, PartialDepthReplacesTheBookAndChecksContinuity) {
  BookSynchronizer sync(Market::usdm);
  DepthUpdate partial = futures_event(100, 110, 90, {{10, 1}, {9, 1}}, {{11, 1}});
  partial.kind = DepthKind::partial;
  EXPECT_EQ(sync.on_update(partial).outcome, UpdateOutcome::replaced);
  EXPECT_TRUE(sync.book_valid());
  EXPECT_EQ(sync.book().bid_count(), 2u);

  DepthUpdate next = futures_event(111, 120, 110, {{12, 3}}, {{13, 1}});
  next.kind = DepthKind::partial;
  EXPECT_EQ(sync.on_update(next).outcome, UpdateOutcome::replaced);
  EXPECT_EQ(sync.book().bid_count(), 1u);  // replaced, not merged
  EXPECT_EQ(sync.book().bid(0), level(12, 3));
  EXPECT_EQ(sync.on_update(next).outcome, UpdateOutcome::dropped_stale);

  DepthUpdate after_gap = futures_event(200, 210, 190, {{14, 1}}, {{15, 1}});
  after_gap.kind = DepthKind::partial;
  const UpdateResult result = sync.on_update(after_gap);
  EXPECT_EQ(result.outcome, UpdateOutcome::replaced_after_gap);
  EXPECT_EQ(result.continuity.expected, 120u);
  EXPECT_EQ(result.continuity.got_prev_final_id, 190u);
  EXPECT_TRUE(sync.book_valid());  // a partial view stands on its own
  EXPECT_EQ(sync.last_final_id(), 210u);
  EXPECT_EQ(sync.counters().gaps, 1u);
  EXPECT_EQ(sync.counters().partial_replaced, 3u);
  EXPECT_EQ(sync.on_snapshot(snapshot(300, {}, {})).outcome, SnapshotOutcome::ignored);
}

TEST(BookSync, BufferedCopiesDoNotKeepTheCallersViews) {
  BookSynchronizer sync(Market::usdm);
  {
    std::string frame = R"([["10","1"]])";
    DepthUpdate event = futures_event(100, 110, 90, {{10, 1}});
    event.bids_json = frame;
    event.symbol = std::string_view(frame).substr(0, 2);
    sync.on_update(event);
    frame.assign(frame.size(), 'x');  // the caller's buffer is reused for the next frame
  }
  ASSERT_EQ(sync.on_snapshot(snapshot(105, {}, {})).outcome, SnapshotOutcome::joined);
  EXPECT_EQ(sync.book().bid(0), level(10, 1));
}

TEST(BookSync, OutcomeNames) {
  EXPECT_EQ(to_string(UpdateOutcome::buffer_gap), "buffer_gap");
  EXPECT_EQ(to_string(SnapshotOutcome::too_old), "too_old");
  EXPECT_EQ(to_string(SyncState::awaiting_event), "awaiting_event");
}

}  // namespace
}  // namespace depthrec
