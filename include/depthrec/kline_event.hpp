// A `kline_<interval>` event as depthrec reads it (binance-protocol.md "Other public payloads"):
// `e:"kline",E,s,k{t,T,s,i,f,L,o,c,h,l,v,n,x,q,V,Q,B}`. The candle's open time is what continuity
// is checked on; the ten values seed 000 keeps for a closed candle are exact decimals; the
// payload's own text is what the recording keeps (unknown fields included).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "depthrec/kline_interval.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

struct KlineEvent {
  std::string_view stream;  // the combined wrapper's "stream"; empty for a raw payload
  std::string_view symbol;  // "s"
  std::int64_t event_time_ms = 0;
  KlineInterval interval = KlineInterval::none;  // "k.i"
  std::int64_t open_time_ms = 0;                 // "k.t"
  std::int64_t close_time_ms = 0;                // "k.T"
  std::int64_t first_trade_id = -1;              // "k.f" (-1: no trade in the candle)
  std::int64_t last_trade_id = -1;               // "k.L"
  Decimal open, high, low, close;                // "k.o", "k.h", "k.l", "k.c"
  Decimal base_volume;                           // "k.v"
  Decimal quote_volume;                          // "k.q"
  std::uint64_t trade_count = 0;                 // "k.n"
  Decimal taker_buy_base_volume;                 // "k.V"
  Decimal taker_buy_quote_volume;                // "k.Q"
  bool closed = false;                           // "k.x": the candle's last update
  std::string_view payload;                      // the payload object's text, a view of the frame
};

// Reads one frame of a kline stream, combined or raw. Required: "e":"kline", "E", "s", and "k"
// with t, T, i, f, L, o, c, h, l, v, n, x, q, V, Q (B and any other field are kept in the payload
// and not read). Refused (never thrown): as parse_trade_frame, plus bad_number when T < t, an
// interval Binance does not have, or a symbol in "k.s" other than "s". Views point into `text`.
ParseError parse_kline_frame(std::string_view text, KlineEvent& out, std::string& scratch);

}  // namespace depthrec
