// The aggTrades REST answer (GET /api/v3/aggTrades, /fapi/v1/aggTrades, /dapi/v1/aggTrades with
// fromId): a JSON array of {"a","p","q","f","l","T","m"} (+ spot "M"; unknown fields kept), read to
// repair an aggTrade stream's id gap. Each trade keeps its object's text, which the recording
// stores as received. Never throws: a body that is not such an array is refused whole with a
// ParseError and the index of the element at fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

struct RestAggTrade {
  std::uint64_t id = 0;                                 // "a"
  std::uint64_t first_trade_id = 0, last_trade_id = 0;  // "f", "l"
  Decimal price, quantity;                              // "p", "q"
  std::int64_t trade_time_ms = 0;                       // "T"
  bool buyer_is_maker = false;                          // "m"
  std::string_view object;                              // its text in the body
};

struct AggTradesAnswer {
  std::vector<RestAggTrade> trades;  // in the answer's order; views into the parsed body
  ParseError error = ParseError::none;
  std::size_t error_index = 0;  // the element at fault when `error` is a field's
  // "malformed_json", or "element 3: missing_field": for a log line and a gap_fill record.
  std::string error_text() const;
};

// More elements than this (Binance sends at most 1000) are refused as too_large.
inline constexpr std::size_t kMaxAggTradesPerAnswer = 1000;

// Reads `body`. `scratch` is the walk's reusable copy of the text. Every field above is required
// (missing_field, wrong_type, bad_number, bad_decimal, duplicate_key as for the stream's payload;
// `l` below `f` is bad_number); the answer's trades then view `body`.
AggTradesAnswer parse_agg_trades_answer(std::string_view body, std::string& scratch);

}  // namespace depthrec
