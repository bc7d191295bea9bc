// FeedSession's sync: what each depth event's outcome means for the book (breaks, joins, snapshot
// retries), the snapshot requests and answers, the pre-sync buffer's bounds, and the server-time
// samples. See feed_session.hpp.
#include "session/feed_session.hpp"

#include <algorithm>
#include <chrono>

#include <rapidjson/document.h>

#include "depthrec/peer_text.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec::session {
namespace {

using std::chrono::milliseconds;

GapReason gap_reason_of(const ContinuityVerdict& verdict) {
  return verdict.rule == GapRule::first_id ? GapReason::u_gap : GapReason::pu_mismatch;
}

std::string describe_stale_run(const ContinuityVerdict& v) {
  return "last u=" + std::to_string(v.last_final_id) +
         " and every event since older, up to U=" + std::to_string(v.got_first_id) +
         " u=" + std::to_string(v.got_final_id);
}

std::string describe(const ContinuityVerdict& v) {
  std::string text = "last u=" + std::to_string(v.last_final_id) + " expected " +
                     (v.rule == GapRule::first_id ? "U=" : "pu=") + std::to_string(v.expected) +
                     ", got U=" + std::to_string(v.got_first_id) +
                     " u=" + std::to_string(v.got_final_id);
  if (v.has_got_prev_final_id) text += " pu=" + std::to_string(v.got_prev_final_id);
  return text;
}

}  // namespace

void FeedSession::on_snapshot_dispatched() {
  if (snapshot_in_flight_) snapshot_dispatched_ = true;
}

PresyncState FeedSession::presync_figures() const {
  PresyncState figures;
  figures.bounded = presync_.budget != nullptr;
  figures.buffered_bytes = sync_.buffered_bytes();
  figures.budget_dropped = presync_budget_dropped_;
  figures.tail_trimmed = sync_.counters().trimmed - presync_budget_dropped_;
  figures.snapshots_too_old = snapshots_too_old_;
  return figures;
}

void FeedSession::bound_presync(std::int64_t now_ns) {
  if (presync_.budget == nullptr || sync_.buffered_bytes() == presync_accounted_) return;
  const bool grew = sync_.buffered_bytes() > presync_accounted_;
  presync_.budget->update(presync_accounted_, sync_.buffered_bytes());
  presync_accounted_ = sync_.buffered_bytes();
  const std::size_t excess = presync_.budget->excess();
  // Only the stream whose event took the total over the bound gives way, and only from its front:
  // a synced book buffers nothing, so no event after a sync is ever lost here. A book whose request
  // was sent keeps every event: its snapshot is on the way and joins one of them (trimmed, it
  // would be fetched again and again under pressure); few are (one request in flight per budget).
  if (!grew || excess == 0 || snapshot_dispatched_) return;
  const std::size_t dropped = sync_.drop_oldest_bytes(excess);
  if (dropped == 0) return;
  presync_budget_dropped_ += dropped;
  presync_.budget->update(presync_accounted_, sync_.buffered_bytes());
  presync_accounted_ = sync_.buffered_bytes();
  if (presync_.budget->count_dropped(dropped, now_ns)) {
    log(LogLevel::warning,
        "pre-sync buffers of all streams reached --max-presync-buffer-mb (" +
            std::to_string(presync_.budget->bound() >> 20) + " MiB): dropped the " +
            std::to_string(dropped) + " oldest events this book waited with (" +
            std::to_string(presync_.budget->dropped_events()) +
            " in all streams so far; a snapshot they would have joined is fetched again)");
  }
}

GapReason FeedSession::break_reason(const UpdateResult& result) const {
  if (result.stale_run) return GapReason::stale_stream;
  if (refused_frame_pending_) return GapReason::parse_error;
  return gap_reason_of(result.continuity);
}

