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

// The depthUpdate's own fields, one bit each (after the shared e, E, T, s).
constexpr unsigned kFirstId = kFirstOwnField << 0;
constexpr unsigned kFinalId = kFirstOwnField << 1;
constexpr unsigned kPrevFinalId = kFirstOwnField << 2;
constexpr unsigned kBids = kFirstOwnField << 3;
constexpr unsigned kAsks = kFirstOwnField << 4;
constexpr unsigned kRequired =
    kEventTypeField | kEventTimeField | kSymbolField | kFirstId | kFinalId | kBids | kAsks;

// Reads one "key":value of the payload; the field it was, or 0 to decline.
unsigned read_member(Cursor& in, std::size_t max_levels, DepthUpdate& depth, SharedFields& shared) {
  std::string_view key;
  if (!in.string(key) || !in.eat(':')) return 0;
  if (key.size() == 1) {
    const unsigned field = read_shared_field(in, key[0], shared);
    if (field != kFirstOwnField) return field;
    switch (key[0]) {
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
  SharedFields shared{"depthUpdate", out.event_type, depth.symbol};
  unsigned seen = 0;
  const auto read = [&](ScanCursor& cursor) {
    return read_member(cursor, max_levels_per_side, depth, shared);
  };
  if (!scan_members(in, read, seen)) return false;
  if (!in.close_payload(wrapped)) return false;
  if ((seen & kRequired) != kRequired) return false;
  if (!fits_time(shared.event_time) || !fits_time(shared.transaction_time)) return false;

  out.type = FrameType::depth_update;
  depth.kind = depth_kind_of_stream(out.stream);
  depth.event_time_ms = static_cast<std::int64_t>(shared.event_time);
  depth.transaction_time_ms = static_cast<std::int64_t>(shared.transaction_time);
  depth.has_prev_final_id = (seen & kPrevFinalId) != 0;
  out.ticker = BookTicker{};
  return true;
}

}  // namespace depthrec::json
