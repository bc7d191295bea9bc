// A `trade` or `aggTrade` event as depthrec reads it (binance-protocol.md "Event payloads"):
// the ids continuity is checked on, times, exact decimals, and the payload's own text, which the
// recording keeps as received (unknown fields included: Binance adds `st`, `nq`... over time).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

enum class TradeKind : std::uint8_t {
  trade,      // "e":"trade": one trade, id "t"
  agg_trade,  // "e":"aggTrade": trades of one taker order at one price, id "a", trades "f".."l"
};
std::string_view to_string(TradeKind kind);  // "trade", "aggTrade" (Binance's spelling)

struct TradeEvent {
  TradeKind kind = TradeKind::trade;
  std::string_view stream;           // the combined wrapper's "stream"; empty for a raw payload
  std::string_view symbol;           // "s"
  std::uint64_t id = 0;              // "t" (trade) or "a" (aggTrade): consecutive per symbol
  std::uint64_t first_trade_id = 0;  // aggTrade "f" (trade: id)
  std::uint64_t last_trade_id = 0;   // aggTrade "l" (trade: id)
  Decimal price, quantity;           // "p", "q"
  std::int64_t event_time_ms = 0;    // "E"
  std::int64_t trade_time_ms = 0;    // "T"
  bool buyer_is_maker = false;       // "m"
  std::string_view payload;          // the payload object's text ({"e":..}), a view of the frame
};

// Reads one frame of a trade or aggTrade stream, combined ({"stream":..,"data":{..}}) or raw.
// Required: "e" naming `kind`, "E", "T", "s", the id, "p", "q", "m" and for aggTrade "f" and "l";
// any other field is kept in the payload and not read. Never throws; a missing field is
// missing_field, a number of the wrong shape bad_number, a price or quantity that is not an
// exact decimal bad_decimal, a field twice duplicate_key. Views point into `text`.
ParseError parse_trade_frame(std::string_view text, TradeKind kind, TradeEvent& out);

// The same with a reusable buffer (the parse copies the text once; capacity kept between calls).
ParseError parse_trade_frame(std::string_view text, TradeKind kind, TradeEvent& out,
                             std::string& scratch);

}  // namespace depthrec
