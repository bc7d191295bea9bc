// BookSynchronizer driven by a byte-coded sequence of operations: diff events, partial-depth
// events, REST snapshots, resets and pre-sync drops (drop_oldest_before/_bytes), with ids near a
// moving cursor (so joins, stale events, gaps, overlaps and too-old snapshots all happen) and a
// small buffer limit (so overflows happen).
//
// The target keeps its own account of what each reported outcome means (the header's contract)
// and checks the synchroniser against it after every operation:
//  - the book equals a naive std::map book built from the snapshot + the events the outcomes say
//    were applied, and is always well shaped (sorted, no zero quantity);
//  - while synced, each applied event's u is above the previous one (ids monotonic), and a join
//    satisfies the market's join rule against the snapshot id;
//  - buffered_count() equals the events the outcomes say are buffered, within the limit;
//  - state/book_valid/needs_snapshot agree; counters never go down; a dropped event changes
//  nothing;
//  - no more than max_stale_run - 1 events in a row are dropped as stale (the next one is a
//    break), and no more than max_unjoined_events - 1 are dropped waiting for a held snapshot
//    (the next one gives it up): a bogus id can freeze neither the book nor the sync.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "book_reference.hpp"
#include "depthrec/book_sync.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace depthrec;
using fuzz::ReferenceBook;

class Harness {
 public:
  Harness(FuzzedDataProvider& in, Market market, SyncLimits limits)
      : in_(in),
        market_(market),
        limit_(std::max<std::size_t>(1, limits.max_buffered_events)),
        max_stale_run_(std::max<std::uint64_t>(1, limits.max_stale_run)),
        max_unjoined_(std::max<std::uint64_t>(1, limits.max_unjoined_events)),
        sync_(market, limits) {
    const std::uint64_t bases[] = {0, 1, 1000, std::numeric_limits<std::uint64_t>::max() - 64};
    cursor_ = in_.PickValueInArray(bases);
  }

  void step() {
    switch (in_.ConsumeIntegralInRange<int>(0, 15)) {
      case 0:
        return reset();
      case 1:
      case 2:
      case 3:
        return snapshot();
      case 4:
        return update(DepthKind::partial);
      case 5:
        return trim();
      default:
        return update(DepthKind::diff);
    }
  }

 private:
  std::uint64_t near_cursor(int below, int above) {
    const int delta = in_.ConsumeIntegralInRange<int>(-below, above);
    if (delta < 0 && cursor_ < static_cast<std::uint64_t>(-delta)) return 0;
    if (delta > 0 && std::numeric_limits<std::uint64_t>::max() - cursor_ < std::uint64_t(delta))
      return std::numeric_limits<std::uint64_t>::max();
    return cursor_ + static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
  }

  void fill_levels(std::vector<PriceLevel>& levels, int max_count) {
    levels.clear();
    const int count = in_.ConsumeIntegralInRange<int>(0, max_count);
    for (int i = 0; i < count; ++i) {
      // Few distinct prices, so levels are updated and removed, not only added.
      const std::int64_t price = in_.ConsumeIntegralInRange<std::int64_t>(1, 16) * Decimal::kOne;
      // Small quantities, or (one pick in two) low-priced symbols' 1e13-sized ones with a last
      // fractional digit, past int64 units: the book must hold both exactly.
      const std::int64_t pick = in_.ConsumeIntegralInRange<std::int64_t>(0, 7);
      const DecimalUnits wide = DecimalUnits{10'000'000'000'000} * Decimal::kOne + 1;
      const DecimalUnits qty = pick < 4 ? pick : (pick - 3) * wide;
      levels.push_back(PriceLevel{Decimal{price}, Decimal{qty}});
    }
  }

