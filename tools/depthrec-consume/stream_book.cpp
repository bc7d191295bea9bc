#include "stream_book.hpp"

namespace depthrec::consume {

void StreamBook::on_break() {
  ++counts_.breaks;
  if (!gap_marked_) ++counts_.unmarked_breaks;
  gap_marked_ = false;
}

bool StreamBook::apply(const DecodedEntry& entry) {
  ++counts_.entries;
  if (entry.kind == EntryKind::gap) {
    ++counts_.gap_entries;
    if (entry.redis_drop) ++counts_.redis_drops;
    gap_marked_ = true;
    return false;
  }
  if (entry.kind != EntryKind::depth && entry.kind != EntryKind::start) return false;
  if (!sync_) {
    // A book's market comes with its first record (its continuity rules are the market's).
    SyncLimits limits;
    limits.max_buffered_events = 20'000;
    sync_.emplace(*entry.item.market, limits);
    symbol_ = std::string(entry.item.symbol);
  }
  if (entry.kind == EntryKind::start) {
    ++counts_.start_entries;
    if (sync_->book_valid()) return false;  // synced: a start is a checkpoint, not needed
    const SnapshotResult result = sync_->on_snapshot(entry.item.snapshot);
    if (result.outcome != SnapshotOutcome::joined) return false;
    ++counts_.books_synced;
    gap_marked_ = false;
    return true;
  }
  ++counts_.depth_events;
  const UpdateResult result = sync_->on_update(entry.item.depth);
  switch (result.outcome) {
    case UpdateOutcome::applied:
      ++counts_.applied;
      gap_marked_ = false;
      return true;
    case UpdateOutcome::joined:
      ++counts_.books_synced;
      counts_.applied += result.join.applied;
      gap_marked_ = false;
      return true;
    case UpdateOutcome::replaced:
      ++counts_.applied;
      return true;
    case UpdateOutcome::replaced_after_gap:
      ++counts_.applied;
      on_break();
      return true;
    case UpdateOutcome::gap:
      on_break();
      return false;
    case UpdateOutcome::buffer_gap:
    case UpdateOutcome::buffer_overflow:
      // Events waiting for a start entry are not a book yet: a hole there is no broken book.
      return false;
    case UpdateOutcome::dropped_stale:
      ++counts_.stale;
      return false;
    case UpdateOutcome::buffered:
    case UpdateOutcome::snapshot_too_old:
    case UpdateOutcome::snapshot_unjoined:
      return false;
  }
  return false;
}

}  // namespace depthrec::consume
