#include "session/observed_events.hpp"

namespace depthrec::session {

ObservedTrade observed_trade(const TradeEvent& event, const SharedKey& key, std::int64_t recv_ns) {
  ObservedTrade out;
  out.key = key;
  out.recv_ns = recv_ns;
  out.kind = event.kind;
  out.id = event.id;
  out.first_trade_id = event.first_trade_id;
  out.last_trade_id = event.last_trade_id;
  out.price = event.price;
  out.quantity = event.quantity;
  out.event_time_ms = event.event_time_ms;
  out.trade_time_ms = event.trade_time_ms;
  out.buyer_is_maker = event.buyer_is_maker;
  return out;
}

ObservedKline observed_kline(const KlineEvent& event, const SharedKey& key, std::int64_t recv_ns) {
  ObservedKline out;
  out.key = key;
  out.recv_ns = recv_ns;
  out.event_time_ms = event.event_time_ms;
  out.interval = event.interval;
  out.open_time_ms = event.open_time_ms;
  out.close_time_ms = event.close_time_ms;
  out.first_trade_id = event.first_trade_id;
  out.last_trade_id = event.last_trade_id;
  out.open = event.open;
  out.high = event.high;
  out.low = event.low;
  out.close = event.close;
  out.base_volume = event.base_volume;
  out.quote_volume = event.quote_volume;
  out.trade_count = event.trade_count;
  out.taker_buy_base_volume = event.taker_buy_base_volume;
  out.taker_buy_quote_volume = event.taker_buy_quote_volume;
  out.closed = event.closed;
  return out;
}

ObservedMarkPrice observed_mark_price(const MarketEvent& event, const SharedKey& key,
                                      std::int64_t recv_ns) {
  ObservedMarkPrice out;
  out.key = key;
  out.recv_ns = recv_ns;
  out.event_time_ms = event.event_time_ms;
  out.next_funding_ms = event.time_ms;
  out.mark_price = event.price;
  out.index_price = event.index_price;
  out.settle_price = event.settle_price;
  out.funding_rate = event.funding_rate;
  return out;
}

ObservedForceOrder observed_force_order(const MarketEvent& event, const SharedKey& key,
                                        std::int64_t recv_ns) {
  ObservedForceOrder out;
  out.key = key;
  out.recv_ns = recv_ns;
  out.event_time_ms = event.event_time_ms;
  out.trade_time_ms = event.time_ms;
  out.sell = event.side == "SELL";
  out.price = event.price;
  out.quantity = event.quantity;
  return out;
}

ObservedBookTicker observed_book_ticker(const BookTicker& ticker, const SharedKey& key,
                                        std::int64_t recv_ns) {
  ObservedBookTicker out;
  out.key = key;
  out.recv_ns = recv_ns;
  out.update_id = ticker.update_id;
  out.bid_price = ticker.bid_price;
  out.bid_qty = ticker.bid_qty;
  out.ask_price = ticker.ask_price;
  out.ask_qty = ticker.ask_qty;
  out.event_time_ms = ticker.event_time_ms;
  out.transaction_time_ms = ticker.transaction_time_ms;
  return out;
}

ObservedDepth observed_depth(const DepthUpdate& update, const SharedKey& key,
                             std::int64_t recv_ns) {
  ObservedDepth out;
  out.key = key;
  out.recv_ns = recv_ns;
  out.kind = update.kind;
  out.event_time_ms = update.event_time_ms;
  out.transaction_time_ms = update.transaction_time_ms;
  out.first_id = update.first_id;
  out.final_id = update.final_id;
  out.prev_final_id = update.prev_final_id;
  out.has_prev_final_id = update.has_prev_final_id;
  out.bids = update.bids;
  out.asks = update.asks;
  return out;
}

TopOfBook top_of_book(const DepthUpdate& update, const OrderBook& book, std::size_t levels,
                      bool synced, const SharedKey& key, std::int64_t recv_ns) {
  TopOfBook top;
  top.key = key;
  top.first_id = update.first_id;
  top.final_id = update.final_id;
  top.prev_final_id = update.prev_final_id;
  top.has_prev_final_id = update.has_prev_final_id;
  top.kind = update.kind;
  top.event_time_ms = update.event_time_ms;
  top.recv_ns = recv_ns;
  top.synced = synced;
  book.top(levels, top.bids, top.asks);
  return top;
}

}  // namespace depthrec::session
