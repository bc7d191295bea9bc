#include "session/kline_channel_handler.hpp"

#include <utility>

#include "depthrec/peer_text.hpp"
#include "session/observed_events.hpp"

namespace depthrec::session {

KlineChannelHandler::KlineChannelHandler(ChannelSetup setup, bool closed_only)
    : ChannelHandler(std::move(setup)),
      closed_only_(closed_only),
      continuity_(key().channel.interval) {}

void KlineChannelHandler::handle(std::uint64_t, std::string_view frame, std::int64_t recv_ns) {
  const ParseError error = parse_kline_frame(frame, event_, scratch_);
  if (error != ParseError::none) {
    // Counted under its own kind; the stream goes on (the next open time shows what was lost).
    metrics_mut().record_parse_error(error);
    log_per_event(LogLevel::warning, "kline frame refused (" + std::string(to_string(error)) +
                                         "): " + peer_text(frame, 160));
    return;
  }
  if (event_.symbol != key().symbol) {
    metrics_mut().record_other_symbol();
    log_per_event(LogLevel::warning, "kline of another symbol " + peer_text(event_.symbol, 64));
    return;
  }
  if (event_.interval != key().channel.interval) {
    // Another interval's candle on this stream: its open times are on another grid.
    metrics_mut().record_parse_error(ParseError::wrong_type);
    log_per_event(LogLevel::warning, "kline of interval " +
                                         std::string(to_string(event_.interval)) +
                                         " on this stream: not recorded");
    return;
  }
  const KlineStep step = continuity_.step(event_.open_time_ms, event_.closed);
  switch (step.kind) {
    case KlineStepKind::after_close:
      metrics_mut().record_duplicate();
      return;
    case KlineStepKind::backwards:
      metrics_mut().record_backwards();
      log_per_event(LogLevel::warning, "kline open time " + std::to_string(event_.open_time_ms) +
                                           " after " + std::to_string(step.previous_open_ms) +
                                           ": not recorded");
      return;
    case KlineStepKind::next:
    case KlineStepKind::gap:
      mark_discontinuity(step, recv_ns);
      break;
    case KlineStepKind::first:
    case KlineStepKind::update:
      break;
  }
  if (closed_only_ && !event_.closed) return;
  const double latency_ms = event_latency_ms(event_.event_time_ms, recv_ns);
  append_kline_record(line(), context(), recv_ns, event_, latency_ms);
  write(line(), false);
  metrics_mut().record_event(static_cast<std::uint64_t>(event_.open_time_ms), event_.event_time_ms);
  if (!observers().kline.empty())
    observers().kline.publish(observed_kline(event_, observers().key, recv_ns));
}

void KlineChannelHandler::mark_discontinuity(const KlineStep& step, std::int64_t recv_ns) {
  if (step.kind == KlineStepKind::next && !step.previous_unclosed) return;
  KlineGapInfo gap;
  gap.intervals_missing = step.kind == KlineStepKind::gap;
  gap.last_open_time = step.previous_open_ms;
  gap.last_closed = !step.previous_unclosed;
  gap.got_open_time = event_.open_time_ms;
  gap.from_open_time = step.missing_from_ms;
  gap.to_open_time = step.missing_to_ms;
  gap.missing = step.missing;
  append_kline_gap_record(line(), context(), recv_ns, gap);
  write(line(), true);
  metrics_mut().record_gap(step.missing);
  log_per_event(LogLevel::warning, gap.intervals_missing
                                       ? "kline gap: " + std::to_string(step.missing) +
                                             " candle(s) from open time " +
                                             std::to_string(step.missing_from_ms) + " not received"
                                       : "kline " + std::to_string(step.previous_open_ms) +
                                             " moved on without its closing update");
}

}  // namespace depthrec::session
