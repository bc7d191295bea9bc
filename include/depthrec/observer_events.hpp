// What an observer (observer.hpp) is given: a parsed event that owns its values (exact decimals,
// ids, times), so it can cross to the observer's own thread. Every event names its stream (`key`:
// market, symbol, stream name; shared, not copied, per event) and carries the local receive time
// of its frame. on_book's events are TopOfBook (book_update_queue.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/kline_interval.hpp"
#include "depthrec/market.hpp"
#include "depthrec/market_event.hpp"
#include "depthrec/trade_event.hpp"

namespace depthrec {

// A `trade` (on_trade) or `aggTrade` (on_agg_trade) event, as recorded.
struct ObservedTrade {
  std::shared_ptr<const StreamKey> key;
  std::int64_t recv_ns = 0;
  TradeKind kind = TradeKind::trade;
  std::uint64_t id = 0;              // "t" or "a": consecutive per symbol
  std::uint64_t first_trade_id = 0;  // aggTrade "f" (trade: id)
  std::uint64_t last_trade_id = 0;   // aggTrade "l" (trade: id)
  Decimal price, quantity;           // "p", "q"
  std::int64_t event_time_ms = 0;    // "E"
  std::int64_t trade_time_ms = 0;    // "T"
  bool buyer_is_maker = false;       // "m": true when the taker sold
};

// A `kline_<interval>` update (on_kline), as recorded (`--klines closed`: closing updates only).
struct ObservedKline {
  std::shared_ptr<const StreamKey> key;
  std::int64_t recv_ns = 0;
  std::int64_t event_time_ms = 0;
  KlineInterval interval = KlineInterval::none;
  std::int64_t open_time_ms = 0, close_time_ms = 0;
  std::int64_t first_trade_id = -1, last_trade_id = -1;  // -1: no trade in the candle
  Decimal open, high, low, close;
  Decimal base_volume, quote_volume;
  std::uint64_t trade_count = 0;
  Decimal taker_buy_base_volume, taker_buy_quote_volume;
  bool closed = false;  // "k.x": the candle's last update
};

// A `bookTicker` update (on_book_ticker): the best bid and ask.
struct ObservedBookTicker {
  std::shared_ptr<const StreamKey> key;  // its stream, e.g. "btcusdt@bookTicker"
  std::int64_t recv_ns = 0;
  std::uint64_t update_id = 0;  // "u"
  Decimal bid_price, bid_qty, ask_price, ask_qty;
  std::int64_t event_time_ms = 0;        // "E" (futures only, else 0)
  std::int64_t transaction_time_ms = 0;  // "T" (futures only, else 0)
};

// A futures `markPrice` / `markPrice@1s` update (on_mark_price).
struct ObservedMarkPrice {
  std::shared_ptr<const StreamKey> key;
  std::int64_t recv_ns = 0;
  std::int64_t event_time_ms = 0;      // "E"
  std::int64_t next_funding_ms = 0;    // "T" (0 for delivery contracts)
  Decimal mark_price, index_price;     // "p", "i"
  OptionalSignedDecimal settle_price;  // "P" ("" on delivery contracts: not present)
  OptionalSignedDecimal funding_rate;  // "r"
};

// A futures `forceOrder` (liquidation) event (on_force_order).
struct ObservedForceOrder {
  std::shared_ptr<const StreamKey> key;
  std::int64_t recv_ns = 0;
  std::int64_t event_time_ms = 0;  // "E"
  std::int64_t trade_time_ms = 0;  // "o.T"
  bool sell = false;               // "o.S" == "SELL"
  Decimal price, quantity;         // "o.p", "o.q"
};

// A depth event as received (on_depth), before the book applies it: every event recorded,
// whatever the sync makes of it (the book's view of it is on_book's).
struct ObservedDepth {
  std::shared_ptr<const StreamKey> key;
  std::int64_t recv_ns = 0;
  DepthKind kind = DepthKind::diff;
  std::int64_t event_time_ms = 0;            // "E"
  std::int64_t transaction_time_ms = 0;      // "T" (futures only)
  std::uint64_t first_id = 0, final_id = 0;  // "U", "u"
  std::uint64_t prev_final_id = 0;           // "pu" (futures only)
  bool has_prev_final_id = false;
  std::vector<PriceLevel> bids, asks;  // the changed levels (qty 0 removes one)
};

}  // namespace depthrec
