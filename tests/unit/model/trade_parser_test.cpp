// parse_trade_frame: Binance's trade and aggTrade payloads (spot and USD-M shapes, combined and
// raw), unknown fields kept, each missing or malformed field its own error.
#include <gtest/gtest.h>

#include <string>

#include "depthrec/trade_event.hpp"

namespace depthrec {
namespace {

// From binance-protocol.md: USD-M aggTrade (with 2025-12-31's `nq` and `st`), spot trade.
const std::string kUsdmAggTrade =
    R"({"e":"aggTrade","E":1765000000123,"s":"BTCUSDT","a":5933014,"p":"63943.90","q":"0.012",)"
    R"("nq":"0.012","f":100,"l":105,"T":1765000000120,"m":true,"st":1})";
const std::string kSpotTrade =
    R"({"e":"trade","E":1765000000456,"s":"ETHUSDT","t":12345,"p":"3000.01000000",)"
    R"("q":"0.50000000","T":1765000000450,"m":false,"M":true})";

std::string combined(const std::string& stream, const std::string& payload) {
  return R"({"stream":")" + stream + R"(","data":)" + payload + "}";
}

TEST(TradeParser, ReadsACombinedUsdmAggTradeAndKeepsItsPayloadAsReceived) {
  const std::string frame = combined("btcusdt@aggTrade", kUsdmAggTrade);
  TradeEvent event;
  ASSERT_EQ(parse_trade_frame(frame, TradeKind::agg_trade, event), ParseError::none);
  EXPECT_EQ(event.stream, "btcusdt@aggTrade");
  EXPECT_EQ(event.symbol, "BTCUSDT");
  EXPECT_EQ(event.id, 5933014u);
  EXPECT_EQ(event.first_trade_id, 100u);
  EXPECT_EQ(event.last_trade_id, 105u);
  EXPECT_EQ(to_string(event.price), "63943.9");
  EXPECT_EQ(to_string(event.quantity), "0.012");
  EXPECT_EQ(event.event_time_ms, 1765000000123);
  EXPECT_EQ(event.trade_time_ms, 1765000000120);
  EXPECT_TRUE(event.buyer_is_maker);
  // The payload is the "data" object's own text, unknown fields (nq, st) included.
  EXPECT_EQ(event.payload, kUsdmAggTrade);
}

TEST(TradeParser, ReadsARawSpotTrade) {
  TradeEvent event;
  ASSERT_EQ(parse_trade_frame(kSpotTrade, TradeKind::trade, event), ParseError::none);
  EXPECT_TRUE(event.stream.empty());
  EXPECT_EQ(event.symbol, "ETHUSDT");
  EXPECT_EQ(event.id, 12345u);
  EXPECT_EQ(event.first_trade_id, 12345u);
  EXPECT_EQ(to_string(event.price), "3000.01");
  EXPECT_FALSE(event.buyer_is_maker);
  EXPECT_EQ(event.payload, kSpotTrade);
}

TEST(TradeParser, KeepsWhitespaceAndNestedUnknownFieldsInThePayload) {
  const std::string payload =
      R"({ "e" : "trade", "x":{"deep":[1,{"a":2}]}, "E":1,"s":"BTCUSDT","t":7,"p":"1","q":"2","T":1,"m":true })";
  TradeEvent event;  // its views point into the frame: the frame is kept
  const std::string frame = combined("btcusdt@trade", payload);
  ASSERT_EQ(parse_trade_frame(frame, TradeKind::trade, event), ParseError::none);
  EXPECT_EQ(event.payload, payload);
  EXPECT_EQ(event.id, 7u);
}

struct Refusal {
  const char* name;
  std::string frame;
  TradeKind kind;
  ParseError error;
};

std::string without(const std::string& payload, const std::string& field) {
  std::string out = payload;
  const std::size_t at = out.find(field);
  const std::size_t end = out.find(',', at);
  out.erase(at, end - at + 1);
  return out;
}

std::string replaced(const std::string& payload, const std::string& from, const std::string& to) {
  std::string out = payload;
  out.replace(out.find(from), from.size(), to);
  return out;
}

class TradeParserRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(TradeParserRefuses, WithItsOwnError) {
  TradeEvent event;
  EXPECT_EQ(parse_trade_frame(GetParam().frame, GetParam().kind, event), GetParam().error)
      << GetParam().frame;
}

INSTANTIATE_TEST_SUITE_P(
    Fields, TradeParserRefuses,
    ::testing::Values(
        Refusal{"no_id", without(kSpotTrade, R"("t":12345)"), TradeKind::trade,
                ParseError::missing_field},
        Refusal{"no_agg_id", without(kUsdmAggTrade, R"("a":5933014)"), TradeKind::agg_trade,
                ParseError::missing_field},
        Refusal{"no_first", without(kUsdmAggTrade, R"("f":100)"), TradeKind::agg_trade,
                ParseError::missing_field},
        Refusal{"no_symbol", without(kSpotTrade, R"("s":"ETHUSDT")"), TradeKind::trade,
                ParseError::missing_field},
        Refusal{"no_price", without(kSpotTrade, R"("p":"3000.01000000")"), TradeKind::trade,
                ParseError::missing_field},
        Refusal{"negative_id", replaced(kSpotTrade, "12345", "-1"), TradeKind::trade,
                ParseError::bad_number},
        Refusal{"fractional_id", replaced(kSpotTrade, "12345", "1.5"), TradeKind::trade,
                ParseError::bad_number},
        Refusal{"id_as_string", replaced(kSpotTrade, "12345", R"("12345")"), TradeKind::trade,
                ParseError::wrong_type},
        Refusal{"price_number", replaced(kSpotTrade, R"("3000.01000000")", "3000.01"),
                TradeKind::trade, ParseError::wrong_type},
        Refusal{"price_inexact", replaced(kSpotTrade, "3000.01000000", "3000.000000001"),
                TradeKind::trade, ParseError::bad_decimal},
        Refusal{"qty_signed", replaced(kSpotTrade, "0.50000000", "-0.5"), TradeKind::trade,
                ParseError::bad_decimal},
        Refusal{"maker_not_bool", replaced(kSpotTrade, R"("m":false)", R"("m":0)"),
                TradeKind::trade, ParseError::wrong_type},
        Refusal{"id_twice", replaced(kSpotTrade, R"("t":12345)", R"("t":12345,"t":12346)"),
                TradeKind::trade, ParseError::duplicate_key},
        Refusal{"last_before_first", replaced(kUsdmAggTrade, R"("l":105)", R"("l":99)"),
                TradeKind::agg_trade, ParseError::bad_number},
        Refusal{"other_event", kSpotTrade, TradeKind::agg_trade, ParseError::wrong_type},
        Refusal{"not_json", R"({"e":"trade",)", TradeKind::trade, ParseError::malformed_json},
        Refusal{"array", "[1,2]", TradeKind::trade, ParseError::not_an_object},
        Refusal{"data_array", R"({"stream":"x@trade","data":[1]})", TradeKind::trade,
                ParseError::wrong_type},
        Refusal{"stream_missing", R"({"data":)" + kSpotTrade + "}", TradeKind::trade,
                ParseError::missing_field},
        Refusal{"too_deep", std::string(40, '[') + std::string(40, ']'), TradeKind::trade,
                ParseError::too_large},
        Refusal{"nul_inside", kSpotTrade + std::string(1, '\0'), TradeKind::trade,
                ParseError::malformed_json}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace depthrec
