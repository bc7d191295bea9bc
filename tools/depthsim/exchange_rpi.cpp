// USD-M's RPI book on the wire: <sym>@rpiDepth@500ms frames (the depthUpdate shape) and the
// /fapi/v1/rpiDepth snapshot. The book itself is rpi_book.cpp; exchange_streams.cpp makes one
// RPI event per normal event once a symbol's RPI book has started.
#include "exchange.hpp"
#include "payload_format.hpp"

namespace depthsim {

void Exchange::deliver_rpi(SymbolFeed& feed, const BookUpdate& update) {
  const auto now = Clock::now();
  std::shared_ptr<const std::string> payload;
  std::shared_ptr<const std::string> wrapped;
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    ClientSession& session = *subscriber.session;
    const StreamName& stream = *subscriber.stream;
    if (stream.kind != StreamKind::rpi_depth) continue;
    if (!session.can_send() || session.is_stalled(now)) continue;
    if (!payload)
      payload = std::make_shared<const std::string>(
          render_diff_depth(options_.market, feed.book().spec(), update));
    std::shared_ptr<const std::string> frame = payload;
    if (session.subscriptions.combined) {
      if (!wrapped)
        wrapped = std::make_shared<const std::string>(wrap_combined(stream.text, *payload));
      frame = wrapped;
    }
    send_frame(session, FrameType::text, frame);
    ++feed.rpi_events_sent();
  }
}

HttpReply Exchange::rpi_snapshot_reply(const RequestTarget& target) {
  const std::optional<std::string> symbol = target.param("symbol");
  if (!symbol || symbol->empty()) {
    return json_error(400, -1102,
                      "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  }
  if (std::optional<std::string> limit = target.param("limit"); limit && *limit != "1000")
    return json_error(400, -1100,
                      "Illegal characters found in parameter 'limit'; legal value is 1000.");
  SymbolFeed* feed = replay_ ? nullptr : feed_for(*symbol);
  if (feed == nullptr || feed->status() == SymbolFeed::Status::removed)
    return json_error(400, -1121, "Invalid symbol.");
  const std::int64_t now_ms = exchange_now_ms();
  ++snapshots_served_;
  return HttpReply{200,
                   render_snapshot(options_.market, feed->book().spec(), feed->rpi().book(), 1000,
                                   now_ms, now_ms - 1),
                   {}};
}

}  // namespace depthsim
