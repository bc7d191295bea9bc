// Keeps one OrderBook in step with a Binance depth stream, following Binance's documented
// procedure (docs: "How to manage a local order book correctly"; /work/shared/binance-protocol.md):
//
//   awaiting_snapshot -> synced             a snapshot arrives and a buffered event joins it
//   awaiting_snapshot -> awaiting_event     a snapshot arrives; every buffered event is older
//   awaiting_event -> synced                the next event joins the loaded snapshot
//   synced -> awaiting_snapshot             continuity lost: invalid until a snapshot joins
//
// Join rules. Futures (usdm, coinm): drop events with u < lastUpdateId; the first applied event has
// U <= lastUpdateId <= u, or pu == lastUpdateId. Spot: drop events with u <= lastUpdateId; the
// first applied event has U <= lastUpdateId + 1 <= u. A snapshot whose lastUpdateId is below the
// first usable event is too old: the caller must fetch a newer one. Events are checked for
// continuity while buffered too (ContinuityChecker): a gap inside the buffer discards the older
// events.
//
// Partial-depth events (DepthKind::partial) need no snapshot: each replaces the book; continuity
// is still checked, and a gap is reported, but the book stays valid.
//
// The synchroniser does no I/O: it says when a snapshot is needed (needs_snapshot(), outcomes
// snapshot_too_old / gap / buffer_overflow) and the caller fetches it. Every outcome carries the
// numbers of the recording's `gap` and `resync` records (docs/records.md). Applying an event in
// the synced state does not allocate (the book's own growth aside). One instance per stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "depthrec/continuity.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/market.hpp"
#include "depthrec/order_book.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec {

enum class SyncState : std::uint8_t {
  awaiting_snapshot,  // buffering events until a snapshot arrives; the book is not valid
  awaiting_event,     // a snapshot is loaded; waiting for the first event that joins it
  synced,             // the book is valid
};
std::string_view to_string(SyncState state);

enum class UpdateOutcome : std::uint8_t {
  buffered,       // waiting for a snapshot: the event was copied into the buffer
  applied,        // synced: the event was applied
  joined,         // this event joined the loaded snapshot: synced now (see UpdateResult::join)
  dropped_stale,  // a duplicate, or older than the book or the snapshot: ignored, not a break
  gap,         // synced, then continuity was lost: book invalid, event buffered; fetch a snapshot
  buffer_gap,  // continuity lost between buffered events: the older ones were discarded
  buffer_overflow,   // too many events waited: the buffer was cleared (this event starts a new one)
  snapshot_too_old,  // the loaded snapshot ends before this event starts: fetch a newer snapshot
  replaced,          // partial depth: the book now holds the event's top N levels
  replaced_after_gap,  // partial depth after missed events: replaced, and a gap to record
  // SyncLimits::max_unjoined_events events were older than the loaded snapshot and none joined
  // it: the snapshot is ahead of the stream (bogus lastUpdateId); it is given up, this event
  // starts the buffer; fetch a new one.
  snapshot_unjoined,
};
std::string_view to_string(UpdateOutcome outcome);
// True for the outcomes after which the book holds new content (an update applied, a snapshot
// joined, a partial view replaced).
constexpr bool changes_book(UpdateOutcome outcome) {
  return outcome == UpdateOutcome::applied || outcome == UpdateOutcome::joined ||
         outcome == UpdateOutcome::replaced || outcome == UpdateOutcome::replaced_after_gap;
}

enum class SnapshotOutcome : std::uint8_t {
  joined,   // a buffered event joined the snapshot: synced (see SnapshotResult::join)
  held,     // loaded; every buffered event was older, so the next event must join it
  too_old,  // the first usable buffered event starts after the snapshot: fetch a newer one
  ignored,  // not needed: already synced, or a partial-depth stream
};
std::string_view to_string(SnapshotOutcome outcome);

// What a `resync` record needs: which snapshot, which event joined it, what was dropped.
struct SyncJoin {
  bool initial = true;              // the first sync of this synchroniser (record reason "initial")
  std::uint64_t snapshot_id = 0;    // the snapshot's lastUpdateId
  std::uint64_t first_id = 0;       // U of the event that joined
  std::uint64_t final_id = 0;       // u of the event that joined
  std::uint64_t dropped_stale = 0;  // events dropped as older than the snapshot for this join
  std::uint64_t applied = 0;        // events applied at the join (buffered ones included)
};

