// FeedSession's marker records: the gap, resync and reconnect lines that tell a reader of the
// recording where the stream broke and where the book joined again, and the periodic `book` line
// for the Redis sink. See feed_session.hpp.
#include "session/feed_session.hpp"

namespace depthrec::session {

void FeedSession::record_connection_lost(std::int64_t now_ns) {
  // The grid points before the loss keep the book as it was; none follow until it resyncs.
  if (!grid_observers_.empty()) sample_book_grids(now_ns);
  for (GridObserver& observer : grid_observers_) observer.grid.unsynced();
  GapInfo gap;
  gap.reason = GapReason::reconnect;
  if (sync_.last_final_id() != 0) gap.last_u = sync_.last_final_id();
  append_gap_record(line_, context_, now_ns, gap);
  write(line_);
  metrics_.record_gap(to_string(GapReason::reconnect));
  pending_gap_ = GapReason::reconnect;
  metrics_.set_book(BookTop{false, sync_.last_final_id(), std::nullopt, std::nullopt}, now_ns);
}

void FeedSession::publish_book_if_due(const UpdateResult& result, const DepthUpdate& update,
                                      std::int64_t recv_ns) {
  const bool by_time = config_.redis_book_every_ms > 0;
  if ((config_.redis_book_every == 0 && !by_time) || !hooks_.publish_book ||
      update.kind != DepthKind::diff)
    return;
  if (result.outcome == UpdateOutcome::applied) ++applied_since_book_;
  if (result.outcome == UpdateOutcome::joined) applied_since_book_ += result.join.applied;
  if (applied_since_book_ == 0 || !sync_.book_valid()) return;
  if (by_time && !last_book_ns_) last_book_ns_ = recv_ns;  // the first period starts at the sync
  const bool due = by_time ? recv_ns - *last_book_ns_ >= config_.redis_book_every_ms * 1'000'000
                           : applied_since_book_ >= config_.redis_book_every;
  if (!due) return;
  applied_since_book_ = 0;
  last_book_ns_ = recv_ns;
  // After this event's depth line, so the sink gives it the id right after the event's.
  line_.clear();
  append_book_record(line_, context_, sync_.book(), recv_ns, update.event_time_ms,
                     update.transaction_time_ms);
  hooks_.publish_book(line_, context_);
  line_.clear();  // the sink took a copy; the next record appends to this buffer
}

void FeedSession::record_gap(GapReason reason, const ContinuityVerdict* verdict,
                             std::uint64_t dropped, std::int64_t recv_ns) {
  GapInfo gap;
  gap.reason = reason;
  gap.dropped = dropped;
  if (verdict) {
    gap.last_u = verdict->last_final_id;
    // A stale run expected no particular id: every one above last u would have done.
    if (reason != GapReason::stale_stream) gap.expected = verdict->expected;
    gap.got_U = verdict->got_first_id;
    if (verdict->has_got_prev_final_id) gap.got_pu = verdict->got_prev_final_id;
    gap.got_u = verdict->got_final_id;
  }
  append_gap_record(line_, context_, recv_ns, gap);
  write(line_);
}

void FeedSession::record_join(const SyncJoin& join, std::int64_t now_ns) {
  ResyncInfo resync;
  resync.after_gap = ever_synced_ ? pending_gap_ : std::nullopt;
  resync.last_update_id = join.snapshot_id;
  resync.first_U = join.first_id;
  resync.first_u = join.final_id;
  resync.dropped_stale = join.dropped_stale;
  resync.duration_ms = static_cast<double>(now_ns - sync_started_ns_) / 1e6;
  append_resync_record(line_, context_, now_ns, resync);
  write(line_);
  metrics_.sync_finished(now_ns);
  log(LogLevel::info,
      std::string(ever_synced_ ? "resynced" : "synced") + " on snapshot " +
          std::to_string(join.snapshot_id) + " (first event U=" + std::to_string(join.first_id) +
          " u=" + std::to_string(join.final_id) + ", " + std::to_string(join.dropped_stale) +
          " stale dropped) in " + std::to_string(resync.duration_ms) + " ms");
  ever_synced_ = true;
  pending_gap_.reset();
  snapshot_failures_ = 0;
  metrics_.set_book(book_top(), now_ns);
  announce_synced();  // after the metrics say synced: a READY handler may read them
}

}  // namespace depthrec::session
