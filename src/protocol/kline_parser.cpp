// parse_kline_frame: the payload located as for trades (event_payload.hpp), then read as a
// document: the candle's fields in "k".
#include <optional>

#include "depthrec/kline_event.hpp"

#include "protocol/event_payload.hpp"
#include "protocol/kline_fields.hpp"

namespace depthrec {

using protocol::JsonObject;

namespace protocol {

ParseError read_kline_fields(const JsonObject& object, KlineEvent& out) {
  FieldReader read(object);
  read.time("E", out.event_time_ms);
  read.text("s", out.symbol);
  const rapidjson::Value* candle_value = read.object("k");
  if (read.error() != ParseError::none) return read.error();
  const JsonObject candle_object = candle_value->GetObject();
  FieldReader candle(candle_object);
  std::string_view interval, candle_symbol;
  candle.time("t", out.open_time_ms);
  candle.time("T", out.close_time_ms);
  candle.text("i", interval);
  candle.signed_id("f", out.first_trade_id);
  candle.signed_id("L", out.last_trade_id);
  candle.decimal("o", out.open);
  candle.decimal("c", out.close);
  candle.decimal("h", out.high);
  candle.decimal("l", out.low);
  candle.decimal("v", out.base_volume);
  candle.id("n", out.trade_count);
  candle.flag("x", out.closed);
  candle.decimal("q", out.quote_volume);
  candle.decimal("V", out.taker_buy_base_volume);
  candle.decimal("Q", out.taker_buy_quote_volume);
  if (candle.error() != ParseError::none) return candle.error();
  const std::optional<KlineInterval> known = parse_kline_interval(interval);
  if (!known || out.close_time_ms < out.open_time_ms) return ParseError::bad_number;
  out.interval = *known;
  // "k.s" is optional in older captures; when present it names the same symbol.
  if (candle_object.HasMember("s")) {
    candle.text("s", candle_symbol);
    if (candle.error() != ParseError::none) return candle.error();
    if (candle_symbol != out.symbol) return ParseError::wrong_type;
  }
  return ParseError::none;
}

}  // namespace protocol

ParseError parse_kline_frame(std::string_view text, KlineEvent& out, std::string& scratch) {
  out = KlineEvent{};
  protocol::EventDocument event;
  if (const ParseError error =
          protocol::read_event_document(text, scratch, "kline", event, out.payload, out.stream);
      error != ParseError::none)
    return error;
  const std::string_view payload = out.payload;
  if (const ParseError error = protocol::read_kline_fields(event.object(), out);
      error != ParseError::none)
    return error;
  // The symbol as a view of the frame (the document's copy goes with it).
  out.symbol = protocol::view_in_payload(payload, out.symbol);
  if (out.symbol.empty()) return ParseError::wrong_type;  // escaped: not a symbol
  return ParseError::none;
}

}  // namespace depthrec