struct UpdateResult {
  UpdateOutcome outcome = UpdateOutcome::buffered;
  ContinuityVerdict continuity;   // gap, buffer_gap, replaced_after_gap: last_u, expected, got_*
  SyncJoin join;                  // joined
  std::uint64_t discarded = 0;    // buffer_gap, buffer_overflow: buffered events thrown away
  std::uint64_t snapshot_id = 0;  // snapshot_too_old, snapshot_unjoined: that lastUpdateId
  // gap, buffer_gap, replaced_after_gap: the break is SyncLimits::max_stale_run stale events in
  // a row (the stream's ids went backwards for good, e.g. after a bogus u far ahead was applied),
  // not a skipped id; this event (stale itself) restarts continuity.
  bool stale_run = false;
};

struct SnapshotResult {
  SnapshotOutcome outcome = SnapshotOutcome::ignored;
  SyncJoin join;                      // joined
  std::uint64_t dropped_stale = 0;    // held, too_old: buffered events older than the snapshot
  std::uint64_t first_usable_id = 0;  // too_old: U of the first event the snapshot did not reach
};

struct SyncCounters {
  std::uint64_t applied = 0;                // events applied to the book (at joins too)
  std::uint64_t buffered = 0;               // events copied into the buffer
  std::uint64_t dropped_stale = 0;          // duplicates and events older than the book or snapshot
  std::uint64_t gaps = 0;                   // continuity breaks (synced, buffered or partial)
  std::uint64_t syncs = 0;                  // joins of a snapshot (the initial one included)
  std::uint64_t resyncs = 0;                // joins after the book had been synced before
  std::uint64_t snapshots_rejected = 0;     // snapshots found too old
  std::uint64_t snapshots_ignored = 0;      // snapshots that arrived when none was needed
  std::uint64_t buffer_overflows = 0;       // by count or by bytes
  std::uint64_t buffer_byte_overflows = 0;  // of them, by bytes (max_buffered_bytes)
  std::uint64_t partial_replaced = 0;       // partial-depth events that replaced the book
  std::uint64_t stale_gaps = 0;             // gaps that were stale runs (also in gaps)
  std::uint64_t snapshots_unjoined = 0;     // snapshots given up: no event joined them
  std::uint64_t trimmed = 0;  // buffered events the caller dropped from the front (drop_oldest_*)
};

struct SyncLimits {
  std::size_t max_buffered_events = 10000;  // about 100 s of spot @100ms; 0 is treated as 1
  // Consecutive stale events that make a break (a gap with UpdateResult::stale_run). A duplicate or
  // a late event is one or a few; a stream frozen behind a bogus id is every event from then on. 0
  // is treated as 1.
  std::uint64_t max_stale_run = 100;
  // Events older than a loaded snapshot before it is given up (snapshot_unjoined), unless the
  // stream is still approaching it (it would reach it within 100 such runs at its pace: a reader
  // lagging a flood); then the run starts over. The stream catches up with a genuine snapshot
  // within a second or so. 0 is treated as 1.
  std::uint64_t max_unjoined_events = 1000;
  // Memory of the buffered events (their levels included): a few huge events must not take
  // gigabytes. Beyond it the buffer restarts as for max_buffered_events, and its memory is freed.
  std::size_t max_buffered_bytes = std::size_t{64} << 20;
  // Levels per side of the book (OrderBook::set_max_levels_per_side); 0: no bound.
  std::size_t max_book_levels = 0;
};

class BookSynchronizer {
 public:
  explicit BookSynchronizer(Market market, SyncLimits limits = {});

  // Feeds the next event of the stream, in arrival order. Views in `event` are not kept: a
  // buffered copy owns its levels and has empty symbol/bids_json/asks_json.
  UpdateResult on_update(const DepthUpdate& event);
  // Feeds a REST snapshot of the same symbol.
  SnapshotResult on_snapshot(const DepthSnapshot& snapshot);
  // A new connection: forget the buffer, the loaded snapshot and continuity; counters stay.
  void reset();