  void update(DepthKind kind) {
    DepthUpdate event;
    event.kind = kind;
    event.first_id = near_cursor(3, 3);
    // Mostly u >= U as Binance sends; sometimes u < U, which must not break anything either.
    event.final_id = in_.ConsumeBool() ? near_cursor(3, 3)
                                       : event.first_id + in_.ConsumeIntegralInRange<int>(0, 3);
    if (kind == DepthKind::partial && market_ == Market::spot) event.first_id = event.final_id;
    event.has_prev_final_id =
        has_prev_final_id(market_) != (in_.ConsumeIntegralInRange<int>(0, 15) == 0);
    if (event.has_prev_final_id)
      event.prev_final_id = in_.ConsumeBool() ? last_sent_u_ : near_cursor(3, 1);
    fill_levels(event.bids, 4);
    fill_levels(event.asks, 4);
    event.event_time_ms = in_.ConsumeIntegralInRange<std::int64_t>(0, 16);  // any order
    last_sent_u_ = event.final_id;
    if (in_.ConsumeBool()) cursor_ = event.final_id;

    const Before before = capture();
    const UpdateResult result = sync_.on_update(event);
    switch (result.outcome) {
      case UpdateOutcome::buffered:
        FUZZ_CHECK(kind == DepthKind::diff && before.state == SyncState::awaiting_snapshot);
        buffer_.push_back(event);
        break;
      case UpdateOutcome::buffer_gap:
        FUZZ_CHECK(before.state == SyncState::awaiting_snapshot);
        FUZZ_CHECK(result.continuity.result ==
                   (result.stale_run ? Continuity::stale : Continuity::gap));
        FUZZ_CHECK(!result.stale_run || stale_run_ + 1 == max_stale_run_);
        FUZZ_CHECK(result.discarded == buffer_.size());
        buffer_.assign(1, event);
        break;
      case UpdateOutcome::buffer_overflow:
        FUZZ_CHECK(before.state == SyncState::awaiting_snapshot);
        FUZZ_CHECK(buffer_.size() == limit_ && result.discarded == limit_);
        buffer_.assign(1, event);
        break;
      case UpdateOutcome::gap:
        FUZZ_CHECK(before.state == SyncState::synced && kind == DepthKind::diff);
        FUZZ_CHECK(result.continuity.result ==
                   (result.stale_run ? Continuity::stale : Continuity::gap));
        FUZZ_CHECK(!result.stale_run || stale_run_ + 1 == max_stale_run_);
        FUZZ_CHECK(result.continuity.got_final_id == event.final_id);
        buffer_.assign(1, event);
        break;
      case UpdateOutcome::snapshot_too_old:
        FUZZ_CHECK(before.state == SyncState::awaiting_event);
        FUZZ_CHECK(result.snapshot_id == before.last_final_id);
        FUZZ_CHECK(!joins(event, result.snapshot_id));
        buffer_.assign(1, event);
        break;
      case UpdateOutcome::snapshot_unjoined:
        FUZZ_CHECK(before.state == SyncState::awaiting_event && kind == DepthKind::diff);
        FUZZ_CHECK(result.snapshot_id == before.last_final_id);
        FUZZ_CHECK(older(event, result.snapshot_id) && unjoined_ + 1 == max_unjoined_);
        FUZZ_CHECK(sync_.state() == SyncState::awaiting_snapshot);
        buffer_.assign(1, event);
        break;
      case UpdateOutcome::dropped_stale:
        FUZZ_CHECK(sync_.state() == before.state);
        FUZZ_CHECK(sync_.buffered_count() == before.buffered);
        FUZZ_CHECK(sync_.last_final_id() == before.last_final_id);
        break;
      case UpdateOutcome::applied:
        FUZZ_CHECK(before.state == SyncState::synced && kind == DepthKind::diff);
        FUZZ_CHECK(event.final_id > before.last_final_id);  // monotonic while synced
        reference_.apply(event.bids, event.asks);
        break;
      case UpdateOutcome::joined:
        FUZZ_CHECK(before.state == SyncState::awaiting_event && kind == DepthKind::diff);
        FUZZ_CHECK(result.join.snapshot_id == before.last_final_id);
        FUZZ_CHECK(joins(event, result.join.snapshot_id));
        FUZZ_CHECK(result.join.applied == 1 && result.join.final_id == event.final_id);
        FUZZ_CHECK(result.join.initial == !ever_joined_);
        ever_joined_ = true;
        reference_.apply(event.bids, event.asks);
        break;
      case UpdateOutcome::replaced:
      case UpdateOutcome::replaced_after_gap:
        FUZZ_CHECK(kind == DepthKind::partial);
        FUZZ_CHECK((result.outcome == UpdateOutcome::replaced_after_gap) ==
                   (result.continuity.result == Continuity::gap));
        reference_.load(event.bids, event.asks);
        buffer_.clear();
        break;
    }
    track_runs(kind, event, result, before);
    if (kind == DepthKind::partial) {
      FUZZ_CHECK(result.outcome == UpdateOutcome::replaced ||
                 result.outcome == UpdateOutcome::replaced_after_gap ||
                 result.outcome == UpdateOutcome::dropped_stale);
    }
    const bool now_synced =
        result.outcome == UpdateOutcome::applied || result.outcome == UpdateOutcome::joined ||
        result.outcome == UpdateOutcome::replaced ||
        result.outcome == UpdateOutcome::replaced_after_gap ||
        (result.outcome == UpdateOutcome::dropped_stale && before.state == SyncState::synced);
    FUZZ_CHECK(sync_.book_valid() == now_synced);
    if (now_synced && result.outcome != UpdateOutcome::dropped_stale) {
      FUZZ_CHECK(sync_.last_final_id() == event.final_id);
    }
    check_common(before);
  }

