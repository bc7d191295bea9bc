// parse_kline_frame: Binance's kline payload (binance-protocol.md), combined and raw, unknown
// fields kept, each missing or malformed field its own error.
#include <gtest/gtest.h>

#include <string>

#include "depthrec/kline_event.hpp"

namespace depthrec {
namespace {

// A closed USD-M 1m candle as Binance documents it (B is "Ignore"; `st` is unknown here).
const std::string kClosedKline =
    R"({"e":"kline","E":1765000060001,"s":"BTCUSDT","k":{"t":1765000000000,"T":1765000059999,)"
    R"("s":"BTCUSDT","i":"1m","f":100,"L":200,"o":"63900.10","c":"63943.90","h":"63950.00",)"
    R"("l":"63890.00","v":"12.345","n":101,"x":true,"q":"789012.3456","V":"6.1","Q":"390000.5",)"
    R"("B":"0"},"st":1})";

std::string combined(const std::string& stream, const std::string& payload) {
  return R"({"stream":")" + stream + R"(","data":)" + payload + "}";
}

TEST(KlineParser, ReadsAClosedCandleWithSeed000sTenColumnsAndKeepsThePayload) {
  const std::string frame = combined("btcusdt@kline_1m", kClosedKline);
  KlineEvent event;
  std::string scratch;
  ASSERT_EQ(parse_kline_frame(frame, event, scratch), ParseError::none);
  EXPECT_EQ(event.stream, "btcusdt@kline_1m");
  EXPECT_EQ(event.symbol, "BTCUSDT");
  EXPECT_EQ(event.interval, KlineInterval::m1);
  EXPECT_EQ(event.event_time_ms, 1765000060001);
  EXPECT_EQ(event.open_time_ms, 1765000000000);
  EXPECT_EQ(event.close_time_ms, 1765000059999);
  EXPECT_EQ(event.first_trade_id, 100);
  EXPECT_EQ(event.last_trade_id, 200);
  EXPECT_EQ(to_string(event.open), "63900.1");
  EXPECT_EQ(to_string(event.high), "63950");
  EXPECT_EQ(to_string(event.low), "63890");
  EXPECT_EQ(to_string(event.close), "63943.9");
  EXPECT_EQ(to_string(event.base_volume), "12.345");
  EXPECT_EQ(to_string(event.quote_volume), "789012.3456");
  EXPECT_EQ(event.trade_count, 101u);
  EXPECT_EQ(to_string(event.taker_buy_base_volume), "6.1");
  EXPECT_EQ(to_string(event.taker_buy_quote_volume), "390000.5");
  EXPECT_TRUE(event.closed);
  EXPECT_EQ(event.payload, kClosedKline);
  // Views into the frame, not into the parser's copies.
  EXPECT_GE(event.symbol.data(), frame.data());
  EXPECT_LE(event.symbol.data() + event.symbol.size(), frame.data() + frame.size());
}

TEST(KlineParser, ReadsARawOpenCandleWithoutTrades) {
  std::string raw = kClosedKline;
  raw.replace(raw.find(R"("f":100,"L":200)"), 15, R"("f":-1,"L":-1)");
  raw.replace(raw.find(R"("x":true)"), 8, R"("x":false)");
  KlineEvent event;
  std::string scratch;
  ASSERT_EQ(parse_kline_frame(raw, event, scratch), ParseError::none);
  EXPECT_TRUE(event.stream.empty());
  EXPECT_FALSE(event.closed);
  EXPECT_EQ(event.first_trade_id, -1);
  EXPECT_EQ(event.last_trade_id, -1);
}

TEST(KlineParser, EachMissingOrMalformedFieldIsItsOwnError) {
  struct Case {
    std::string from, to;
    ParseError expected;
  };
  const Case cases[] = {
      {R"("e":"kline")", R"("e":"trade")", ParseError::wrong_type},
      {R"("E":1765000060001,)", "", ParseError::missing_field},
      {R"("o":"63900.10")", R"("o":"6e4")", ParseError::bad_decimal},
      {R"("o":"63900.10")", R"("o":63900.10)", ParseError::wrong_type},
      {R"("n":101)", R"("n":-1)", ParseError::bad_number},
      {R"("x":true)", R"("x":"true")", ParseError::wrong_type},
      {R"("i":"1m")", R"("i":"7m")", ParseError::bad_number},
      {R"("T":1765000059999)", R"("T":1764999999999)", ParseError::bad_number},
      {R"("t":1765000000000,)", R"("t":1765000000000,"t":1,)", ParseError::duplicate_key},
      {R"("f":100)", R"("f":-2)", ParseError::bad_number},
      {R"("s":"BTCUSDT","i")", R"("s":"ETHUSDT","i")", ParseError::wrong_type},
      {R"("Q":"390000.5",)", "", ParseError::missing_field},
  };
  for (const Case& c : cases) {
    std::string frame = kClosedKline;
    const std::size_t at = frame.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    frame.replace(at, c.from.size(), c.to);
    KlineEvent event;
    std::string scratch;
    EXPECT_EQ(parse_kline_frame(frame, event, scratch), c.expected) << frame;
  }
  KlineEvent event;
  std::string scratch;
  EXPECT_EQ(parse_kline_frame(R"({"e":"kline","E":1,"s":"X","k":[]})", event, scratch),
            ParseError::wrong_type);
  EXPECT_EQ(parse_kline_frame("{\"e\":", event, scratch), ParseError::malformed_json);
}

}  // namespace
}  // namespace depthrec