  SyncState state() const noexcept { return state_; }
  bool book_valid() const noexcept { return state_ == SyncState::synced; }
  // True while events are buffered and no snapshot is loaded: fetch one now. The caller tracks
  // its own request in flight; a snapshot fetched too early is answered with too_old.
  bool needs_snapshot() const noexcept {
    return state_ == SyncState::awaiting_snapshot && buffered_count_ > 0;
  }
  // The book; meaningful only while book_valid() (after a gap it keeps its last valid state).
  const OrderBook& book() const noexcept { return book_; }
  // OrderBook::set_prefetch_blocks for the book kept here (a process keeping many books).
  void set_prefetch_book_blocks(bool on) { book_.set_prefetch_blocks(on); }
  const SyncCounters& counters() const noexcept { return counters_; }
  std::size_t buffered_count() const noexcept { return buffered_count_; }
  std::size_t buffered_bytes() const noexcept { return buffered_bytes_; }
  // Bounds on what waits for a snapshot (session/presync_budget.hpp): while awaiting_snapshot,
  // drop the oldest buffered events, never the newest one (it carries the continuity the next
  // snapshot is judged by). The rest stay continuous; a snapshot older than the first kept event
  // is answered with too_old, and the caller fetches a newer one. Each returns the events dropped
  // (counted in SyncCounters::trimmed); amortised O(1) per event dropped.
  //   Those whose event time (E) is before `cutoff_ms`: a stream whose snapshot request is still
  //   queued keeps a tail only, since the snapshot it will get is newer than what it has now.
  std::size_t drop_oldest_before(std::int64_t cutoff_ms);
  //   As many as free at least `bytes` of buffer memory (or all but the newest).
  std::size_t drop_oldest_bytes(std::size_t bytes);
  // Memory the buffer's storage holds, reused slots included (released at each join).
  std::size_t buffer_capacity_bytes() const noexcept;
  // What an event takes in the buffer (its levels' memory included).
  static std::size_t buffered_size(const DepthUpdate& event) noexcept;
  // The u of the last event applied (or of the loaded snapshot); 0 before any.
  std::uint64_t last_final_id() const noexcept { return book_.last_update_id(); }
  Market market() const noexcept { return market_; }

 private:
  UpdateResult on_partial(const DepthUpdate& event);
  UpdateResult on_synced(const DepthUpdate& event);
  UpdateResult on_awaiting_event(const DepthUpdate& event);
  UpdateResult on_awaiting_snapshot(const DepthUpdate& event);
  bool older_than_snapshot(const DepthUpdate& event, std::uint64_t snapshot_id) const;
  bool joins_snapshot(const DepthUpdate& event, std::uint64_t snapshot_id) const;
  void push_buffer(const DepthUpdate& event);
  void drop_buffer_front(std::size_t count);
  // Buffered event `i` (0: the oldest); slots [begin_, begin_ + buffered_count_) are in use.
  DepthUpdate& slot(std::size_t i) noexcept { return buffer_[begin_ + i]; }
  static std::size_t slot_memory(const DepthUpdate& slot) noexcept;
  void clear_buffer() {
    begin_ = 0;
    buffered_count_ = 0;
    buffered_bytes_ = 0;
  }
  // clear_buffer(), and the storage freed (after a join).
  void release_buffer();
  void apply_joined(const DepthUpdate& event, SyncJoin& join);
  // Counts one more stale event in a row; true when that makes max_stale_run.
  bool stale_run_complete();
  // At the unjoined bound: true (and the run restarts) while the stream still approaches the
  // snapshot, i.e. would reach it within kApproachingRuns more runs at its pace.
  bool approaching(const DepthUpdate& event, std::uint64_t snapshot_id);
  static constexpr std::uint64_t kApproachingRuns = 100;
  // The stream restarts its continuity and the buffer from `event` (after a stale run or an
  // unjoined snapshot): awaiting_snapshot.
  void restart_buffer_from(const DepthUpdate& event);
  SyncJoin start_join();

  Market market_;
  SyncLimits limits_;
  SyncState state_ = SyncState::awaiting_snapshot;
  OrderBook book_;
  ContinuityChecker continuity_;
  // Slots [begin_, begin_ + buffered_count_) are in use; the others keep their capacity for reuse.
  // Dropping from the front moves begin_; the live slots move back to 0 once begin_ passes their
  // count (push_buffer), so a tail that drops one event per event costs O(1) each.
  std::vector<DepthUpdate> buffer_;
  std::size_t begin_ = 0;
  std::size_t buffered_count_ = 0;
  std::size_t buffered_bytes_ = 0;          // slot_memory() of the slots in use
  std::uint64_t stale_since_snapshot_ = 0;  // for the join's dropped_stale
  std::uint64_t stale_run_ = 0;             // consecutive stale events
  std::uint64_t unjoined_run_ = 0;          // events older than the held snapshot since it loaded
  std::uint64_t unjoined_from_ = 0;  // final id of the first event of the current unjoined run
  bool ever_synced_ = false;
  SyncCounters counters_;
};

}  // namespace depthrec
