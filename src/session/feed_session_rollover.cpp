// FeedSession's make-before-break rollover: a successor connection's events are held until they
// join the book's continuity, then the successor becomes the active connection (no gap, no
// snapshot) and the old one is retired. A book not synced (waiting for its snapshot, or resyncing
// after a gap) joins on its stream's newest event instead and keeps its buffer and its snapshot
// request: its sync goes on with the successor's events. See feed_session.hpp.
#include "session/feed_session.hpp"

#include <algorithm>

namespace depthrec::session {

void FeedSession::on_successor_open(std::uint64_t conn_id, std::uint64_t replaced_conn_id,
                                    std::string_view url, std::int64_t now_ns) {
  if (replaced_conn_id != context_.conn_id) return;
  Successor successor;
  successor.conn_id = conn_id;
  successor.replaced_conn_id = replaced_conn_id;
  successor.url = std::string(url);
  successor.opened_ns = now_ns;
  successor_ = std::move(successor);
  // A book that has had no event on this connection has nothing to continue: it moves now.
  if (join_point() == 0) {
    switch_to_successor(now_ns);
    return;
  }
  log(LogLevel::info, "successor connection " + std::to_string(conn_id) + " opened to replace " +
                          std::to_string(replaced_conn_id) + ": waiting for it to join the book");
}

std::uint64_t FeedSession::join_point() const {
  return sync_.book_valid() ? sync_.last_final_id() : stream_last_u_;
}

void FeedSession::on_rollover_failed(std::uint64_t conn_id, std::string_view reason, std::int64_t) {
  metrics_.record_rollover_fallback();
  std::uint64_t held = 0;
  if (successor_) held = successor_->held.size();
  successor_.reset();
  log(LogLevel::warning, "rollover to connection " + std::to_string(conn_id) + " given up (" +
                             std::string(reason) + ", " + std::to_string(held) +
                             " held events dropped): reconnecting and resyncing");
}

bool FeedSession::rollover_disconnect(std::uint64_t conn_id, std::string_view reason,
                                      std::optional<int>, std::int64_t) {
  if (successor_ && conn_id == successor_->conn_id) {
    log(LogLevel::warning, "successor connection " + std::to_string(conn_id) +
                               " closed before taking over: " + std::string(reason));
    successor_.reset();
    return true;
  }
  if (conn_id == 0 || conn_id != retired_conn_) return false;
  // The old connection of a rollover: the successor already continues the stream (the connection
  // writes the disconnect record).
  retired_conn_ = 0;
  log(LogLevel::info, "rolled-over connection " + std::to_string(conn_id) + " closed (" +
                          std::to_string(late_events_) + " late events of it ignored)");
  late_events_ = 0;
  return true;
}

void FeedSession::hold_successor_event(const DepthUpdate& update, std::int64_t recv_ns,
                                       std::size_t frame_bytes) {
  Successor& successor = *successor_;
  // Events the stream already has are dropped at once; they never count against the bound. The
  // join point itself means the successor has caught up: its next event continues the stream.
  const std::uint64_t point = join_point();
  if (update.final_id <= point && successor.held.empty()) {
    ++successor.overlap;
    if (update.final_id == point) switch_to_successor(recv_ns);
    return;
  }
  if (successor.held.size() >= std::max<std::size_t>(config_.max_buffered_events, 1)) {
    const std::uint64_t id = successor.conn_id;
    const std::string reason = "no join within the held-event bound";
    on_rollover_failed(id, reason, recv_ns);
    if (carrier_) carrier_->stream_cannot_join(*this, id, reason, recv_ns);
    return;
  }
  HeldEvent& held = successor.held.emplace_back();
  held.update = update;
  held.symbol = std::string(update.symbol);
  held.bids_json = std::string(update.bids_json);
  held.asks_json = std::string(update.asks_json);
  held.update.symbol = {};
  held.update.bids_json = {};
  held.update.asks_json = {};
  held.recv_ns = recv_ns;
  held.frame_bytes = frame_bytes;
  try_switch(recv_ns);
}

bool FeedSession::joins_book(const DepthUpdate& update, std::uint64_t last_u) const {
  if (update.kind == DepthKind::partial && !update.has_prev_final_id)
    return update.final_id > last_u;  // spot partial depth: each event is a whole view
  if (update.has_prev_final_id) return update.prev_final_id == last_u;
  return update.first_id <= last_u + 1 && last_u + 1 <= update.final_id;
}

void FeedSession::try_switch(std::int64_t now_ns) {
  const std::uint64_t last_u = join_point();
  if (!successor_ || last_u == 0) return;
  Successor& successor = *successor_;
  bool caught_up = false;  // the successor delivered the book's last event: what follows continues
  while (!successor.held.empty() && successor.held.front().update.final_id <= last_u) {
    caught_up = successor.held.front().update.final_id == last_u;
    successor.held.pop_front();
    ++successor.overlap;
  }
  if (caught_up || (!successor.held.empty() && joins_book(successor.held.front().update, last_u)))
    switch_to_successor(now_ns);
}

void FeedSession::switch_to_successor(std::int64_t now_ns) {
  Successor successor = std::move(*successor_);
  successor_.reset();
  const std::uint64_t old_conn = context_.conn_id;
  context_.conn_id = successor.conn_id;
  url_ = successor.url;
  const double wait_ms = static_cast<double>(now_ns - successor.opened_ns) / 1e6;
  metrics_.record_rollover(successor.overlap);
  retired_conn_ = old_conn;
  late_events_ = 0;
  log(LogLevel::info, "rolled over from connection " + std::to_string(old_conn) + " to " +
                          std::to_string(successor.conn_id) +
                          " at u=" + std::to_string(join_point()) +
                          (sync_.book_valid() ? "" : " (not synced: its sync continues there)") +
                          " after " + std::to_string(wait_ms) + " ms (" +
                          std::to_string(successor.overlap) + " overlapping events dropped)");
  // Before the held events: the successor's connect record precedes its depth lines.
  if (carrier_) carrier_->stream_joined(*this, successor.conn_id, successor.overlap, now_ns);
  for (HeldEvent& held : successor.held) {
    held.update.symbol = held.symbol;
    held.update.bids_json = held.bids_json;
    held.update.asks_json = held.asks_json;
    process_depth(held.update, held.recv_ns, held.frame_bytes);
  }
}

void FeedSession::move_to_successor(std::uint64_t conn_id, std::int64_t now_ns) {
  if (conn_id == context_.conn_id) return;
  successor_.reset();
  const std::uint64_t old_conn = context_.conn_id;
  // The successor's events since it opened were not kept for this stream: a break, marked.
  record_connection_lost(now_ns);
  context_.conn_id = conn_id;
  retired_conn_ = old_conn;
  late_events_ = 0;
  sync_.reset();
  stream_last_u_ = 0;
  bound_presync(now_ns);
  // A snapshot already asked for serves the new buffer (the sync asks again if it is too old):
  // dropping it would fetch a second one and leave the first one's answer to arrive anyway.
  refused_frame_pending_ = false;
  if (config_.depth_levels == 0) metrics_.sync_started(now_ns, ever_synced_);
  sync_started_ns_ = now_ns;
  log(LogLevel::warning, "did not join connection " + std::to_string(conn_id) +
                             " before connection " + std::to_string(old_conn) +
                             " was retired for the other streams: resyncing on it");
}

}  // namespace depthrec::session