void FeedSession::handle_outcome(const UpdateResult& result, const DepthUpdate& update,
                                 std::int64_t recv_ns) {
  switch (result.outcome) {
    case UpdateOutcome::buffered:
    case UpdateOutcome::applied:
      break;
    case UpdateOutcome::replaced:
      announce_synced();  // a partial-depth book is whole with each event
      break;
    case UpdateOutcome::joined:
      record_join(result.join, recv_ns);
      break;
    case UpdateOutcome::dropped_stale:
      // The last applied event again is a duplicate; anything older is stale (metrics.json
      // integrity.duplicates / stale_dropped). Neither is a break.
      if (sync_.book_valid() && update.final_id == sync_.last_final_id()) {
        metrics_.record_duplicate();
      } else {
        metrics_.record_stale_dropped();
      }
      break;
    case UpdateOutcome::gap:
    case UpdateOutcome::buffer_gap: {
      const GapReason reason = break_reason(result);
      record_gap(reason, &result.continuity, result.discarded, recv_ns);
      metrics_.record_break(to_string(reason));
      if (result.outcome == UpdateOutcome::gap) {
        // Only this book resyncs: new snapshot, same connection.
        pending_gap_ = reason;
        sync_started_ns_ = recv_ns;
        metrics_.sync_started(recv_ns, true);
      }
      log_per_event(LogLevel::warning, std::string("continuity break (") +
                                           std::string(to_string(reason)) + "): " +
                                           (result.stale_run ? describe_stale_run(result.continuity)
                                                             : describe(result.continuity)) +
                                           "; resyncing");
      break;
    }
    case UpdateOutcome::buffer_overflow:
      record_gap(GapReason::buffer_overflow, nullptr, result.discarded, recv_ns);
      metrics_.record_break(to_string(GapReason::buffer_overflow));
      log_per_event(LogLevel::warning, "more than " + std::to_string(config_.max_buffered_events) +
                                           " events or " +
                                           std::to_string(config_.max_buffered_bytes) +
                                           " bytes waited for a snapshot: buffer restarted");
      break;
    case UpdateOutcome::snapshot_too_old:
      ++snapshots_too_old_;
      log(LogLevel::info, "snapshot " + std::to_string(result.snapshot_id) +
                              " is older than the stream: fetching a newer one");
      request_snapshot(milliseconds(0));
      break;
    case UpdateOutcome::snapshot_unjoined:
      metrics_.record_snapshot_unjoined();
      log(LogLevel::warning, "snapshot " + std::to_string(result.snapshot_id) +
                                 " is ahead of the stream: no event joined it (last U=" +
                                 std::to_string(update.first_id) +
                                 " u=" + std::to_string(update.final_id) + "); fetching a new one");
      request_snapshot(milliseconds(0));
      break;
    case UpdateOutcome::replaced_after_gap: {
      // A partial-depth stream resyncs on the very event that showed the gap.
      const GapReason reason = break_reason(result);
      record_gap(reason, &result.continuity, 0, recv_ns);
      metrics_.record_break(to_string(reason));
      metrics_.sync_started(recv_ns, true);
      metrics_.sync_finished(recv_ns);
      ResyncInfo resync;
      resync.after_gap = reason;
      resync.last_update_id = update.final_id;
      resync.first_U = update.first_id;
      resync.first_u = update.final_id;
      append_resync_record(line_, context_, recv_ns, resync);
      write(line_);
      log_per_event(LogLevel::warning, std::string("continuity break (") +
                                           std::string(to_string(reason)) +
                                           "): " + describe(result.continuity));
      break;
    }
  }
  if (config_.depth_levels == 0 && sync_.needs_snapshot()) request_snapshot(milliseconds(0));
}

