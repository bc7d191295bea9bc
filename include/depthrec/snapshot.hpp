// The REST depth snapshot (/fapi/v1/depth, /dapi/v1/depth, /api/v3/depth).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

struct DepthSnapshot {
  std::uint64_t last_update_id = 0;
  std::int64_t event_time_ms = 0;        // "E" (futures only, else 0)
  std::int64_t transaction_time_ms = 0;  // "T" (futures only, else 0)
  std::vector<PriceLevel> bids;          // best first, as Binance sends them
  std::vector<PriceLevel> asks;
  // The "bids"/"asks" JSON arrays exactly as received: views into the body passed to parse_snapshot.
  std::string_view bids_json;
  std::string_view asks_json;
};

// Parses a snapshot body. Refuses missing lastUpdateId/bids/asks, non-string or malformed decimals.
ParseError parse_snapshot(std::string_view body, DepthSnapshot& out);

}  // namespace depthrec
