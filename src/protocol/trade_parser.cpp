// parse_trade_frame: two steps. A SAX walk over the frame checks it is JSON and finds where the
// payload object lies (locate_event_payload): that text is what the recording keeps. Then the
// payload alone is read as a document and each field checked. Trades come at a small fraction of
// the depth rate, so the second read costs little; the depth path is untouched.
#include "depthrec/trade_event.hpp"
#include "protocol/event_payload.hpp"

namespace depthrec {

using protocol::FieldReader;
using protocol::JsonObject;

std::string_view to_string(TradeKind kind) {
  return kind == TradeKind::trade ? "trade" : "aggTrade";
}

ParseError parse_trade_frame(std::string_view text, TradeKind kind, TradeEvent& out) {
  std::string scratch;
  return parse_trade_frame(text, kind, out, scratch);
}

ParseError parse_trade_frame(std::string_view text, TradeKind kind, TradeEvent& out,
                             std::string& scratch) {
  out = TradeEvent{};
  out.kind = kind;
  // Step 1: the frame is JSON; where is the payload. Step 2: the payload's fields.
  protocol::EventDocument event;
  if (const ParseError error = protocol::read_event_document(text, scratch, to_string(kind), event,
                                                             out.payload, out.stream);
      error != ParseError::none)
    return error;
  const std::string_view payload = out.payload;
  const JsonObject object = event.object();
  FieldReader read(object);
  read.time("E", out.event_time_ms);
  read.time("T", out.trade_time_ms);
  read.text("s", out.symbol);
  read.decimal("p", out.price);
  read.decimal("q", out.quantity);
  read.flag("m", out.buyer_is_maker);
  if (kind == TradeKind::trade) {
    read.id("t", out.id);
    out.first_trade_id = out.last_trade_id = out.id;
  } else {
    read.id("a", out.id);
    read.id("f", out.first_trade_id);
    read.id("l", out.last_trade_id);
    if (read.error() == ParseError::none && out.last_trade_id < out.first_trade_id)
      return ParseError::bad_number;
  }
  if (read.error() != ParseError::none) return read.error();
  // The symbol as a view of the frame (the document's copy goes with it).
  out.symbol = protocol::view_in_payload(payload, out.symbol);
  if (out.symbol.empty()) return ParseError::wrong_type;  // escaped: not a symbol
  return ParseError::none;
}

}  // namespace depthrec
