// FrameParser::parse on arbitrary bytes. Besides "no crash, no sanitizer report":
//  - deterministic and differential: a parser reused across inputs (buffers and state carried
//    over, the depthUpdate fast path on) and a fresh parser on the generic JSON walk only
//    (FrameParserLimits::depth_fast_path = false, the reference) give the same error and, on
//    success, the same frame;
//  - a depth frame's bids_json/asks_json are views of one JSON array each inside the input, and
//    wrapped into a REST snapshot body they parse (parse_snapshot) to the very same levels;
//  - every Decimal read (levels and bookTicker prices) formats and parses back to the same value;
//  - spot partial depth has first_id == final_id; a frame over the size limit is too_large;
//  - the depth record written for it is one line (no CR/LF inside, whatever whitespace the
//    frame had) whose level arrays parse back to the same levels.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/decimal.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/snapshot.hpp"
#include "fuzz_check.hpp"
#include "record_line_check.hpp"

namespace {

using namespace depthrec;

void check_decimal_round_trip(Decimal value) {
  FUZZ_CHECK(value.units >= 0);  // parse_decimal refuses signs
  char buf[kMaxDecimalChars];
  const std::size_t n = format_decimal(value, buf);
  Decimal again{-1};
  FUZZ_CHECK(parse_decimal(std::string_view(buf, n), again));
  FUZZ_CHECK(again == value);
}

bool inside(std::string_view view, std::string_view text) {
  const auto begin = reinterpret_cast<std::uintptr_t>(text.data());
  const auto first = reinterpret_cast<std::uintptr_t>(view.data());
  return first >= begin && first + view.size() <= begin + text.size();
}

void check_level_array(std::string_view raw, const std::vector<PriceLevel>& levels,
                       std::string_view text) {
  FUZZ_CHECK(inside(raw, text));
  FUZZ_CHECK(raw.size() >= 2 && raw.front() == '[' && raw.back() == ']');
  for (const PriceLevel& level : levels) {
    check_decimal_round_trip(level.price);
    check_decimal_round_trip(level.qty);
    FUZZ_CHECK(fits_book_price(level.price));  // a book's 64-bit ranks hold every price accepted
  }
}

// The raw spans are what the recorder writes to disk: they must mean what was parsed.
void check_raw_spans_reparse(const DepthUpdate& depth) {
  std::string body = "{\"lastUpdateId\":1,\"bids\":";
  body.append(depth.bids_json);
  body += ",\"asks\":";
  body.append(depth.asks_json);
  body += '}';
  DepthSnapshot snapshot;
  FUZZ_CHECK(parse_snapshot(body, snapshot) == ParseError::none);
  FUZZ_CHECK(snapshot.bids == depth.bids);
  FUZZ_CHECK(snapshot.asks == depth.asks);
  FUZZ_CHECK(snapshot.bids_json == depth.bids_json);
  FUZZ_CHECK(snapshot.asks_json == depth.asks_json);
}

void check_same_frame(const Frame& a, const Frame& b) {
  FUZZ_CHECK(a.type == b.type);
  FUZZ_CHECK(a.stream == b.stream);
  FUZZ_CHECK(a.event_type == b.event_type);
  const DepthUpdate& x = a.depth;
  const DepthUpdate& y = b.depth;
  FUZZ_CHECK(x.kind == y.kind && x.symbol == y.symbol);
  FUZZ_CHECK(x.event_time_ms == y.event_time_ms && x.transaction_time_ms == y.transaction_time_ms);
  FUZZ_CHECK(x.first_id == y.first_id && x.final_id == y.final_id);
  FUZZ_CHECK(x.prev_final_id == y.prev_final_id && x.has_prev_final_id == y.has_prev_final_id);
  FUZZ_CHECK(x.bids == y.bids && x.asks == y.asks);
  // Same input buffer, so the views must be the same spans, not just equal text.
  FUZZ_CHECK(x.bids_json.data() == y.bids_json.data() && x.bids_json.size() == y.bids_json.size());
  FUZZ_CHECK(x.asks_json.data() == y.asks_json.data() && x.asks_json.size() == y.asks_json.size());
  const BookTicker& s = a.ticker;
  const BookTicker& t = b.ticker;
  FUZZ_CHECK(s.symbol == t.symbol && s.update_id == t.update_id);
  FUZZ_CHECK(s.bid_price == t.bid_price && s.bid_qty == t.bid_qty);
  FUZZ_CHECK(s.ask_price == t.ask_price && s.ask_qty == t.ask_qty);
  FUZZ_CHECK(s.bid_price_text == t.bid_price_text && s.bid_qty_text == t.bid_qty_text);
  FUZZ_CHECK(s.ask_price_text == t.ask_price_text && s.ask_qty_text == t.ask_qty_text);
  FUZZ_CHECK(s.event_time_ms == t.event_time_ms && s.transaction_time_ms == t.transaction_time_ms);
  FUZZ_CHECK(a.reply.has_id == b.reply.has_id && a.reply.id == b.reply.id);
  FUZZ_CHECK(a.reply.error == b.reply.error);
}

void check_frame(const Frame& frame, std::string_view text) {
  switch (frame.type) {
    case FrameType::depth_update:
    case FrameType::spot_partial_depth:
      check_level_array(frame.depth.bids_json, frame.depth.bids, text);
      check_level_array(frame.depth.asks_json, frame.depth.asks, text);
      check_raw_spans_reparse(frame.depth);
      fuzz::check_depth_record(frame.depth);
      if (frame.type == FrameType::spot_partial_depth) {
        FUZZ_CHECK(frame.depth.kind == DepthKind::partial);
        FUZZ_CHECK(frame.depth.first_id == frame.depth.final_id);
      }
      break;
    case FrameType::book_ticker:
      check_decimal_round_trip(frame.ticker.bid_price);
      check_decimal_round_trip(frame.ticker.bid_qty);
      check_decimal_round_trip(frame.ticker.ask_price);
      check_decimal_round_trip(frame.ticker.ask_qty);
      break;
    case FrameType::subscription_reply:
      // The id is the request's to match by: only a plain unsigned integer counts.
      FUZZ_CHECK(frame.reply.has_id || frame.reply.id == 0);
      break;
    case FrameType::server_event:
    case FrameType::other_event:
      break;  // Frame::depth and Frame::ticker are documented as meaningless for these
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // Reused across inputs on purpose: the steady state of a live connection.
  static FrameParser reused_parser;
  static Frame reused_frame;
  const ParseError error = reused_parser.parse(text, reused_frame);

  FrameParserLimits generic_only;
  generic_only.depth_fast_path = false;
  FrameParser fresh_parser(generic_only);
  Frame fresh_frame;
  FUZZ_CHECK(fresh_parser.parse(text, fresh_frame) == error);
  if (error == ParseError::none) {
    check_same_frame(reused_frame, fresh_frame);
    check_frame(fresh_frame, text);
  }

  // Limits: the same text with a size limit just below it is refused as too_large.
  if (size > 0) {
    FrameParser small_parser(FrameParserLimits{size - 1, 10000});
    Frame small_frame;
    FUZZ_CHECK(small_parser.parse(text, small_frame) == ParseError::too_large);
  }
  return 0;
}
