// Exchange's klines: per symbol and subscribed interval a KlineTape aggregates the trades the
// symbol's trade subscribers were sent. At each generated event candles whose interval ended
// close (x:true to the interval's subscribers); after each trade group the open candle's update
// goes out. kline_skip suppresses the next candle of every interval of the symbol.
#include <algorithm>

#include "exchange.hpp"
#include "payload_format.hpp"

namespace depthsim {

void Exchange::roll_klines(SymbolFeed& feed, std::int64_t event_ms,
                           const std::vector<StreamFault>& faults) {
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    if (subscriber.stream->kind == StreamKind::kline)
      feed.kline_tape(subscriber.stream->interval, subscriber.stream->interval_ms);
  }
  if (feed.kline_tapes().empty()) return;
  const bool skip = std::any_of(faults.begin(), faults.end(), [](const StreamFault& f) {
    return f.kind == FaultKind::kline_skip;
  });
  if (skip) count_fault("kline_skip");
  // Trades of this event are stamped event_ms - 1: a candle closes once that is past its end.
  const std::int64_t trade_ms = event_ms - 1;
  for (KlineTape& tape : feed.kline_tapes()) {
    if (skip) tape.skip_next();
    for (const Candle& candle : tape.roll(trade_ms)) {
      ++feed.kline_counts().candles_closed;
      if (candle.suppressed) {
        ++feed.kline_counts().candles_skipped;
        continue;
      }
      send_kline(feed, tape, candle, event_ms, true);
    }
  }
}

void Exchange::add_trades_to_klines(SymbolFeed& feed, const TradeGroup& group,
                                    std::int64_t event_ms) {
  for (KlineTape& tape : feed.kline_tapes()) {
    for (std::size_t i = 0; i < group.fills.size(); ++i)
      tape.add_trade(group.trade_ms, group.price, group.fills[i], group.first_trade_id + i,
                     !group.buyer_is_maker);
    if (tape.has_open() && !tape.open_candle().suppressed)
      send_kline(feed, tape, tape.open_candle(), event_ms, false);
  }
}

void Exchange::send_kline(SymbolFeed& feed, const KlineTape& tape, const Candle& candle,
                          std::int64_t event_ms, bool closed) {
  std::string payload;
  const auto now = Clock::now();
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    ClientSession& session = *subscriber.session;
    const StreamName& stream = *subscriber.stream;
    if (stream.kind != StreamKind::kline || stream.interval != tape.interval()) continue;
    if (!session.can_send() || session.is_stalled(now)) continue;
    if (payload.empty())
      payload = render_kline(feed.book().spec(), tape.interval(), candle, event_ms, closed);
    std::string frame =
        session.subscriptions.combined ? wrap_combined(stream.text, payload) : payload;
    send_frame(session, FrameType::text, std::make_shared<const std::string>(std::move(frame)));
    ++(closed ? feed.kline_counts().closed_sent : feed.kline_counts().updates_sent);
  }
}

}  // namespace depthsim
