// Exchange's trades: a group at the symbol's top of book (TradeTape) sent to the symbol's trade
// subscribers (one frame per fill) and aggTrade subscribers (one frame per group), before the
// depth event of the same step. A trade_gap fault generates the group and sends no trade or
// aggTrade frame of it (both streams then show an id jump); the candles hold it. The aggTrades REST
// query answers from the symbol's history of groups (a gap's included), as a recorder's repair
// asks.
#include <algorithm>
#include <limits>

#include "exchange.hpp"
#include "payload_format.hpp"

namespace depthsim {
namespace {

// One trade group in this many is also a liquidation (forceOrder), deterministically.
constexpr std::uint64_t kForceOrderEvery = 25;

}  // namespace

void Exchange::generate_trades(SymbolFeed& feed, std::int64_t event_ms,
                               const std::vector<StreamFault>& faults) {
  // Only a symbol someone takes trades of trades: the books (and the depth events) of every other
  // run stay exactly what the seed made them.
  const auto& subscribers = subscribers_of(feed);
  if (std::none_of(subscribers.begin(), subscribers.end(), [](const Subscriber& s) {
        return s.stream->kind == StreamKind::trade || s.stream->kind == StreamKind::agg_trade ||
               s.stream->kind == StreamKind::kline || s.stream->kind == StreamKind::force_order;
      }))
    return;
  const auto gap = std::find_if(faults.begin(), faults.end(), [](const StreamFault& f) {
    return f.kind == FaultKind::trade_gap;
  });
  const std::size_t fills =
      gap == faults.end() ? 0 : static_cast<std::size_t>(std::max(1.0, gap->arg));
  const TradeGroup group = feed.trades().next(feed.book().book(), event_ms, fills);
  if (group.fills.empty()) return;  // the side taken has no level
  std::int64_t taken = 0;
  for (std::int64_t fill : group.fills) taken += fill;
  // The liquidity the fills took leaves the top level in the depth event that follows.
  feed.book().take_at_top(group.buyer_is_maker, taken);
  SymbolFeed::TradeCounts& counts = feed.trade_counts();
  counts.trades_generated += group.fills.size();
  ++counts.agg_trades_generated;
  counts.last_trade_id = group.last_trade_id;
  counts.last_agg_trade_id = group.agg_id;
  feed.agg_trade_history().add(group);  // a gap's group too: the REST query serves it
  if (gap != faults.end()) {
    count_fault("trade_gap");
    // The trades happened, only their frames were lost: the candles hold them, as Binance's
    // klines hold every trade its REST history serves (a repaired recording verifies them).
    add_trades_to_klines(feed, group, event_ms);
    return;
  }
  const SymbolSpec& spec = feed.book().spec();
  const auto now = Clock::now();
  for (const Subscriber& subscriber : subscribers_of(feed)) {
    ClientSession& session = *subscriber.session;
    const StreamName& stream = *subscriber.stream;
    if (stream.kind != StreamKind::trade && stream.kind != StreamKind::agg_trade) continue;
    if (!session.can_send() || session.is_stalled(now)) continue;
    const auto send = [&](std::string payload) {
      if (session.subscriptions.combined) payload = wrap_combined(stream.text, payload);
      send_frame(session, FrameType::text, std::make_shared<const std::string>(std::move(payload)));
    };
    if (stream.kind == StreamKind::agg_trade) {
      send(render_agg_trade(options_.market, spec, group));
      ++counts.agg_trades_sent;
      continue;
    }
    for (std::size_t fill = 0; fill < group.fills.size(); ++fill) {
      send(render_trade(options_.market, spec, group, fill));
      ++counts.trades_sent;
    }
  }
  add_trades_to_klines(feed, group, event_ms);
  if (group.agg_id % kForceOrderEvery == 0) note_liquidation(feed, group);
}

HttpReply Exchange::agg_trades_reply(const RequestTarget& target) {
  const std::optional<std::string> symbol = target.param("symbol");
  if (!symbol || symbol->empty()) {
    return json_error(400, -1102,
                      "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
  }
  SymbolFeed* feed = replay_ ? nullptr : feed_for(*symbol);
  if (feed == nullptr || feed->status() == SymbolFeed::Status::removed)
    return json_error(400, -1121, "Invalid symbol.");
  long limit = 500;  // Binance's default; at most 1000
  if (std::optional<std::string> text = target.param("limit")) {
    const std::optional<long> parsed = parse_long_in(*text, 1, 1000);
    if (!parsed) return json_error(400, -1100, "Illegal characters found in parameter 'limit'.");
    limit = *parsed;
  }
  const AggTradeHistory& history = feed->agg_trade_history();
  std::vector<const TradeGroup*> groups;
  if (std::optional<std::string> text = target.param("fromId")) {
    const std::optional<long> from = parse_long_in(*text, 0, std::numeric_limits<long>::max());
    if (!from) return json_error(400, -1100, "Illegal characters found in parameter 'fromId'.");
    groups = history.from(static_cast<std::uint64_t>(*from), static_cast<std::size_t>(limit));
  } else {
    groups = history.latest(static_cast<std::size_t>(limit));
  }
  ++agg_trades_requests_;
  SymbolFeed::TradeCounts& counts = feed->trade_counts();
  ++counts.agg_trades_requests;
  counts.agg_trades_served += groups.size();
  return HttpReply{200, render_agg_trades_answer(options_.market, feed->book().spec(), groups), {}};
}

}  // namespace depthsim
