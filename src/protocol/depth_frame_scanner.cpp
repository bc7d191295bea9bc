// One pass over the text with a cursor; every step either matches what Binance writes or declines.
// Declining is always safe (the generic walk follows), so each check is the simplest that keeps
// the answer equal to the generic one: e.g. ids of 20 digits, which the generic walk would range-
// check, are declined rather than checked here.
#include "protocol/depth_frame_scanner.hpp"

#include <cstdint>
#include <limits>

#include "protocol/depth_stream_kind.hpp"
#include "protocol/json_scan_cursor.hpp"

namespace depthrec::json {
namespace {

using Cursor = ScanCursor;

// The payload fields, one bit each.
constexpr unsigned kEventType = 1U << 0;
constexpr unsigned kEventTime = 1U << 1;
constexpr unsigned kTransactionTime = 1U << 2;
constexpr unsigned kSymbol = 1U << 3;
constexpr unsigned kFirstId = 1U << 4;
constexpr unsigned kFinalId = 1U << 5;
constexpr unsigned kPrevFinalId = 1U << 6;
constexpr unsigned kBids = 1U << 7;
constexpr unsigned kAsks = 1U << 8;
constexpr unsigned kRequired =
    kEventType | kEventTime | kSymbol | kFirstId | kFinalId | kBids | kAsks;

// Reads one "key":value of the payload; the field it was, or 0 to decline.
unsigned read_member(Cursor& in, std::size_t max_levels, Frame& out, std::uint64_t& event_time,
                     std::uint64_t& transaction_time) {
  std::string_view key;
  if (!in.string(key) || !in.eat(':')) return 0;
  DepthUpdate& depth = out.depth;
  if (key.size() == 1) {
    switch (key[0]) {
      case 'e':
        return in.string(out.event_type) && out.event_type == "depthUpdate" ? kEventType : 0U;
      case 'E':
        return in.integer(event_time) ? kEventTime : 0U;
      case 'T':
        return in.integer(transaction_time) ? kTransactionTime : 0U;
      case 's':  // an empty symbol is refused by the generic walk
        return in.string(depth.symbol) && !depth.symbol.empty() ? kSymbol : 0U;
      case 'U':
        return in.integer(depth.first_id) ? kFirstId : 0U;
      case 'u':
        return in.integer(depth.final_id) ? kFinalId : 0U;
      case 'b':
        return in.levels(max_levels, depth.bids, depth.bids_json) ? kBids : 0U;
      case 'a':
        return in.levels(max_levels, depth.asks, depth.asks_json) ? kAsks : 0U;
      default:
        return 0;
    }
  }
  if (key == "pu") return in.integer(depth.prev_final_id) ? kPrevFinalId : 0U;
  return 0;
}

}  // namespace

bool scan_depth_update(std::string_view text, std::size_t max_levels_per_side, Frame& out) {
  Cursor in(text);
  bool wrapped = false;
  if (!in.open_payload(out.stream, wrapped)) return false;
  DepthUpdate& depth = out.depth;
  depth.prev_final_id = 0;
  std::uint64_t event_time = 0;
  std::uint64_t transaction_time = 0;
  unsigned seen = 0;
  do {
    const unsigned field = read_member(in, max_levels_per_side, out, event_time, transaction_time);
    if (field == 0 || (seen & field) != 0) return false;  // unknown, bad or repeated
    seen |= field;
  } while (in.eat(','));
  if (!in.close_payload(wrapped)) return false;
  if ((seen & kRequired) != kRequired) return false;
  if (!fits_time(event_time) || !fits_time(transaction_time)) return false;

  out.type = FrameType::depth_update;
  depth.kind = depth_kind_of_stream(out.stream);
  depth.event_time_ms = static_cast<std::int64_t>(event_time);
  depth.transaction_time_ms = static_cast<std::int64_t>(transaction_time);
  depth.has_prev_final_id = (seen & kPrevFinalId) != 0;
  out.ticker = BookTicker{};
  return true;
}

}  // namespace depthrec::json
