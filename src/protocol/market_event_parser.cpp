// parse_market_event_frame: the payload located as for trades (event_payload.hpp), then read as
// a document.
#include <rapidjson/document.h>

#include "depthrec/market_event.hpp"
#include "protocol/event_payload.hpp"
#include "protocol/market_event_fields.hpp"

namespace depthrec {
namespace {

using protocol::FieldReader;
using protocol::JsonObject;

// A funding rate or estimated settle price: "" (none, delivery contracts) or a decimal, which
// for a rate may be negative ("-0.00010000").
ParseError optional_signed_decimal(const JsonObject& object, const char* name,
                                   OptionalSignedDecimal& out) {
  const rapidjson::Value* value = nullptr;
  for (const auto& m : object) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) != name) continue;
    if (value != nullptr) return ParseError::duplicate_key;
    value = &m.value;
  }
  if (value == nullptr) return ParseError::missing_field;
  if (!value->IsString()) return ParseError::wrong_type;
  std::string_view text(value->GetString(), value->GetStringLength());
  out = {};
  if (text.empty()) return ParseError::none;
  const bool negative = text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (!parse_decimal(text, out.magnitude)) return ParseError::bad_decimal;
  out.present = true;
  out.negative = negative && !out.magnitude.is_zero();
  return ParseError::none;
}

ParseError read_mark_price(const JsonObject& object, MarketEvent& out) {
  FieldReader read(object);
  read.text("s", out.symbol);
  read.decimal("p", out.price);
  read.decimal("i", out.index_price);
  read.time("T", out.time_ms);
  if (read.error() != ParseError::none) return read.error();
  if (const ParseError error = optional_signed_decimal(object, "P", out.settle_price);
      error != ParseError::none)
    return error;
  return optional_signed_decimal(object, "r", out.funding_rate);
}

ParseError read_force_order(FieldReader& read, MarketEvent& out) {
  const rapidjson::Value* order_value = read.object("o");
  if (read.error() != ParseError::none) return read.error();
  const JsonObject order_object = order_value->GetObject();
  FieldReader order(order_object);
  order.text("s", out.symbol);
  order.text("S", out.side);
  order.decimal("q", out.quantity);
  order.decimal("p", out.price);
  order.decimal("ap", out.average_price);
  order.text("X", out.status);
  order.time("T", out.time_ms);
  if (order.error() != ParseError::none) return order.error();
  if (out.side != "BUY" && out.side != "SELL") return ParseError::wrong_type;
  return ParseError::none;
}

}  // namespace

namespace protocol {

ParseError read_market_event_fields(const JsonObject& object, MarketEventKind kind,
                                    MarketEvent& out) {
  FieldReader read(object);
  read.time("E", out.event_time_ms);
  if (read.error() != ParseError::none) return read.error();
  return kind == MarketEventKind::mark_price ? read_mark_price(object, out)
                                             : read_force_order(read, out);
}

}  // namespace protocol

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
  if (const ParseError error = protocol::read_market_event_fields(event.object(), kind, out);
      error != ParseError::none)
    return error;
  // Views of the frame (the document's copies go with it).
  out.symbol = protocol::view_in_payload(payload, out.symbol);
  if (out.symbol.empty()) return ParseError::wrong_type;  // escaped: not a symbol
  if (!out.side.empty()) out.side = protocol::view_in_payload(payload, out.side);
  if (!out.status.empty()) out.status = protocol::view_in_payload(payload, out.status);
  return ParseError::none;
}

}  // namespace depthrec
