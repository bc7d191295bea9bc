// FeedSession's event path: a connection's start and end for the stream, each depth and ticker
// event from frame to record, callbacks, queues and observers. The sync's outcomes and snapshots
// are in feed_session_sync.cpp, the marker records in feed_session_records.cpp, the rollover in
// feed_session_rollover.cpp. See feed_session.hpp.
#include "session/feed_session.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "depthrec/epoch_time.hpp"
#include "session/observed_events.hpp"

namespace depthrec::session {
namespace {

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
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

void FeedSession::on_connected(std::uint64_t conn_id, std::string_view url, std::int64_t now_ns) {
  if (stopped_) return;
  successor_.reset();
  retired_conn_ = 0;
  context_.conn_id = conn_id;
  url_ = std::string(url);
  sync_.reset();
  stream_last_u_ = 0;
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

void FeedSession::process_depth(const DepthUpdate& update, std::int64_t recv_ns,
                                std::size_t frame_bytes) {
  if (!grid_observers_.empty()) sample_book_grids(recv_ns);
  const UpdateResult result = sync_.on_update(update);
  stream_last_u_ = std::max(stream_last_u_, update.final_id);
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

void FeedSession::on_ticker(const BookTicker& ticker, std::int64_t recv_ns) {
  if (!config_.record_book_ticker || stopped_) return;
  ticker_context_.conn_id = context_.conn_id;
  append_ticker_record(line_, ticker_context_, recv_ns, ticker);
  // Under the ticker's own stream: its writer_drop markers and its gzip members are its own.
  write(line_, ticker_context_, false);
  if (!observers_.book_ticker.empty())
    observers_.book_ticker.publish(observed_book_ticker(ticker, ticker_key_, recv_ns));
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
  last_book_change_ns_ = recv_ns;
  for (GridObserver& observer : grid_observers_) {
    if (synced) {
      observer.grid.synced(recv_ns);
    } else {
      observer.grid.unsynced();
    }
  }
}

void FeedSession::split_grid_observers() {
  grid_observers_.clear();
  ObserverList<TopOfBook> every_change;
  for (const auto& sink : observers_.book.sinks()) {
    if (sink->every_ns() > 0) {
      grid_observers_.push_back({sink, BookSampleGrid(sink->every_ns())});
    } else {
      every_change.add(sink);
    }
  }
  observers_.book = std::move(every_change);
}

void FeedSession::sample_book_grids(std::int64_t recv_ns) {
  for (GridObserver& observer : grid_observers_) {
    if (!observer.grid.due(recv_ns)) continue;
    if (!sync_.book_valid()) {  // broke without an update that said so (a reconnect)
      observer.grid.unsynced();
      continue;
    }
    TopOfBook state;
    state.key = observers_.key;
    state.final_id = sync_.last_final_id();
    state.recv_ns = last_book_change_ns_;
    state.synced = true;
    sync_.book().top(observer.sink->levels(), state.bids, state.asks);
    observer.grid.take_points(recv_ns, [&](std::int64_t point_ns) {
      state.sample_ns = point_ns;
      observer.sink->publish(state);
    });
  }
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
