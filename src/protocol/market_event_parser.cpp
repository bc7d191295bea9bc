// parse_market_event_frame: the payload located as for trades (event_payload.hpp), then read as
// a document.
#include <rapidjson/document.h>

#include "depthrec/market_event.hpp"
#include "protocol/event_payload.hpp"

namespace depthrec {
namespace {

using protocol::FieldReader;
using protocol::JsonObject;

// A funding rate or estimated settle price: "" (none, delivery contracts) or a decimal, which
// for a rate may be negative ("-0.00010000").
ParseError optional_signed_decimal(const JsonObject& object, const char* name) {
  const rapidjson::Value* value = nullptr;
  for (const auto& m : object) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) != name) continue;
    if (value != nullptr) return ParseError::duplicate_key;
    value = &m.value;
  }
  if (value == nullptr) return ParseError::missing_field;
  if (!value->IsString()) return ParseError::wrong_type;
  std::string_view text(value->GetString(), value->GetStringLength());
  if (text.empty()) return ParseError::none;
  if (text.front() == '-') text.remove_prefix(1);
  Decimal parsed;
  return parse_decimal(text, parsed) ? ParseError::none : ParseError::bad_decimal;
}

ParseError read_mark_price(const JsonObject& object, MarketEvent& out) {
  FieldReader read(object);
  read.text("s", out.symbol);
  read.decimal("p", out.price);
  Decimal index;
  read.decimal("i", index);
  read.time("T", out.time_ms);
  if (read.error() != ParseError::none) return read.error();
  for (const char* name : {"P", "r"}) {
    if (const ParseError error = optional_signed_decimal(object, name); error != ParseError::none)
      return error;
  }
  return ParseError::none;
}

ParseError read_force_order(FieldReader& read, MarketEvent& out) {
  const rapidjson::Value* order_value = read.object("o");
  if (read.error() != ParseError::none) return read.error();
  const JsonObject order_object = order_value->GetObject();
  FieldReader order(order_object);
  std::string_view status;
  Decimal average;
  order.text("s", out.symbol);
  order.text("S", out.side);
  order.decimal("q", out.quantity);
  order.decimal("p", out.price);
  order.decimal("ap", average);
  order.text("X", status);
  order.time("T", out.time_ms);
  if (order.error() != ParseError::none) return order.error();
  if (out.side != "BUY" && out.side != "SELL") return ParseError::wrong_type;
  return ParseError::none;
}

}  // namespace

std::string_view to_string(MarketEventKind kind) {
  return kind == MarketEventKind::mark_price ? "markPrice" : "forceOrder";
}

ParseError parse_market_event_frame(std::string_view text, MarketEventKind kind, MarketEvent& out,
                                    std::string& scratch) {
  out = MarketEvent{};
  out.kind = kind;
  protocol::EventDocument event;
  const std::string_view event_type =
      kind == MarketEventKind::mark_price ? "markPriceUpdate" : "forceOrder";
  if (const ParseError error =
          protocol::read_event_document(text, scratch, event_type, event, out.payload, out.stream);
      error != ParseError::none)
    return error;
  const std::string_view payload = out.payload;
  const JsonObject object = event.object();
  FieldReader read(object);
  read.time("E", out.event_time_ms);
  if (read.error() != ParseError::none) return read.error();
  const ParseError error = kind == MarketEventKind::mark_price ? read_mark_price(object, out)
                                                               : read_force_order(read, out);
  if (error != ParseError::none) return error;
  // Views of the frame (the document's copies go with it).
  out.symbol = protocol::view_in_payload(payload, out.symbol);
  if (out.symbol.empty()) return ParseError::wrong_type;  // escaped: not a symbol
  if (!out.side.empty()) out.side = protocol::view_in_payload(payload, out.side);
  return ParseError::none;
}

}  // namespace depthrec