void FeedSession::on_snapshot_answer(const RestAnswer& answer) {
  if (stopped_) return;  // answered after the stream was unsubscribed: nothing to sync
  snapshot_in_flight_ = false;
  snapshot_dispatched_ = false;
  DepthSnapshot snapshot;
  std::string problem;
  if (!answer.error.empty()) {
    problem = peer_text(answer.error);
  } else if (answer.status != 200) {
    problem = "HTTP " + std::to_string(answer.status) + ": " + peer_text(answer.body);
  } else if (ParseError error = parse_snapshot(answer.body, snapshot); error != ParseError::none) {
    problem = "bad snapshot body (" + std::string(to_string(error)) + ")";
  }
  if (!problem.empty()) {
    metrics_.record_snapshot_fetch(answer.status == 429   ? SnapshotFetch::rate_limited
                                   : answer.status == 418 ? SnapshotFetch::banned
                                                          : SnapshotFetch::failed);
    ++snapshot_failures_;
    // 429/418 are also held back by the fetcher until Retry-After: the real wait is the longer.
    auto delay = milliseconds(std::min<std::int64_t>(config_.backoff_max.count(),
                                                     200LL << std::min(snapshot_failures_, 8)));
    std::string why;
    if (answer.retry_after && *answer.retry_after > delay) {
      delay = std::chrono::duration_cast<milliseconds>(*answer.retry_after);
      why = " (Retry-After " + std::to_string(answer.retry_after->count()) + " s)";
    }
    log(LogLevel::warning, "snapshot request failed: " + problem + "; retrying in " +
                               std::to_string(delay.count()) + " ms" + why);
    if (config_.depth_levels == 0 && sync_.state() == SyncState::awaiting_snapshot)
      request_snapshot(delay);
    return;
  }
  metrics_.record_snapshot_fetch(SnapshotFetch::ok);
  if (snapshot.event_time_ms > 0)
    metrics_.record_server_time(answer.sent_ns, answer.received_ns, snapshot.event_time_ms);
  append_snapshot_record(line_, context_, snapshot, answer.received_ns);
  write(line_);

  const SnapshotResult result = sync_.on_snapshot(snapshot);
  bound_presync(answer.received_ns);
  switch (result.outcome) {
    case SnapshotOutcome::joined:
      record_join(result.join, answer.received_ns);
      // Synced during a rollover: the successor's held events may continue the book now.
      if (successor_) try_switch(answer.received_ns);
      break;
    case SnapshotOutcome::held:
    case SnapshotOutcome::ignored:
      break;
    case SnapshotOutcome::too_old:
      ++snapshots_too_old_;
      metrics_.record_snapshot_too_old();
      log(LogLevel::info, "snapshot " + std::to_string(snapshot.last_update_id) +
                              " is older than the first buffered event (U=" +
                              std::to_string(result.first_usable_id) + "): fetching again");
      request_snapshot(milliseconds(100));
      break;
  }
}

void FeedSession::on_server_time_answer(const RestAnswer& answer) {
  rapidjson::Document body;
  std::string problem;  // what was wrong, in the words an operator needs
  if (!answer.error.empty()) {
    problem = "server time request failed: " + peer_text(answer.error);
  } else if (answer.status != 200) {
    problem = "server time request failed: HTTP " + std::to_string(answer.status) + ": " +
              peer_text(answer.body);
  } else if (body.Parse(answer.body.c_str()).HasParseError() || !body.IsObject()) {
    problem = "server time answer (HTTP 200) is not a JSON object: " + peer_text(answer.body);
  } else if (!body.HasMember("serverTime") || !body["serverTime"].IsInt64()) {
    problem = "server time answer (HTTP 200) has no integer serverTime: " + peer_text(answer.body);
  }
  if (!problem.empty()) {
    log(LogLevel::warning, problem);
    return;
  }
  metrics_.record_server_time(answer.sent_ns, answer.received_ns, body["serverTime"].GetInt64());
  const ClockOffset offset = metrics_.snapshot(answer.received_ns).clock_offset;
  // Only once the stream could contradict it: a lying server time must not blame the local
  // clock (the recorder logs every later change of the estimate, rejections included).
  if (offset.large && offset.has_stream_bound && !offset.rest_rejected && !offset_warned_) {
    offset_warned_ = true;
    log(LogLevel::warning,
        "local clock differs from the exchange's by " + std::to_string(offset.offset_ms) +
            " ms (+/- " + std::to_string(offset.uncertainty_ms) +
            "): raw event latency is skewed; metrics.json also reports it corrected");
  }
}

void FeedSession::request_snapshot(milliseconds delay) {
  if (stopped_ || snapshot_in_flight_ || snapshot_retry_pending_ || !hooks_.request_snapshot)
    return;
  if (delay.count() > 0 && hooks_.schedule) {
    snapshot_retry_pending_ = true;
    hooks_.schedule(delay, [this] {
      snapshot_retry_pending_ = false;
      if (sync_.state() != SyncState::synced) request_snapshot(milliseconds(0));
    });
    return;
  }
  snapshot_in_flight_ = true;
  snapshot_dispatched_ = false;
  hooks_.request_snapshot(ever_synced_);
}

}  // namespace depthrec::session
