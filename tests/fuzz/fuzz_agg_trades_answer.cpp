// parse_agg_trades_answer (the aggTrades REST answer a --repair-trades gap is filled from) on
// arbitrary bytes, then the repair planner and the records it leads to. Checks:
//  - never crashes; deterministic (a second parse with a used scratch gives the same result);
//  - an accepted answer's objects are views inside the input, each an object's text ('{'..'}'),
//    first trade id <= last, decimals round-trip; a refused one holds no trade;
//  - the planner records only ids of its gap, strictly increasing, each once, and ends;
//  - each REST trade record and the gap_fill record is one JSON line that parses back.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/records.hpp"
#include "fuzz_check.hpp"
#include "protocol/agg_trade_gap_repair.hpp"
#include "protocol/agg_trades_answer.hpp"
#include "record_line_check.hpp"

using namespace depthrec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string scratch;
  const AggTradesAnswer answer = parse_agg_trades_answer(text, scratch);
  std::string stale = "stale";
  const AggTradesAnswer again = parse_agg_trades_answer(text, stale);
  FUZZ_CHECK(again.error == answer.error && again.trades.size() == answer.trades.size());
  if (answer.error != ParseError::none) {
    FUZZ_CHECK(answer.trades.empty() && !answer.error_text().empty());
    return 0;
  }
  FUZZ_CHECK(answer.trades.size() <= kMaxAggTradesPerAnswer);
  for (const RestAggTrade& trade : answer.trades) {
    FUZZ_CHECK(fuzz::is_view_inside(trade.object, text));
    FUZZ_CHECK(trade.object.size() >= 2 && trade.object.front() == '{' &&
               trade.object.back() == '}');
    FUZZ_CHECK(trade.first_trade_id <= trade.last_trade_id);
    for (Decimal value : {trade.price, trade.quantity}) {
      Decimal back{-1};
      FUZZ_CHECK(parse_decimal(to_string(value), back) && back == value);
    }
  }
  // A gap around the first trade's id: what the planner takes is of the gap, in order, once.
  const std::uint64_t from = answer.trades.empty() ? 1 : answer.trades.front().id;
  AggTradeGapRepair repair(from, from + size % 7);
  const AggTradeGapRepair::Taken taken = repair.take(answer.trades);
  FUZZ_CHECK(taken.accepted.size() + taken.outside + taken.repeated == answer.trades.size());
  FUZZ_CHECK(repair.filled() == taken.accepted.size());
  std::uint64_t last = 0;
  RecordContext context;
  context.symbol = "BTCUSDT";
  context.stream = "btcusdt@aggTrade";
  std::string line;
  for (std::size_t i = 0; i < taken.accepted.size(); ++i) {
    const RestAggTrade& trade = answer.trades[taken.accepted[i]];
    FUZZ_CHECK(trade.id >= repair.from() && trade.id <= repair.to());
    FUZZ_CHECK(i == 0 || trade.id > last);
    last = trade.id;
    line.clear();  // append_*: the recorder hands each line to the writer, which takes it
    append_rest_trade_record(line, "aggTrade", context, 1, trade.id, trade.trade_time_ms,
                             trade.object);
    fuzz::check_json_object_line(line);
  }
  repair.fail("fuzz");  // over either way
  FUZZ_CHECK(repair.done() && !repair.next_page());
  GapFillInfo fill{repair.from(),   repair.to(), repair.missing(), to_string(repair.status()),
                   repair.filled(), 1,           repair.reason()};
  line.clear();
  append_gap_fill_record(line, context, 1, fill);
  fuzz::check_json_object_line(line);
  return 0;
}
