// parse_kline_frame on arbitrary bytes, then KlineContinuity and the kline record lines.
// Checks:
//  - never crashes; deterministic (a second parse into a used event gives the same result);
//  - an accepted frame's payload, stream and symbol are views inside the input, the payload an
//    object's text ('{'..'}'), close time >= open time, a known interval, decimals round-trip;
//  - continuity accepts any open time without crashing (extreme times included);
//  - the kline and kline gap records are one JSON line each (no CR/LF inside) that parses back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/kline_continuity.hpp"
#include "depthrec/records.hpp"
#include "fuzz_check.hpp"
#include "record_line_check.hpp"

namespace {

using namespace depthrec;

using fuzz::is_view_inside;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  KlineEvent event;
  std::string scratch;
  const ParseError error = parse_kline_frame(text, event, scratch);
  KlineEvent again;
  again.open_time_ms = 99;
  std::string stale = "stale";
  FUZZ_CHECK(parse_kline_frame(text, again, stale) == error);
  if (error != ParseError::none) return 0;
  FUZZ_CHECK(again.open_time_ms == event.open_time_ms && again.payload == event.payload);
  FUZZ_CHECK(is_view_inside(event.payload, text) && is_view_inside(event.stream, text) &&
             is_view_inside(event.symbol, text));
  FUZZ_CHECK(event.payload.size() >= 2 && event.payload.front() == '{' &&
             event.payload.back() == '}');
  FUZZ_CHECK(!event.symbol.empty() && event.interval != KlineInterval::none);
  FUZZ_CHECK(event.close_time_ms >= event.open_time_ms);
  for (Decimal value :
       {event.open, event.high, event.low, event.close, event.base_volume, event.quote_volume,
        event.taker_buy_base_volume, event.taker_buy_quote_volume}) {
    Decimal back{-1};
    FUZZ_CHECK(parse_decimal(to_string(value), back) && back == value);
  }
  // The open time against candles around it and far from it.
  KlineContinuity continuity(event.interval);
  continuity.step(0, false);
  const KlineStep step = continuity.step(event.open_time_ms, event.closed);
  FUZZ_CHECK(step.kind != KlineStepKind::gap || step.missing_from_ms <= step.missing_to_ms ||
             step.missing == 0);
  RecordContext context;
  context.symbol = std::string(event.symbol);
  context.stream = "x@kline_1m";
  std::string line;
  append_kline_record(line, context, 1, event, 0.0);
  fuzz::check_json_object_line(line);
  line.clear();
  KlineGapInfo gap;
  gap.last_open_time = step.previous_open_ms;
  gap.got_open_time = event.open_time_ms;
  gap.from_open_time = step.missing_from_ms;
  gap.to_open_time = step.missing_to_ms;
  gap.missing = step.missing;
  append_kline_gap_record(line, context, 1, gap);
  fuzz::check_json_object_line(line);
  return 0;
}
