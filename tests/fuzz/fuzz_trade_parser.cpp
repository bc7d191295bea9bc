// parse_trade_frame (trade and aggTrade) on arbitrary bytes, then the handler path's record lines.
// Checks:
//  - never crashes; deterministic (a second parse into a used event gives the same result);
//  - an accepted frame's payload, stream and symbol are views inside the input, the payload an
//    object's text ('{'..'}'), ids in order (aggTrade first <= last), decimals round-trip;
//  - the event record built from it is one JSON line (no CR/LF inside) that parses back.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/records.hpp"
#include "depthrec/trade_event.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace depthrec;

using fuzz::is_view_inside;

void check(std::string_view text, TradeKind kind) {
  TradeEvent event;
  const ParseError error = parse_trade_frame(text, kind, event);
  TradeEvent again;
  again.id = 99;
  std::string scratch = "stale";
  FUZZ_CHECK(parse_trade_frame(text, kind, again, scratch) == error);
  if (error != ParseError::none) return;
  FUZZ_CHECK(again.id == event.id && again.payload == event.payload);
  FUZZ_CHECK(is_view_inside(event.payload, text) && is_view_inside(event.stream, text) &&
             is_view_inside(event.symbol, text));
  FUZZ_CHECK(event.payload.size() >= 2 && event.payload.front() == '{' &&
             event.payload.back() == '}');
  FUZZ_CHECK(!event.symbol.empty());
  FUZZ_CHECK(event.first_trade_id <= event.last_trade_id);
  for (Decimal value : {event.price, event.quantity}) {
    Decimal back{-1};
    FUZZ_CHECK(parse_decimal(to_string(value), back) && back == value);
  }
  RecordContext context;
  context.symbol = std::string(event.symbol);
  context.stream = "x@trade";
  std::string line;
  append_event_record(line, to_string(kind), context, 1, event.id, event.event_time_ms,
                      event.trade_time_ms, 0.0, event.payload);
  FUZZ_CHECK(!line.empty() && line.back() == '\n');
  FUZZ_CHECK(line.find_first_of("\r\n") == line.size() - 1);
  rapidjson::Document parsed;
  parsed.Parse(line.c_str(), line.size() - 1);
  FUZZ_CHECK(!parsed.HasParseError() && parsed.IsObject() && parsed.HasMember("data") &&
             parsed["data"].IsObject());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(text, TradeKind::trade);
  check(text, TradeKind::agg_trade);
  return 0;
}
