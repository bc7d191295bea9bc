// Exchange's futures market events. markPrice: the book's mid (mark, index and estimated
// settle price alike; funding rate 0.0001, next funding at the next 8-hour mark), sent to each
// markPrice subscriber every 3 s (markPrice) or every second (markPrice@1s) of depthsim's clock.
// forceOrder: one trade group in kForceOrderEvery is also a liquidation order filled at its price
// (the trade's taker side). Binance's forceOrder is a snapshot stream: "for each symbol, only the
// latest one liquidation order within 1000ms will be pushed", so a liquidation waits until 1000 ms
// of depthsim's clock have passed since the symbol's last push, a later one replacing it; E is the
// push time, the order's T its trade time.
#include "exchange.hpp"
#include "payload_format.hpp"

namespace depthsim {
namespace {

constexpr std::int64_t kFundingPeriodMs = std::int64_t{8} * 3'600'000;

std::string render_mark_price(const SymbolSpec& spec, std::int64_t mid, std::int64_t event_ms) {
  std::string price;
  append_fixed(price, mid, spec.price_decimals);
  std::string out;
  out.reserve(220);
  out.append("{\"e\":\"markPriceUpdate\",\"E\":");
  out += std::to_string(event_ms);
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  for (const char* key : {",\"p\":\"", "\",\"i\":\"", "\",\"P\":\""}) {
    out.append(key);
    out += price;
  }
  out.append("\",\"r\":\"0.00010000\",\"T\":");
  out += std::to_string((event_ms / kFundingPeriodMs + 1) * kFundingPeriodMs);
  out.push_back('}');
  return out;
}

constexpr std::int64_t kForceOrderSnapshotMs = 1000;

std::string render_force_order(const SymbolSpec& spec, const TradeGroup& group,
                               std::int64_t event_ms) {
  std::int64_t qty = 0;
  for (std::int64_t fill : group.fills) qty += fill;
  std::string price, quantity;
  append_fixed(price, group.price, spec.price_decimals);
  append_fixed(quantity, qty, spec.qty_decimals);
  std::string out;
  out.reserve(300);
  out.append("{\"e\":\"forceOrder\",\"E\":");
  out += std::to_string(event_ms);
  out.append(",\"o\":{\"s\":");
  append_json_string(out, spec.name);
  // The liquidated position's order is the taker: it sold into the bid or bought the ask.
  out.append(group.buyer_is_maker ? ",\"S\":\"SELL\"" : ",\"S\":\"BUY\"");
  out.append(",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":\"" + quantity + "\",\"p\":\"" + price +
             "\",\"ap\":\"" + price + "\",\"X\":\"FILLED\",\"l\":\"" + quantity + "\",\"z\":\"" +
             quantity + "\",\"T\":");
  out += std::to_string(group.trade_ms);
  out.append("}}");
  return out;
}

}  // namespace

void Exchange::send_mark_prices(SymbolFeed& feed, std::int64_t event_ms) {
  SymbolFeed::MarketEventCounts& counts = feed.market_event_counts();
  const bool due_3s = event_ms - counts.last_mark_ms_3s >= 3000;
  const bool due_1s = event_ms - counts.last_mark_ms_1s >= 1000;
  if (!due_3s && !due_1s) return;
  std::string payload;
  bool sent_3s = false, sent_1s = false;
  const auto now = Clock::now();
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    ClientSession& session = *subscriber.session;
    const StreamName& stream = *subscriber.stream;
    if (stream.kind != StreamKind::mark_price) continue;
    const bool every_second = stream.speed_ms == 1000;
    if (!(every_second ? due_1s : due_3s)) continue;
    if (!session.can_send() || session.is_stalled(now)) continue;
    if (payload.empty()) {
      const auto bid = feed.book().book().best(true);
      const auto ask = feed.book().book().best(false);
      if (!bid || !ask) return;
      payload = render_mark_price(feed.book().spec(), (bid->price + ask->price) / 2, event_ms);
    }
    std::string frame =
        session.subscriptions.combined ? wrap_combined(stream.text, payload) : payload;
    send_frame(session, FrameType::text, std::make_shared<const std::string>(std::move(frame)));
    ++counts.mark_prices_sent;
    (every_second ? sent_1s : sent_3s) = true;
  }
  if (sent_1s) counts.last_mark_ms_1s = event_ms;
  if (sent_3s) counts.last_mark_ms_3s = event_ms;
}

void Exchange::note_liquidation(SymbolFeed& feed, const TradeGroup& group) {
  feed.market_event_counts().pending_liquidation = group;
  send_due_force_order(feed, group.event_ms);
}

void Exchange::send_due_force_order(SymbolFeed& feed, std::int64_t event_ms) {
  SymbolFeed::MarketEventCounts& counts = feed.market_event_counts();
  if (!counts.pending_liquidation || event_ms - counts.last_force_order_ms < kForceOrderSnapshotMs)
    return;
  const TradeGroup group = std::move(*counts.pending_liquidation);
  counts.pending_liquidation.reset();
  counts.last_force_order_ms = event_ms;
  std::string payload;
  const auto now = Clock::now();
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    ClientSession& session = *subscriber.session;
    const StreamName& stream = *subscriber.stream;
    if (stream.kind != StreamKind::force_order) continue;
    if (!session.can_send() || session.is_stalled(now)) continue;
    if (payload.empty()) payload = render_force_order(feed.book().spec(), group, event_ms);
    std::string frame =
        session.subscriptions.combined ? wrap_combined(stream.text, payload) : payload;
    send_frame(session, FrameType::text, std::make_shared<const std::string>(std::move(frame)));
    ++counts.force_orders_sent;
  }
}

}  // namespace depthsim
