// The futures events without an id: `markPrice[@1s]` (`e:"markPriceUpdate",E,s,p,i,P,r,T`) and
// `forceOrder` (`e:"forceOrder",E,o{s,S,o,f,q,p,ap,X,l,z,T}`), as depthrec reads them
// (binance-protocol.md "Other public payloads"). Their continuity is the event time: it
// advances. The payload's own text is what the recording keeps (unknown fields included).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

enum class MarketEventKind : std::uint8_t {
  mark_price,   // "e":"markPriceUpdate"
  force_order,  // "e":"forceOrder"
};
std::string_view to_string(MarketEventKind kind);  // "markPrice", "forceOrder" (the channels)

// A payload decimal that may be empty ("": none) or negative (a funding rate).
struct OptionalSignedDecimal {
  bool present = false;
  bool negative = false;
  Decimal magnitude;
};

struct MarketEvent {
  MarketEventKind kind = MarketEventKind::mark_price;
  std::string_view stream;         // the combined wrapper's "stream"; empty for a raw payload
  std::string_view symbol;         // markPrice "s", forceOrder "o.s"
  std::int64_t event_time_ms = 0;  // "E"
  // markPrice "T" (the next funding time; 0 for delivery contracts), forceOrder "o.T" (the
  // order's trade time).
  std::int64_t time_ms = 0;
  Decimal price;            // markPrice "p" (mark price), forceOrder "o.p" (order price)
  Decimal quantity;         // forceOrder "o.q" (0 for markPrice)
  std::string_view side;    // forceOrder "o.S" ("BUY"/"SELL"); empty for markPrice
  Decimal average_price;    // forceOrder "o.ap" (0 for markPrice)
  std::string_view status;  // forceOrder "o.X" ("FILLED", ...); empty for markPrice
  Decimal index_price;      // markPrice "i"
  // markPrice "P" (estimated settle price) and "r" (funding rate): "" on delivery contracts.
  OptionalSignedDecimal settle_price, funding_rate;
  std::string_view payload;  // the payload object's text, a view of the frame
};

// Reads one frame of a markPrice or forceOrder stream, combined or raw. Required: markPrice e,
// E, s, p, i, P (a decimal or ""), r (a signed decimal or ""), T; forceOrder e, E, o with s, S, q,
// p, ap, X, T. Refused (never thrown) as parse_trade_frame. Views point into `text`.
ParseError parse_market_event_frame(std::string_view text, MarketEventKind kind, MarketEvent& out,
                                    std::string& scratch);

}  // namespace depthrec
