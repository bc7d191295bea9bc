// The synced path must not allocate: every heap allocation of this test binary is counted by a
// replaced operator new (the only way to observe it), and the count must not move while events
// are applied, dropped as stale, or re-buffered into slots used before.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "depthrec/book_sync.hpp"
#include "unit/sync/sync_events.hpp"

namespace {

std::atomic<long long>& allocations() {
  static std::atomic<long long> count{0};
  return count;
}

}  // namespace

// g++ sees malloc inside operator new and free inside operator delete and, after inlining,
// calls that a new/free mismatch; for replacement functions that pairing is the point.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  allocations().fetch_add(1, std::memory_order_relaxed);
  if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
  throw std::bad_alloc();
}
void operator delete(void* block) noexcept {
  std::free(block);
}
void operator delete(void* block, std::size_t) noexcept {
  std::free(block);
}
#pragma GCC diagnostic pop

namespace depthrec {
namespace {

using test::whole;

// Diffs that only touch the price range the snapshot already holds: the book never grows past
// its loaded size, so a vector-based book has the capacity it needs.
std::vector<DepthUpdate> churn_events(std::uint64_t first_final_id, std::size_t count) {
  std::vector<DepthUpdate> events(count);
  std::uint64_t prev = first_final_id;
  for (std::size_t i = 0; i < count; ++i) {
    DepthUpdate& event = events[i];
    event.first_id = prev + 1;
    event.final_id = prev + 5;
    event.prev_final_id = prev;
    event.has_prev_final_id = true;
    prev = event.final_id;
    const std::int64_t price = 1000 - static_cast<std::int64_t>(i % 50);
    // Remove a level, then put it back a few events later; change quantities in between.
    const std::int64_t qty = i % 3 == 0 ? 0 : static_cast<std::int64_t>(i % 7 + 1);
    event.bids = {PriceLevel{whole(price), whole(qty)}, PriceLevel{whole(price - 1), whole(2)}};
    event.asks = {PriceLevel{whole(price + 200), whole(qty)}};
  }
  return events;
}

DepthSnapshot deep_snapshot(std::uint64_t last_update_id) {
  DepthSnapshot snapshot;
  snapshot.last_update_id = last_update_id;
  for (std::int64_t i = 0; i < 300; ++i) {
    snapshot.bids.push_back(PriceLevel{whole(1000 - i), whole(1)});
    snapshot.asks.push_back(PriceLevel{whole(1001 + i), whole(1)});
  }
  return snapshot;
}

TEST(SyncAllocation, SyncedApplyAndStaleDropDoNotAllocate) {
  BookSynchronizer sync(Market::usdm);
  DepthUpdate first = test::futures_event(90, 100, 80);
  sync.on_update(first);
  ASSERT_EQ(sync.on_snapshot(deep_snapshot(95)).outcome, SnapshotOutcome::joined);
  const std::vector<DepthUpdate> events = churn_events(100, 20000);
  // Warm-up: let the book reach its working capacity on both sides.
  for (std::size_t i = 0; i < 100; ++i) sync.on_update(events[i]);

  const long long before = allocations().load();
  for (std::size_t i = 100; i < events.size(); ++i) {
    ASSERT_EQ(sync.on_update(events[i]).outcome, UpdateOutcome::applied);
    ASSERT_EQ(sync.on_update(events[i]).outcome, UpdateOutcome::dropped_stale);
  }
  EXPECT_EQ(allocations().load() - before, 0);
  EXPECT_TRUE(sync.book_valid());
  EXPECT_EQ(sync.last_final_id(), events.back().final_id);
}

TEST(SyncAllocation, RebufferingIntoUsedSlotsDoesNotAllocate) {
  BookSynchronizer sync(Market::usdm);
  const std::vector<DepthUpdate> events = churn_events(100, 64);
  for (const DepthUpdate& event : events) sync.on_update(event);  // the slots grow once
  sync.reset();
  const long long before = allocations().load();
  for (const DepthUpdate& event : events) {
    ASSERT_EQ(sync.on_update(event).outcome, UpdateOutcome::buffered);
  }
  EXPECT_EQ(allocations().load() - before, 0);
  EXPECT_EQ(sync.buffered_count(), events.size());
}

}  // namespace
}  // namespace depthrec
