#include "session/feed_session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <rapidjson/document.h>

#include "depthrec/epoch_time.hpp"
#include "depthrec/peer_text.hpp"
#include "depthrec/snapshot.hpp"
#include "session/observed_events.hpp"

namespace depthrec::session {
namespace {

using std::chrono::milliseconds;

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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

// By name, not by position: SyncLimits has more bounds than the config sets (the stale-run and
// unjoined-snapshot bounds keep their defaults), and a positional list would fill those instead.
SyncLimits sync_limits(const RecorderConfig& config) {
  SyncLimits limits;
  limits.max_buffered_events = config.max_buffered_events;
  limits.max_buffered_bytes = config.max_buffered_bytes;
  limits.max_book_levels = config.max_book_levels;
  // Events older than a held snapshot are the ones in flight when it was taken: as many as may
  // wait for a snapshot (the buffer's bound), not fewer. With 1000, a recorder lagging a fast
  // stream by more than 1000 events (flat out, ~8 ms at 125k ev/s) gave up every genuine snapshot
  // and never synced (FaultLongRun: 861 breaks, 0 syncs).
  limits.max_unjoined_events =
      std::max<std::uint64_t>(limits.max_unjoined_events, config.max_buffered_events);
  return limits;
}

}  // namespace

FeedSession::FeedSession(const RecorderConfig& config, FeedMetrics& metrics, SessionHooks hooks)
    : config_(config),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      key_{config.market, to_upper(config.symbol), book_stream_name(config)},
      sync_(config.market, sync_limits(config)) {
  context_.market = key_.market;
  context_.symbol = key_.symbol;
  context_.stream = key_.stream;
  ticker_context_ = context_;
  ticker_context_.stream = book_ticker_stream_name(key_.symbol);
  ticker_context_.stream_id = context_.stream_id + 1;
  line_.reserve(8192);
}

FeedSession::~FeedSession() {
  if (presync_.budget != nullptr) presync_.budget->update(presync_accounted_, 0);
}

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

void FeedSession::on_connected(std::uint64_t conn_id, std::string_view url, std::int64_t now_ns) {
  if (stopped_) return;
  successor_.reset();
  retired_conn_ = 0;
  context_.conn_id = conn_id;
  url_ = std::string(url);
  sync_.reset();
  bound_presync(now_ns);
  // The new connection asks for its own snapshot; one still queued for the old one is not sent.
  if (snapshot_in_flight_ && hooks_.cancel_snapshot) hooks_.cancel_snapshot();
  snapshot_in_flight_ = false;
  snapshot_dispatched_ = false;
  refused_frame_pending_ = false;  // a frame refused on the old connection lost nothing here
  // A full book syncs from a snapshot on every connection; the first sync is "initial", any later
  // one is a resync after the reconnect.
  if (config_.depth_levels == 0) metrics_.sync_started(now_ns, ever_synced_);
  sync_started_ns_ = now_ns;
  log(LogLevel::info, "connected (conn " + std::to_string(conn_id) + ") to " + url_);
}

void FeedSession::on_disconnected(std::uint64_t conn_id, std::string_view reason,
                                  std::optional<int> code, std::int64_t now_ns) {
  if (stopped_ || rollover_disconnect(conn_id, reason, code, now_ns) || conn_id != context_.conn_id)
    return;
  successor_.reset();
  // Events sent while we were away are lost to this connection: the recording says so.
  record_connection_lost(now_ns);
  log(LogLevel::warning, "disconnected (conn " + std::to_string(context_.conn_id) +
                             "): " + std::string(reason) +
                             (code ? " code " + std::to_string(*code) : std::string()));
}

void FeedSession::record_connection_lost(std::int64_t now_ns) {
  GapInfo gap;
  gap.reason = GapReason::reconnect;
  if (sync_.last_final_id() != 0) gap.last_u = sync_.last_final_id();
  append_gap_record(line_, context_, now_ns, gap);
  write(line_);
  metrics_.record_gap(to_string(GapReason::reconnect));
  pending_gap_ = GapReason::reconnect;
  metrics_.set_book(BookTop{false, sync_.last_final_id(), std::nullopt, std::nullopt}, now_ns);
}

void FeedSession::on_depth(std::uint64_t conn_id, const Frame& frame, std::int64_t recv_ns,
                           std::size_t frame_bytes) {
  if (conn_id == context_.conn_id) {
    process_depth(frame.depth, recv_ns, frame_bytes);
    if (successor_) try_switch(recv_ns);
  } else if (successor_ && conn_id == successor_->conn_id) {
    hold_successor_event(frame.depth, recv_ns, frame_bytes);
  } else if (conn_id != 0 && conn_id == retired_conn_) {
    ++late_events_;  // the successor delivers these too (or already did)
  }
}

void FeedSession::stop(std::string_view reason) {
  if (stopped_) return;
  stopped_ = true;
  if (snapshot_in_flight_ && hooks_.cancel_snapshot) hooks_.cancel_snapshot();
  snapshot_in_flight_ = false;
  successor_.reset();
  // No connection id is 0: on_depth, on_refused_frame and the rollover ignore every connection.
  context_.conn_id = 0;
  retired_conn_ = 0;
  log(LogLevel::info, "stopped: " + std::string(reason));
}

void FeedSession::on_refused_frame(std::uint64_t conn_id) {
  if (conn_id == context_.conn_id) refused_frame_pending_ = true;
}

GapReason FeedSession::break_reason(const UpdateResult& result) const {
  if (result.stale_run) return GapReason::stale_stream;
  if (refused_frame_pending_) return GapReason::parse_error;
  return gap_reason_of(result.continuity);
}

void FeedSession::process_depth(const DepthUpdate& update, std::int64_t recv_ns,
                                std::size_t frame_bytes) {
  const UpdateResult result = sync_.on_update(update);
  handle_outcome(result, update, recv_ns);
  // Until its snapshot request is sent, the book can use only the newest events: keep a tail.
  // (A synced book buffers nothing: the count test keeps the call off the synced hot path.)
  if (presync_.tail.count() > 0 && !snapshot_dispatched_ && sync_.buffered_count() > 1 &&
      update.event_time_ms > 0)
    sync_.drop_oldest_before(update.event_time_ms - presync_.tail.count());
  bound_presync(recv_ns);
  refused_frame_pending_ = false;  // this event showed whether the refused frame lost one

  std::int64_t callback_ns = -1;
  const UpdateOutcome outcome = result.outcome;
  const bool book_changed = changes_book(outcome);
  // A break is published once too, as an unsynced state (the book as it last was valid), so a
  // consumer learns that the stream of states is interrupted until the next resync.
  const bool book_broke = outcome == UpdateOutcome::gap;
  if (book_changed || book_broke) publish(update, recv_ns, callback_ns);

  EventSample sample;
  sample.recv_ns = recv_ns;
  sample.event_time_ms = update.event_time_ms;
  sample.batch_span = update.final_id >= update.first_id ? update.final_id - update.first_id : 0;
  sample.frame_bytes = frame_bytes;
  sample.callback_ns = callback_ns;
  sample.book = book_top();

  // Every depth event received is recorded, whatever the sync made of it: the recording is the
  // raw stream plus markers, and depthrec-replay re-runs the sync over it.
  PushInfo push;
  if (hooks_.write) {
    std::int64_t event_ns = 0;
    const double latency_event_ms =
        update.event_time_ms > 0 && epoch_ms_to_ns(update.event_time_ms, event_ns)
            ? static_cast<double>(recv_ns - event_ns) / 1e6
            : std::nan("");
    const double pipeline_ms = static_cast<double>(wall_clock_ns() - recv_ns) / 1e6;
    append_depth_record(line_, context_, update, recv_ns, latency_event_ms, pipeline_ms);
    push = write(line_, false);
  }
  publish_book_if_due(result, update, recv_ns);
  if (!observers_.depth.empty())
    observers_.depth.publish(observed_depth(update, observers_.key, recv_ns));
  sample.pipeline_ns = wall_clock_ns() - recv_ns;
  sample.queue_depth = push.queue_depth;
  sample.queue_drops = push.drops_total;
  metrics_.record_event(sample);
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

void FeedSession::on_ticker(const BookTicker& ticker, std::int64_t recv_ns) {
  if (!config_.record_book_ticker || stopped_) return;
  ticker_context_.conn_id = context_.conn_id;
  append_ticker_record(line_, ticker_context_, recv_ns, ticker);
  // Under the ticker's own stream: its writer_drop markers and its gzip members are its own.
  write(line_, ticker_context_, false);
  if (!observers_.book_ticker.empty())
    observers_.book_ticker.publish(observed_book_ticker(ticker, ticker_key_, recv_ns));
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

void FeedSession::publish(const DepthUpdate& update, std::int64_t recv_ns,
                          std::int64_t& callback_ns) {
  const bool synced = sync_.book_valid();
  if (!callbacks_.empty()) {
    const std::int64_t start = steady_now_ns();
    const BookUpdate view{key_, update, sync_.book(), recv_ns, synced};
    for (const UpdateCallback& callback : callbacks_) {
      try {
        callback(view);
      } catch (const std::exception& error) {
        // A user's callback must not take the recorder down: the recording goes on.
        if (++callback_errors_ <= 10 || callback_errors_ % 10000 == 0)
          log(LogLevel::error, "update callback threw (" + std::to_string(callback_errors_) +
                                   " so far): " + error.what());
      } catch (...) {
        if (++callback_errors_ <= 10 || callback_errors_ % 10000 == 0)
          log(LogLevel::error, "update callback threw a non-standard exception (" +
                                   std::to_string(callback_errors_) + " so far)");
      }
    }
    callback_ns = steady_now_ns() - start;
  }
  for (const auto& queue : queues_)
    queue->try_push(
        top_of_book(update, sync_.book(), queue->levels(), synced, shared_key_, recv_ns));
  for (const auto& observer : observers_.book.sinks())
    observer->publish(
        top_of_book(update, sync_.book(), observer->levels(), synced, observers_.key, recv_ns));
}

PushInfo FeedSession::write(std::string& line, bool marker) {
  return write(line, context_, marker);
}

PushInfo FeedSession::write(std::string& line, const RecordContext& context, bool marker) {
  if (!hooks_.write) {
    line.clear();
    return {};
  }
  return hooks_.write(line, context, marker);
}

void FeedSession::log(LogLevel level, const std::string& message) {
  if (hooks_.log) hooks_.log(level, key_.symbol + " " + key_.stream + ": " + message);
}

void FeedSession::log_per_event(LogLevel level, const std::string& message) {
  if (event_logs_.admit()) log(level, message + event_logs_.so_far());
}

BookTop FeedSession::book_top() const {
  BookTop top;
  top.synced = sync_.book_valid();
  top.last_update_id = sync_.last_final_id();
  if (top.synced) {
    if (auto bid = sync_.book().best_bid()) top.best_bid = bid->price;
    if (auto ask = sync_.book().best_ask()) top.best_ask = ask->price;
  }
  return top;
}

}  // namespace depthrec::session
