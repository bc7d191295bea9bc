// A parsed depth event: the model's unit of change. Diff depth and futures partial depth share
// this shape; spot partial depth ({"lastUpdateId","bids","asks"}) is mapped onto it too.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"

namespace depthrec {

enum class Side : std::uint8_t { bid, ask };

struct PriceLevel {
  Decimal price;
  Decimal qty;  // absolute quantity; zero removes the level
  friend bool operator==(const PriceLevel& a, const PriceLevel& b) {
    return a.price == b.price && a.qty == b.qty;
  }
};

enum class DepthKind : std::uint8_t {
  diff,     // <sym>@depth...: changed levels only
  partial,  // <sym>@depth<N>...: the top N levels, replacing the previous view
};

struct DepthUpdate {
  DepthKind kind = DepthKind::diff;
  std::string_view symbol;            // as in the payload ("s"); empty for spot partial depth
  std::int64_t event_time_ms = 0;     // "E" (0 when absent: spot partial depth)
  std::int64_t transaction_time_ms = 0;  // "T" (futures only, else 0)
  std::uint64_t first_id = 0;         // "U" (spot partial: lastUpdateId)
  std::uint64_t final_id = 0;         // "u" (spot partial: lastUpdateId)
  std::uint64_t prev_final_id = 0;    // "pu" (futures only)
  bool has_prev_final_id = false;
  std::vector<PriceLevel> bids;       // capacity is reused from event to event
  std::vector<PriceLevel> asks;
  // The "b"/"a" (or "bids"/"asks") JSON arrays exactly as received, e.g. [["63943.90","46.371"]].
  // Views into the frame text: valid only while that text is.
  std::string_view bids_json;
  std::string_view asks_json;
};

}  // namespace depthrec