  void snapshot() {
    DepthSnapshot snapshot;
    snapshot.last_update_id = near_cursor(6, 4);
    fill_levels(snapshot.bids, 6);
    fill_levels(snapshot.asks, 6);

    const Before before = capture();
    const SnapshotResult result = sync_.on_snapshot(snapshot);
    std::size_t stale = 0;
    while (stale < buffer_.size() && older(buffer_[stale], snapshot.last_update_id)) ++stale;
    switch (result.outcome) {
      case SnapshotOutcome::ignored:
        FUZZ_CHECK(before.state == SyncState::synced);
        break;
      case SnapshotOutcome::held:
        FUZZ_CHECK(before.state != SyncState::synced);
        FUZZ_CHECK(result.dropped_stale == buffer_.size() && stale == buffer_.size());
        FUZZ_CHECK(sync_.state() == SyncState::awaiting_event);
        FUZZ_CHECK(sync_.last_final_id() == snapshot.last_update_id);
        reference_.load(snapshot.bids, snapshot.asks);
        buffer_.clear();
        unjoined_ = 0;
        break;
      case SnapshotOutcome::too_old:
        FUZZ_CHECK(before.state == SyncState::awaiting_snapshot);
        FUZZ_CHECK(result.dropped_stale == stale && stale < buffer_.size());
        FUZZ_CHECK(!joins(buffer_[stale], snapshot.last_update_id));
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(stale));
        FUZZ_CHECK(result.first_usable_id == buffer_.front().first_id);
        FUZZ_CHECK(sync_.state() == SyncState::awaiting_snapshot);
        break;
      case SnapshotOutcome::joined: {
        FUZZ_CHECK(before.state == SyncState::awaiting_snapshot);
        FUZZ_CHECK(result.dropped_stale == stale && stale < buffer_.size());
        FUZZ_CHECK(joins(buffer_[stale], snapshot.last_update_id));
        FUZZ_CHECK(result.join.snapshot_id == snapshot.last_update_id);
        FUZZ_CHECK(result.join.first_id == buffer_[stale].first_id);
        FUZZ_CHECK(result.join.applied == buffer_.size() - stale);
        FUZZ_CHECK(result.join.initial == !ever_joined_);
        ever_joined_ = true;
        reference_.load(snapshot.bids, snapshot.asks);
        std::uint64_t last_u = snapshot.last_update_id;
        for (std::size_t i = stale; i < buffer_.size(); ++i) {
          if (i > stale) FUZZ_CHECK(buffer_[i].final_id > last_u);  // monotonic at the join too
          last_u = buffer_[i].final_id;
          reference_.apply(buffer_[i].bids, buffer_[i].asks);
        }
        FUZZ_CHECK(sync_.state() == SyncState::synced);
        FUZZ_CHECK(sync_.last_final_id() == buffer_.back().final_id);
        buffer_.clear();
        break;
      }
    }
    check_common(before);
  }

  void reset() {
    const Before before = capture();
    sync_.reset();
    buffer_.clear();
    stale_run_ = unjoined_ = 0;
    reference_.clear();
    FUZZ_CHECK(sync_.state() == SyncState::awaiting_snapshot);
    FUZZ_CHECK(sync_.book().bid_count() == 0 && sync_.book().ask_count() == 0);
    check_common(before);
  }

  // The pre-sync bounds' drops (session/presync_budget.hpp): only while awaiting a snapshot, the
  // oldest buffered events and never the newest; what stays is what the model holds, so every
  // later outcome is checked against it as before.
  void trim() {
    const Before before = capture();
    const bool waiting = before.state == SyncState::awaiting_snapshot;
    std::size_t dropped = 0;
    if (in_.ConsumeBool()) {
      const std::int64_t cutoff = in_.ConsumeIntegralInRange<std::int64_t>(0, 17);
      std::size_t expected = 0;
      while (waiting && expected + 1 < buffer_.size() && buffer_[expected].event_time_ms < cutoff)
        ++expected;
      dropped = sync_.drop_oldest_before(cutoff);
      FUZZ_CHECK(dropped == expected);
    } else {
      // A slot's bytes depend on the capacity it reuses: the count is checked by its bounds.
      const std::size_t bytes = in_.ConsumeIntegralInRange<std::size_t>(0, 4096);
      dropped = sync_.drop_oldest_bytes(bytes);
      FUZZ_CHECK(waiting || dropped == 0);
      FUZZ_CHECK(buffer_.empty() ? dropped == 0 : dropped < buffer_.size());
      if (waiting && bytes > 0 && buffer_.size() > 1) FUZZ_CHECK(dropped > 0);
      if (bytes == 0) FUZZ_CHECK(dropped == 0);
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(dropped));
    FUZZ_CHECK(sync_.counters().trimmed == before.counters.trimmed + dropped);
    check_common(before);
  }

  struct Before {
    SyncState state;
    std::size_t buffered;
    std::uint64_t last_final_id;
    SyncCounters counters;
  };
  Before capture() const {
    return {sync_.state(), sync_.buffered_count(), sync_.last_final_id(), sync_.counters()};
  }

  // The harness's own count of stale events in a row (by the continuity verdict) and of events
  // dropped while a held snapshot waited for its join.
  void track_runs(DepthKind kind, const DepthUpdate& event, const UpdateResult& result,
                  const Before& before) {
    if (kind == DepthKind::partial || before.state != SyncState::awaiting_event) {
      const bool stale = result.continuity.result == Continuity::stale && !result.stale_run;
      stale_run_ = stale ? stale_run_ + 1 : 0;
    } else {
      stale_run_ = 0;  // a diff event while a snapshot waits for its join ends the run
    }
    FUZZ_CHECK(stale_run_ < max_stale_run_);
    if (kind == DepthKind::diff) {
      const bool unjoined = before.state == SyncState::awaiting_event &&
                            result.outcome == UpdateOutcome::dropped_stale;
      if (unjoined && unjoined_ == 0) unjoined_from_ = event.final_id;
      unjoined_ = unjoined ? unjoined_ + 1 : 0;
      // At the bound the run starts over while the stream approaches the snapshot: it would
      // reach it within kApproachingRuns (100) more runs at the pace of this one.
      if (unjoined_ >= max_unjoined_) {
        const std::uint64_t progress =
            event.final_id > unjoined_from_ ? event.final_id - unjoined_from_ : 0;
        FUZZ_CHECK((before.last_final_id - event.final_id) / 100 <= progress);
        unjoined_ = 0;
      }
    }
    FUZZ_CHECK(unjoined_ < max_unjoined_);
  }

  bool older(const DepthUpdate& event, std::uint64_t snapshot_id) const {
    return has_prev_final_id(market_) ? event.final_id < snapshot_id
                                      : event.final_id <= snapshot_id;
  }
  // The join rules of the header, in 128-bit arithmetic so that lastUpdateId + 1 cannot wrap.
  bool joins(const DepthUpdate& event, std::uint64_t snapshot_id) const {
    if (has_prev_final_id(market_)) {
      return (event.first_id <= snapshot_id && snapshot_id <= event.final_id) ||
             (event.has_prev_final_id && event.prev_final_id == snapshot_id);
    }
    const unsigned __int128 next = static_cast<unsigned __int128>(snapshot_id) + 1;
    return event.first_id <= next && next <= event.final_id;
  }

  void check_common(const Before& before) {
    fuzz::check_book_shape(sync_.book());
    // Whatever the state, the book holds the last snapshot plus the events reported applied
    // (after a gap, the last valid book is kept until the next snapshot or partial view).
    FUZZ_CHECK(reference_.equals(sync_.book()));
    FUZZ_CHECK(sync_.buffered_count() == buffer_.size());
    FUZZ_CHECK(sync_.buffered_count() <= limit_);
    FUZZ_CHECK((sync_.buffered_bytes() == 0) == buffer_.empty());
    FUZZ_CHECK(sync_.book_valid() == (sync_.state() == SyncState::synced));
    FUZZ_CHECK(sync_.needs_snapshot() ==
               (sync_.state() == SyncState::awaiting_snapshot && !buffer_.empty()));
    if (sync_.state() == SyncState::synced) FUZZ_CHECK(buffer_.empty());
    const SyncCounters& now = sync_.counters();
    const SyncCounters& was = before.counters;
    FUZZ_CHECK(now.applied >= was.applied && now.buffered >= was.buffered);
    FUZZ_CHECK(now.dropped_stale >= was.dropped_stale && now.gaps >= was.gaps);
    FUZZ_CHECK(now.syncs >= was.syncs && now.resyncs >= was.resyncs);
    FUZZ_CHECK(now.resyncs <= now.syncs);
    FUZZ_CHECK(now.snapshots_rejected >= was.snapshots_rejected);
    FUZZ_CHECK(now.buffer_overflows >= was.buffer_overflows);
  }

  FuzzedDataProvider& in_;
  Market market_;
  std::size_t limit_;
  std::uint64_t max_stale_run_;
  std::uint64_t max_unjoined_;
  std::uint64_t stale_run_ = 0;
  std::uint64_t unjoined_ = 0;
  std::uint64_t unjoined_from_ = 0;  // final id of the run's first event
  BookSynchronizer sync_;
  std::uint64_t cursor_ = 0;
  std::uint64_t last_sent_u_ = 0;
  bool ever_joined_ = false;
  std::vector<DepthUpdate> buffer_;  // what the outcomes say is buffered, oldest first
  ReferenceBook reference_;          // what the outcomes say the book holds
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const Market market = in.PickValueInArray({Market::spot, Market::usdm, Market::coinm});
  SyncLimits limits;
  limits.max_buffered_events = in.ConsumeIntegralInRange<std::size_t>(0, 6);
  limits.max_stale_run = in.ConsumeIntegralInRange<std::uint64_t>(0, 8);
  limits.max_unjoined_events = in.ConsumeIntegralInRange<std::uint64_t>(0, 8);
  Harness harness(in, market, limits);
  for (int steps = 0; steps < 512 && in.remaining_bytes() > 0; ++steps) harness.step();
  return 0;
}
