#include "session/trade_channel_handler.hpp"

#include "depthrec/peer_text.hpp"
#include "session/observed_events.hpp"

namespace depthrec::session {

TradeChannelHandler::TradeChannelHandler(ChannelSetup setup, TradeKind kind)
    : ChannelHandler(std::move(setup)), kind_(kind) {}

void TradeChannelHandler::on_connected(std::uint64_t conn_id) {
  active_conn_ = conn_id;
  on_successor_gone();
}

void TradeChannelHandler::on_successor_open(std::uint64_t conn_id) {
  successor_ = conn_id;
  held_.clear();
}

bool TradeChannelHandler::joined(std::uint64_t conn_id) const {
  return successor_ == 0 && active_conn_ == conn_id;
}

void TradeChannelHandler::on_successor_gone() {
  successor_ = 0;
  held_.clear();
}

void TradeChannelHandler::force_join(std::int64_t) {
  if (successor_ != 0) join();
}

void TradeChannelHandler::handle(std::uint64_t conn_id, std::string_view frame,
                                 std::int64_t recv_ns) {
  if (successor_ != 0 && conn_id == successor_) {
    successor_frame(frame, recv_ns);
    return;
  }
  // A retired connection's last frames: the successor delivers them.
  if (active_conn_ != 0 && conn_id != active_conn_) return;
  record(frame, recv_ns);
  if (successor_ != 0) join_if_held_meets();
}

void TradeChannelHandler::successor_frame(std::string_view frame, std::int64_t recv_ns) {
  TradeEvent event;
  if (parse_trade_frame(frame, kind_, event, scratch_) != ParseError::none) {
    if (held_.empty()) return;  // the old connection delivers (or refuses) the same
    held_.push_back({held_.back().id, std::string(frame), recv_ns});  // in order, counted later
    return;
  }
  const std::optional<std::uint64_t> last = continuity_.last();
  if (held_.empty() && (!last || event.id <= *last + 1)) {
    join();
    record(frame, recv_ns);
    return;
  }
  held_.push_back({event.id, std::string(frame), recv_ns});
  if (held_.size() >= kMaxHeld) join();  // the old connection fell too far behind: take it as is
}

void TradeChannelHandler::join_if_held_meets() {
  const std::optional<std::uint64_t> last = continuity_.last();
  while (!held_.empty() && last && held_.front().id <= *last) held_.pop_front();
  if (!held_.empty() && last && held_.front().id == *last + 1) join();
}

void TradeChannelHandler::join() {
  active_conn_ = successor_;
  successor_ = 0;
  context().conn_id = active_conn_;
  std::deque<Held> held;
  held.swap(held_);
  for (const Held& h : held) record(h.frame, h.recv_ns);
}

void TradeChannelHandler::record(std::string_view frame, std::int64_t recv_ns) {
  const ParseError error = parse_trade_frame(frame, kind_, event_, scratch_);
  if (error != ParseError::none) {
    // Counted under its own kind; the stream goes on (the next id shows what was lost).
    metrics_mut().record_parse_error(error);
    log_per_event(LogLevel::warning, std::string(to_string(kind_)) + " frame refused (" +
                                         std::string(to_string(error)) +
                                         "): " + peer_text(frame, 160));
    return;
  }
  if (event_.symbol != key().symbol) {
    metrics_mut().record_other_symbol();
    log_per_event(LogLevel::warning, std::string(to_string(kind_)) + " of another symbol " +
                                         peer_text(event_.symbol, 64));
    return;
  }
  const IdStep step = continuity_.step(event_.id);
  switch (step.kind) {
    case IdStepKind::duplicate:
      metrics_mut().record_duplicate();
      return;
    case IdStepKind::backwards:
      metrics_mut().record_backwards();
      log_per_event(LogLevel::warning, "id " + std::to_string(event_.id) + " after " +
                                           std::to_string(step.last) + ": not recorded");
      return;
    case IdStepKind::gap: {
      IdGapInfo gap{step.from, step.to, step.missing, step.last, event_.id};
      append_id_gap_record(line(), context(), recv_ns, gap);
      write(line(), true);
      metrics_mut().record_gap(step.missing);
      log_per_event(LogLevel::warning, "id gap: " + std::to_string(step.missing) + " ids (" +
                                           std::to_string(step.from) + ".." +
                                           std::to_string(step.to) + ") not received");
      if (kind_ == TradeKind::agg_trade && hooks().fetch_agg_trades) start_repair(gap, recv_ns);
      break;
    }
    case IdStepKind::first:
    case IdStepKind::next:
      break;
  }
  const double latency_ms = event_latency_ms(event_.event_time_ms, recv_ns);
  append_event_record(line(), to_string(kind_), context(), recv_ns, event_.id, event_.event_time_ms,
                      event_.trade_time_ms, latency_ms, event_.payload);
  write(line(), false);
  metrics_mut().record_event(event_.id, event_.event_time_ms);
  if (!observers().trade.empty())
    observers().trade.publish(observed_trade(event_, observers().key, recv_ns));
}

}  // namespace depthrec::session
