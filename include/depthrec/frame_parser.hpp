// Parses one WebSocket text frame from a Binance market stream: combined ({"stream":..,"data":..})
// or raw. Recognises diff/partial depth, bookTicker, subscription replies and server events.
// Reuses its buffers: in the steady state a depth frame is parsed without allocating.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

enum class FrameType : std::uint8_t {
  depth_update,        // "e":"depthUpdate" (diff or futures partial depth) -> Frame::depth
  spot_partial_depth,  // {"lastUpdateId":..,"bids":..,"asks":..} -> Frame::depth (kind partial)
  book_ticker,         // bookTicker -> Frame::ticker
  subscription_reply,  // {"result":..,"id":..}, {"code":..,"msg":..,"id":..} or
                       // {"error":{"code":..,"msg":..},"id":..} -> Frame::reply
  server_event,        // e.g. {"e":"serverShutdown"}: event_type tells which
  other_event,         // any other event ("trade", "aggTrade", ...): event_type tells which
};

struct BookTicker {
  std::string_view symbol;
  std::uint64_t update_id = 0;  // "u"
  Decimal bid_price, bid_qty, ask_price, ask_qty;
  std::int64_t event_time_ms = 0;        // "E" (futures only)
  std::int64_t transaction_time_ms = 0;  // "T" (futures only)
  // b, B, a, A as sent ("60000.00": the Decimals above are exact but keep no trailing zeros),
  // valid as long as the frame's text (or the parser's storage) is. Empty: not known (a ticker
  // read back from a record).
  std::string_view bid_price_text, bid_qty_text, ask_price_text, ask_qty_text;
};

// An answer to a SUBSCRIBE/UNSUBSCRIBE/... request: matched to its request by id.
struct SubscriptionReply {
  bool has_id = false;  // "id" is an unsigned integer (Binance echoes the request's; null for
                        // a request it could not read)
  std::uint64_t id = 0;
  bool error = false;  // "code" or "error" present: the request was refused
};

struct Frame {
  FrameType type = FrameType::other_event;
  std::string_view stream;      // from the combined wrapper; empty for a raw frame
  std::string_view event_type;  // "e" when present
  DepthUpdate depth;            // valid for depth_update and spot_partial_depth
  BookTicker ticker;            // valid for book_ticker
  SubscriptionReply reply;      // valid for subscription_reply
};

struct FrameParserLimits {
  std::size_t max_frame_bytes = 1 << 20;  // larger frames are refused with ParseError::too_large
  std::size_t max_levels_per_side = 10000;
  // A depthUpdate or bookTicker written the way Binance writes it is read by a one-pass scanner;
  // anything else by the generic JSON walk. false: every frame by the generic walk, the reference
  // the scanners are tested against (both give the same frame or error).
  bool depth_fast_path = true;
};

class FrameParser {
 public:
  explicit FrameParser(FrameParserLimits limits = {});
  ~FrameParser();
  FrameParser(FrameParser&&) noexcept;
  FrameParser& operator=(FrameParser&&) noexcept;

  // Parses `text` into `out`. String views in `out` point into `text` (or into the parser's own
  // storage) and stay valid until the next call or until `text` is gone.
  // Never throws on bad input: any text gives a frame or an error. On an error `out` holds no
  // usable frame. The type is decided after the whole frame is read (fields in any order):
  // "e" names the event; without "e", {"lastUpdateId",..} is spot partial depth, {u,s,b,B,a,A}
  // a spot bookTicker, {"result"|"code"|"error",..} a reply; anything else is missing_field.
  // A moved-from parser may be used again (it starts over with default limits).
  ParseError parse(std::string_view text, Frame& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec
