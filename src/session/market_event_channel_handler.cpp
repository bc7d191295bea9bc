#include "session/market_event_channel_handler.hpp"

#include "depthrec/peer_text.hpp"
#include "session/observed_events.hpp"

namespace depthrec::session {

MarketEventChannelHandler::MarketEventChannelHandler(ChannelSetup setup, MarketEventKind kind)
    : ChannelHandler(std::move(setup)), kind_(kind) {}

void MarketEventChannelHandler::handle(std::uint64_t, std::string_view frame,
                                       std::int64_t recv_ns) {
  const ParseError error = parse_market_event_frame(frame, kind_, event_, scratch_);
  const std::string channel(to_string(kind_));
  if (error != ParseError::none) {
    metrics_mut().record_parse_error(error);
    log_per_event(LogLevel::warning, channel + " frame refused (" + std::string(to_string(error)) +
                                         "): " + peer_text(frame, 160));
    return;
  }
  if (event_.symbol != key().symbol) {
    metrics_mut().record_other_symbol();
    log_per_event(LogLevel::warning,
                  channel + " of another symbol " + peer_text(event_.symbol, 64));
    return;
  }
  if (last_event_time_ms_ && event_.event_time_ms <= *last_event_time_ms_) {
    if (event_.event_time_ms == *last_event_time_ms_) {
      metrics_mut().record_duplicate();
    } else {
      metrics_mut().record_backwards();
      log_per_event(LogLevel::warning, channel + " event time " +
                                           std::to_string(event_.event_time_ms) + " after " +
                                           std::to_string(*last_event_time_ms_) + ": not recorded");
    }
    return;
  }
  last_event_time_ms_ = event_.event_time_ms;
  const double latency_ms = event_latency_ms(event_.event_time_ms, recv_ns);
  const auto id = static_cast<std::uint64_t>(event_.event_time_ms);
  append_event_record(line(), channel, context(), recv_ns, id, event_.event_time_ms, event_.time_ms,
                      latency_ms, event_.payload);
  write(line(), false);
  metrics_mut().record_event(id, event_.event_time_ms);
  if (kind_ == MarketEventKind::mark_price && !observers().mark_price.empty())
    observers().mark_price.publish(observed_mark_price(event_, observers().key, recv_ns));
  if (kind_ == MarketEventKind::force_order && !observers().force_order.empty())
    observers().force_order.publish(observed_force_order(event_, observers().key, recv_ns));
}

}  // namespace depthrec::session
