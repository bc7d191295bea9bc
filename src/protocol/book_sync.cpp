#include "depthrec/book_sync.hpp"

#include <algorithm>
#include <utility>

namespace depthrec {

std::string_view to_string(SyncState state) {
  switch (state) {
    case SyncState::awaiting_snapshot:
      return "awaiting_snapshot";
    case SyncState::awaiting_event:
      return "awaiting_event";
    case SyncState::synced:
      return "synced";
  }
  return "unknown";
}

std::string_view to_string(UpdateOutcome outcome) {
  switch (outcome) {
    case UpdateOutcome::buffered:
      return "buffered";
    case UpdateOutcome::applied:
      return "applied";
    case UpdateOutcome::joined:
      return "joined";
    case UpdateOutcome::dropped_stale:
      return "dropped_stale";
    case UpdateOutcome::gap:
      return "gap";
    case UpdateOutcome::buffer_gap:
      return "buffer_gap";
    case UpdateOutcome::buffer_overflow:
      return "buffer_overflow";
    case UpdateOutcome::snapshot_too_old:
      return "snapshot_too_old";
    case UpdateOutcome::replaced:
      return "replaced";
    case UpdateOutcome::replaced_after_gap:
      return "replaced_after_gap";
    case UpdateOutcome::snapshot_unjoined:
      return "snapshot_unjoined";
  }
  return "unknown";
}

std::string_view to_string(SnapshotOutcome outcome) {
  switch (outcome) {
    case SnapshotOutcome::joined:
      return "joined";
    case SnapshotOutcome::held:
      return "held";
    case SnapshotOutcome::too_old:
      return "too_old";
    case SnapshotOutcome::ignored:
      return "ignored";
  }
  return "unknown";
}

BookSynchronizer::BookSynchronizer(Market market, SyncLimits limits)
    : market_(market), limits_(limits), continuity_(market) {
  limits_.max_buffered_events = std::max<std::size_t>(1, limits_.max_buffered_events);
  limits_.max_stale_run = std::max<std::uint64_t>(1, limits_.max_stale_run);
  limits_.max_unjoined_events = std::max<std::uint64_t>(1, limits_.max_unjoined_events);
  book_.set_max_levels_per_side(limits_.max_book_levels);
}

void BookSynchronizer::reset() {
  state_ = SyncState::awaiting_snapshot;
  clear_buffer();
  stale_since_snapshot_ = 0;
  stale_run_ = 0;
  unjoined_run_ = 0;
  continuity_.reset();
  book_.clear();
}

UpdateResult BookSynchronizer::on_update(const DepthUpdate& event) {
  if (event.kind == DepthKind::partial) return on_partial(event);
  switch (state_) {
    case SyncState::synced:
      return on_synced(event);
    case SyncState::awaiting_event:
      return on_awaiting_event(event);
    case SyncState::awaiting_snapshot:
      break;
  }
  return on_awaiting_snapshot(event);
}

UpdateResult BookSynchronizer::on_partial(const DepthUpdate& event) {
  UpdateResult result;
  result.continuity = continuity_.check(event);
  if (result.continuity.result != Continuity::stale) stale_run_ = 0;
  if (result.continuity.result == Continuity::stale) {
    if (!stale_run_complete()) {
      ++counters_.dropped_stale;
      result.outcome = UpdateOutcome::dropped_stale;
      return result;
    }
    // A stale run: this view replaces the book as after a gap, and continuity restarts from it.
    ++counters_.stale_gaps;
    result.stale_run = true;
    result.continuity.result = Continuity::gap;
    continuity_.restart_from(event.final_id);
  }
  book_.replace(event);
  book_.set_last_update_id(event.final_id);
  clear_buffer();
  state_ = SyncState::synced;
  ++counters_.applied;
  ++counters_.partial_replaced;
  if (result.continuity.result == Continuity::gap) {
    ++counters_.gaps;
    result.outcome = UpdateOutcome::replaced_after_gap;
  } else {
    result.outcome = UpdateOutcome::replaced;
  }
  return result;
}

UpdateResult BookSynchronizer::on_synced(const DepthUpdate& event) {
  UpdateResult result;
  result.continuity = continuity_.check(event);
  if (result.continuity.result != Continuity::stale) stale_run_ = 0;
  switch (result.continuity.result) {
    case Continuity::stale:
      if (stale_run_complete()) {
        ++counters_.gaps;
        ++counters_.stale_gaps;
        restart_buffer_from(event);
        result.stale_run = true;
        result.outcome = UpdateOutcome::gap;
        return result;
      }
      ++counters_.dropped_stale;
      result.outcome = UpdateOutcome::dropped_stale;
      return result;
    case Continuity::first:  // cannot happen: a join sets the reference; treat as continuous
    case Continuity::continuous:
      book_.apply(event);
      ++counters_.applied;
      result.outcome = UpdateOutcome::applied;
      return result;
    case Continuity::gap:
      break;
  }
  // The event that revealed the gap starts the buffer for the next snapshot.
  ++counters_.gaps;
  state_ = SyncState::awaiting_snapshot;
  clear_buffer();
  push_buffer(event);
  result.outcome = UpdateOutcome::gap;
  return result;
}

UpdateResult BookSynchronizer::on_awaiting_snapshot(const DepthUpdate& event) {
  UpdateResult result;
  result.continuity = continuity_.check(event);
  if (result.continuity.result != Continuity::stale) stale_run_ = 0;
  switch (result.continuity.result) {
    case Continuity::stale:
      if (stale_run_complete()) {
        ++counters_.gaps;
        ++counters_.stale_gaps;
        result.discarded = buffered_count_;
        restart_buffer_from(event);
        result.stale_run = true;
        result.outcome = UpdateOutcome::buffer_gap;
        return result;
      }
      ++counters_.dropped_stale;
      result.outcome = UpdateOutcome::dropped_stale;
      return result;
    case Continuity::gap:
      // The older events cannot reach any snapshot that the newer ones could continue from.
      ++counters_.gaps;
      result.discarded = buffered_count_;
      clear_buffer();
      push_buffer(event);
      result.outcome = UpdateOutcome::buffer_gap;
      return result;
    case Continuity::first:
    case Continuity::continuous:
      break;
  }
  const bool over_bytes = buffered_bytes_ + buffered_size(event) > limits_.max_buffered_bytes;
  if (buffered_count_ >= limits_.max_buffered_events || over_bytes) {
    ++counters_.buffer_overflows;
    result.discarded = buffered_count_;
    clear_buffer();
    if (over_bytes) {
      // The slots keep their levels' capacity for reuse: give the memory back instead.
      ++counters_.buffer_byte_overflows;
      std::vector<DepthUpdate>().swap(buffer_);
    }
    push_buffer(event);
    result.outcome = UpdateOutcome::buffer_overflow;
    return result;
  }
  push_buffer(event);
  result.outcome = UpdateOutcome::buffered;
  return result;
}

UpdateResult BookSynchronizer::on_awaiting_event(const DepthUpdate& event) {
  UpdateResult result;
  // Keeps the reference current so that a rejected snapshot leaves a consistent buffer behind.
  result.continuity = continuity_.check(event);
  stale_run_ = 0;  // stale here is measured against the snapshot (unjoined_run_)
  const std::uint64_t snapshot_id = book_.last_update_id();
  if (older_than_snapshot(event, snapshot_id)) {
    if (unjoined_run_ == 0) unjoined_from_ = event.final_id;
    if (++unjoined_run_ >= limits_.max_unjoined_events && !approaching(event, snapshot_id)) {
      ++counters_.snapshots_unjoined;
      restart_buffer_from(event);
      result.snapshot_id = snapshot_id;
      result.outcome = UpdateOutcome::snapshot_unjoined;
      return result;
    }
    ++counters_.dropped_stale;
    ++stale_since_snapshot_;
    result.outcome = UpdateOutcome::dropped_stale;
    return result;
  }
  if (joins_snapshot(event, snapshot_id)) {
    result.join = start_join();
    apply_joined(event, result.join);
    release_buffer();
    result.outcome = UpdateOutcome::joined;
    return result;
  }
  ++counters_.snapshots_rejected;
  state_ = SyncState::awaiting_snapshot;
  clear_buffer();
  continuity_.restart_from(event.final_id);
  push_buffer(event);
  result.snapshot_id = snapshot_id;
  result.outcome = UpdateOutcome::snapshot_too_old;
  return result;
}

bool BookSynchronizer::approaching(const DepthUpdate& event, std::uint64_t snapshot_id) {
  // A stream that lags a genuine snapshot (a burst, a slow reader) covers a fair share of the
  // distance per run: it would reach the snapshot within a few more runs, so the run starts over.
  // A snapshot far ahead (a bogus lastUpdateId) is not approached at that pace: given up.
  const std::uint64_t progress =
      event.final_id > unjoined_from_ ? event.final_id - unjoined_from_ : 0;
  const std::uint64_t remaining = snapshot_id - event.final_id;
  if (remaining / kApproachingRuns > progress) return false;
  unjoined_run_ = 0;
  return true;
}

SnapshotResult BookSynchronizer::on_snapshot(const DepthSnapshot& snapshot) {
  SnapshotResult result;
  if (state_ == SyncState::synced) {
    ++counters_.snapshots_ignored;
    result.outcome = SnapshotOutcome::ignored;
    return result;
  }
  const std::uint64_t snapshot_id = snapshot.last_update_id;
  // Buffered events are continuous and increasing, so the stale ones form a prefix.
  std::size_t stale = 0;
  while (stale < buffered_count_ && older_than_snapshot(slot(stale), snapshot_id)) ++stale;
  counters_.dropped_stale += stale;
  result.dropped_stale = stale;

  if (stale == buffered_count_) {
    book_.load(snapshot);
    clear_buffer();
    stale_since_snapshot_ = stale;
    unjoined_run_ = 0;
    state_ = SyncState::awaiting_event;
    result.outcome = SnapshotOutcome::held;
    return result;
  }
  if (!joins_snapshot(slot(stale), snapshot_id)) {
    ++counters_.snapshots_rejected;
    drop_buffer_front(stale);
    result.first_usable_id = slot(0).first_id;
    result.outcome = SnapshotOutcome::too_old;
    return result;
  }
  book_.load(snapshot);
  stale_since_snapshot_ = stale;
  result.join = start_join();
  for (std::size_t i = stale; i < buffered_count_; ++i) apply_joined(slot(i), result.join);
  release_buffer();
  result.outcome = SnapshotOutcome::joined;
  return result;
}

bool BookSynchronizer::older_than_snapshot(const DepthUpdate& event,
                                           std::uint64_t snapshot_id) const {
  // Futures keep an event ending exactly at lastUpdateId (it may be the one that joins); spot
  // drops it, since its first applied event must hold lastUpdateId + 1.
  return has_prev_final_id(market_) ? event.final_id < snapshot_id : event.final_id <= snapshot_id;
}

bool BookSynchronizer::joins_snapshot(const DepthUpdate& event, std::uint64_t snapshot_id) const {
  if (has_prev_final_id(market_)) {
    const bool spans = event.first_id <= snapshot_id && snapshot_id <= event.final_id;
    const bool follows = event.has_prev_final_id && event.prev_final_id == snapshot_id;
    return spans || follows;
  }
  return event.first_id <= snapshot_id + 1 && snapshot_id + 1 <= event.final_id;
}

bool BookSynchronizer::stale_run_complete() {
  if (++stale_run_ < limits_.max_stale_run) return false;
  stale_run_ = 0;
  return true;
}

void BookSynchronizer::restart_buffer_from(const DepthUpdate& event) {
  state_ = SyncState::awaiting_snapshot;
  clear_buffer();  // the bytes too: they counted the discarded events
  unjoined_run_ = 0;
  continuity_.restart_from(event.final_id);
  push_buffer(event);
}

void BookSynchronizer::push_buffer(const DepthUpdate& event) {
  if (begin_ > 0 && begin_ + buffered_count_ == buffer_.size() && begin_ >= buffered_count_) {
    // The front was dropped (a tail): move the live slots back to 0 instead of growing. Swapping
    // keeps every slot's capacity; it costs buffered_count_ <= begin_, the drops since the last
    // move, so O(1) per dropped event.
    for (std::size_t i = 0; i < buffered_count_; ++i) std::swap(buffer_[i], buffer_[begin_ + i]);
    begin_ = 0;
  }
  const std::size_t end = begin_ + buffered_count_;
  if (end < buffer_.size()) {
    buffer_[end] = event;  // copy-assignment reuses the slot's level capacity
  } else {
    buffer_.push_back(event);
  }
  DepthUpdate& added = buffer_[end];
  added.symbol = {};  // views into the caller's frame would dangle
  added.bids_json = {};
  added.asks_json = {};
  ++buffered_count_;
  buffered_bytes_ += slot_memory(added);
  ++counters_.buffered;
}

std::size_t BookSynchronizer::buffered_size(const DepthUpdate& event) noexcept {
  return sizeof(DepthUpdate) + (event.bids.size() + event.asks.size()) * sizeof(PriceLevel);
}

std::size_t BookSynchronizer::slot_memory(const DepthUpdate& slot) noexcept {
  // A slot's capacity is what it holds (reused from bigger events), not only its levels.
  return sizeof(DepthUpdate) + (slot.bids.capacity() + slot.asks.capacity()) * sizeof(PriceLevel);
}

void BookSynchronizer::drop_buffer_front(std::size_t count) {
  count = std::min(count, buffered_count_);
  for (std::size_t i = 0; i < count; ++i) {
    DepthUpdate& dropped = slot(i);
    buffered_bytes_ -= slot_memory(dropped);
    // Its levels' memory goes back now: a tail drops an event per event, and dead slots keeping
    // their capacity held 2.6 times what the pre-sync bound counted (679 MiB heap for 256 MiB
    // counted, 1,500 books: depthrec-stream-memory --wait-frames).
    std::vector<PriceLevel>().swap(dropped.bids);
    std::vector<PriceLevel>().swap(dropped.asks);
  }
  begin_ += count;
  buffered_count_ -= count;
  if (buffered_count_ == 0) begin_ = 0;
}

std::size_t BookSynchronizer::drop_oldest_before(std::int64_t cutoff_ms) {
  if (state_ != SyncState::awaiting_snapshot) return 0;
  std::size_t count = 0;
  while (count + 1 < buffered_count_ && slot(count).event_time_ms < cutoff_ms) ++count;
  drop_buffer_front(count);
  counters_.trimmed += count;
  return count;
}

std::size_t BookSynchronizer::drop_oldest_bytes(std::size_t bytes) {
  if (state_ != SyncState::awaiting_snapshot) return 0;
  std::size_t count = 0;
  std::size_t freed = 0;
  while (freed < bytes && count + 1 < buffered_count_) freed += slot_memory(slot(count++));
  drop_buffer_front(count);
  counters_.trimmed += count;
  return count;
}

std::size_t BookSynchronizer::buffer_capacity_bytes() const noexcept {
  std::size_t bytes = buffer_.capacity() * sizeof(DepthUpdate);
  for (const DepthUpdate& held : buffer_)
    bytes += (held.bids.capacity() + held.asks.capacity()) * sizeof(PriceLevel);
  return bytes;
}

void BookSynchronizer::release_buffer() {
  // The buffer's storage is not needed until the book breaks (rare): with thousands of books,
  // each keeping the storage of its sync's buffer would add up to hundreds of MiB.
  clear_buffer();
  std::vector<DepthUpdate>().swap(buffer_);
}

SyncJoin BookSynchronizer::start_join() {
  SyncJoin join;
  join.initial = !ever_synced_;
  join.snapshot_id = book_.last_update_id();
  join.dropped_stale = stale_since_snapshot_;
  ++counters_.syncs;
  if (ever_synced_) ++counters_.resyncs;
  ever_synced_ = true;
  stale_since_snapshot_ = 0;
  state_ = SyncState::synced;
  return join;
}

void BookSynchronizer::apply_joined(const DepthUpdate& event, SyncJoin& join) {
  if (join.applied == 0) {
    join.first_id = event.first_id;
    join.final_id = event.final_id;
  }
  book_.apply(event);
  continuity_.restart_from(event.final_id);
  ++join.applied;
  ++counters_.applied;
}

}  // namespace depthrec
