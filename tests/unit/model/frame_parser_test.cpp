#include "depthrec/frame_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace depthrec {
namespace {

Decimal dec(std::string_view text) {
  Decimal value;
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

PriceLevel level(std::string_view price, std::string_view qty) {
  return PriceLevel{dec(price), dec(qty)};
}

bool points_into(std::string_view view, const std::string& text) {
  return view.data() >= text.data() && view.data() + view.size() <= text.data() + text.size();
}

constexpr const char* kFuturesPayload =
    R"({"e":"depthUpdate","E":1721347022504,"T":1721347022503,"s":"BTCUSDT","U":100,"u":105,)"
    R"("pu":99,"b":[["63943.90","46.371"],["63943.80","0.000"]],"a":[["63944.00","0.095"]]})";

class FrameParserTest : public ::testing::Test {
 protected:
  // The frame's views point into the text, so the fixture keeps it alive.
  ParseError parse(std::string text) {
    text_ = std::move(text);
    return parser.parse(text_, frame);
  }
  bool in_text(std::string_view view) const { return points_into(view, text_); }
  FrameParser parser;
  Frame frame;
  std::string text_;
};

TEST_F(FrameParserTest, CombinedFuturesDiffDepth) {
  const std::string text =
      std::string(R"({"stream":"btcusdt@depth@0ms","data":)") + kFuturesPayload + "}";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::depth_update);
  EXPECT_EQ(frame.stream, "btcusdt@depth@0ms");
  EXPECT_EQ(frame.event_type, "depthUpdate");
  const DepthUpdate& d = frame.depth;
  EXPECT_EQ(d.kind, DepthKind::diff);
  EXPECT_EQ(d.symbol, "BTCUSDT");
  EXPECT_EQ(d.event_time_ms, 1721347022504);
  EXPECT_EQ(d.transaction_time_ms, 1721347022503);
  EXPECT_EQ(d.first_id, 100u);
  EXPECT_EQ(d.final_id, 105u);
  EXPECT_TRUE(d.has_prev_final_id);
  EXPECT_EQ(d.prev_final_id, 99u);
  EXPECT_EQ(d.bids, (std::vector<PriceLevel>{level("63943.9", "46.371"), level("63943.8", "0")}));
  EXPECT_EQ(d.asks, (std::vector<PriceLevel>{level("63944", "0.095")}));
  EXPECT_EQ(d.bids_json, R"([["63943.90","46.371"],["63943.80","0.000"]])");
  EXPECT_EQ(d.asks_json, R"([["63944.00","0.095"]])");
  EXPECT_TRUE(in_text(d.bids_json));
  EXPECT_TRUE(in_text(d.asks_json));
  EXPECT_TRUE(in_text(d.symbol));
  EXPECT_TRUE(in_text(frame.stream));
  EXPECT_TRUE(in_text(frame.event_type));
}

TEST_F(FrameParserTest, WrapperWithDataBeforeStream) {
  const std::string text =
      std::string(R"({"data":)") + kFuturesPayload + R"(,"stream":"btcusdt@depth10@100ms"})";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::depth_update);
  EXPECT_EQ(frame.stream, "btcusdt@depth10@100ms");
  EXPECT_EQ(frame.depth.kind, DepthKind::partial);  // decided after the whole frame is read
  EXPECT_EQ(frame.depth.bids.size(), 2u);
}

TEST_F(FrameParserTest, DepthKindFollowsTheStreamName) {
  const std::pair<const char*, DepthKind> cases[] = {{"btcusdt@depth", DepthKind::diff},
                                                     {"btcusdt@depth@100ms", DepthKind::diff},
                                                     {"btcusdt@depth5", DepthKind::partial},
                                                     {"btcusdt@depth20@100ms", DepthKind::partial},
                                                     {"btcusd_perp@depth@500ms", DepthKind::diff}};
  for (const auto& [stream, kind] : cases) {
    const std::string text =
        std::string(R"({"stream":")") + stream + R"(","data":)" + kFuturesPayload + "}";
    ASSERT_EQ(parse(text), ParseError::none) << stream;
    EXPECT_EQ(frame.depth.kind, kind) << stream;
  }
  ASSERT_EQ(parse(kFuturesPayload), ParseError::none);  // raw: no stream name, so diff
  EXPECT_EQ(frame.depth.kind, DepthKind::diff);
  EXPECT_TRUE(frame.stream.empty());
}

TEST_F(FrameParserTest, SpotDiffDepthHasNoPrevFinalId) {
  const std::string text = R"({"e":"depthUpdate","E":1723161255208,"s":"BNBBTC","U":157,"u":160,)"
                           R"("b":[],"a":[["0.0026","100"],["0.00000001","0.1"]]})";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::depth_update);
  EXPECT_FALSE(frame.depth.has_prev_final_id);
  EXPECT_EQ(frame.depth.transaction_time_ms, 0);
  EXPECT_TRUE(frame.depth.bids.empty());
  EXPECT_EQ(frame.depth.bids_json, "[]");
  EXPECT_EQ(frame.depth.asks.size(), 2u);
}

TEST_F(FrameParserTest, FieldsInAnyOrderAndUnknownFieldsIgnored) {
  const std::string text =
      R"({"a":[["2","1"]],"x":{"b":[1,2],"e":"trade"},"u":9,"b":[ [ "1" , "3" ] ],"pu":7,)"
      R"("U":8,"extra":[null,true,1.5],"s":"ETHUSDT","E":5,"ps":"ETHUSD","e":"depthUpdate"})";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::depth_update);
  EXPECT_EQ(frame.depth.first_id, 8u);
  EXPECT_EQ(frame.depth.final_id, 9u);
  EXPECT_EQ(frame.depth.bids, (std::vector<PriceLevel>{level("1", "3")}));
  EXPECT_EQ(frame.depth.bids_json, R"([ [ "1" , "3" ] ])");
  EXPECT_EQ(frame.depth.asks_json, R"([["2","1"]])");
}

TEST_F(FrameParserTest, SpotPartialDepth) {
  const std::string text =
      R"({"stream":"btcusdt@depth5","data":{"lastUpdateId":160,"bids":[["0.0024","10"]],)"
      R"("asks":[["0.0026","100"]]}})";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::spot_partial_depth);
  EXPECT_EQ(frame.depth.kind, DepthKind::partial);
  EXPECT_EQ(frame.depth.first_id, 160u);
  EXPECT_EQ(frame.depth.final_id, 160u);
  EXPECT_TRUE(frame.depth.symbol.empty());
  EXPECT_EQ(frame.depth.event_time_ms, 0);
  EXPECT_EQ(frame.depth.bids, (std::vector<PriceLevel>{level("0.0024", "10")}));
  EXPECT_EQ(frame.depth.asks_json, R"([["0.0026","100"]])");
}

TEST_F(FrameParserTest, SpotAndFuturesBookTicker) {
  ASSERT_EQ(parse(R"({"stream":"btcusdt@bookTicker","data":{"u":400900217,"s":"BNBUSDT",)"
                  R"("b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}})"),
            ParseError::none);
  EXPECT_EQ(frame.type, FrameType::book_ticker);
  EXPECT_TRUE(frame.event_type.empty());
  EXPECT_EQ(frame.ticker.symbol, "BNBUSDT");
  EXPECT_EQ(frame.ticker.update_id, 400900217u);
  EXPECT_EQ(frame.ticker.bid_price, dec("25.3519"));
  EXPECT_EQ(frame.ticker.bid_qty, dec("31.21"));
  EXPECT_EQ(frame.ticker.ask_price, dec("25.3652"));
  EXPECT_EQ(frame.ticker.ask_qty, dec("40.66"));
  EXPECT_EQ(frame.ticker.event_time_ms, 0);

  ASSERT_EQ(
      parse(R"({"e":"bookTicker","u":4984028370881,"s":"BTCUSDT","b":"63943.90",)"
            R"("B":"46.371","a":"63944.00","A":"0.095","T":1721347022507,"E":1721347022508})"),
      ParseError::none);
  EXPECT_EQ(frame.type, FrameType::book_ticker);
  EXPECT_EQ(frame.event_type, "bookTicker");
  EXPECT_EQ(frame.ticker.event_time_ms, 1721347022508);
  EXPECT_EQ(frame.ticker.transaction_time_ms, 1721347022507);
  EXPECT_EQ(frame.ticker.ask_price, dec("63944"));
}

// Low-priced spot symbols (PEPE, SHIB, BTTC) carry quantities of 1e11..1e13: exact, on the
// scanner's path (the compact shape Binance writes) and on the generic walk (spaces decline it).
TEST_F(FrameParserTest, WideQuantitiesAreExactOnBothPaths) {
  for (const char* space : {"", " "}) {
    const std::string text =
        std::string(R"({"e":"depthUpdate","E":5,"s":"PEPEUSDT","U":8,"u":9,"b":[)") + space +
        R"(["0.00001234","12345678901234.00"],["0.00001233","100000000000.00"]],"a":[)" + space +
        R"(["0.00001235","10000000000000.12345678"],["0.00001236","0.00"]]})";
    ASSERT_EQ(parse(text), ParseError::none) << text;
    EXPECT_EQ(frame.depth.bids, (std::vector<PriceLevel>{level("0.00001234", "12345678901234"),
                                                         level("0.00001233", "100000000000")}));
    EXPECT_EQ(frame.depth.asks,
              (std::vector<PriceLevel>{level("0.00001235", "10000000000000.12345678"),
                                       level("0.00001236", "0")}));
    EXPECT_EQ(to_string(frame.depth.asks[0].qty), "10000000000000.12345678");
  }
  ASSERT_EQ(parse(R"({"u":1,"s":"PEPEUSDT","b":"0.00001234","B":"12345678901234.00",)"
                  R"("a":"0.00001235","A":"99999999999999999999.99999999"})"),
            ParseError::none);
  EXPECT_EQ(to_string(frame.ticker.bid_qty), "12345678901234");
  EXPECT_EQ(to_string(frame.ticker.ask_qty), "99999999999999999999.99999999");
}

// A book keeps prices as 64-bit ranks: a level price past them is refused with bad_decimal on
// both paths (a quantity that large is fine), as is a 21st integer digit anywhere.
TEST_F(FrameParserTest, LevelPriceBeyondTheBookRangeIsABadDecimal) {
  for (const char* space : {"", " "}) {
    const auto depth = [&](const char* price, const char* qty) {
      return std::string(R"({"e":"depthUpdate","E":5,"s":"X","U":8,"u":9,"b":[)") + space + "[\"" +
             price + "\",\"" + qty + "\"]],\"a\":[]}";
    };
    EXPECT_EQ(parse(depth("92233720368.54775807", "1")), ParseError::none) << space;
    EXPECT_EQ(parse(depth("92233720368.54775808", "1")), ParseError::bad_decimal) << space;
    EXPECT_EQ(parse(depth("1", "92233720368.54775808")), ParseError::none) << space;
    EXPECT_EQ(parse(depth("1", "100000000000000000000")), ParseError::bad_decimal) << space;
  }
}

TEST_F(FrameParserTest, SubscriptionReplies) {
  for (const char* text :
       {R"({"result":null,"id":1})", R"({"id":3,"result":["btcusdt@bookTicker"]})",
        R"({"code":2,"msg":"Invalid request: unknown method","id":7})",
        R"({"code":3,"msg":"Invalid JSON: expected value at line 1 column 1","id":null})"}) {
    ASSERT_EQ(parse(text), ParseError::none) << text;
    EXPECT_EQ(frame.type, FrameType::subscription_reply) << text;
  }
}

// A reply carries what the engine matches it by: its request's id, and whether it was refused
// (Binance's two error shapes: {"code","msg"} and {"error":{"code","msg"}}).
TEST_F(FrameParserTest, SubscriptionRepliesCarryTheirIdAndWhetherRefused) {
  ASSERT_EQ(parse(R"({"result":null,"id":42})"), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::subscription_reply);
  EXPECT_TRUE(frame.reply.has_id);
  EXPECT_EQ(frame.reply.id, 42u);
  EXPECT_FALSE(frame.reply.error);
  ASSERT_EQ(parse(R"({"id":7,"error":{"code":2,"msg":"Invalid request: too many streams"}})"),
            ParseError::none);
  EXPECT_EQ(frame.type, FrameType::subscription_reply);
  EXPECT_TRUE(frame.reply.has_id);
  EXPECT_EQ(frame.reply.id, 7u);
  EXPECT_TRUE(frame.reply.error);
  ASSERT_EQ(parse(R"({"code":2,"msg":"Invalid request: unknown method","id":8})"),
            ParseError::none);
  EXPECT_EQ(frame.reply.id, 8u);
  EXPECT_TRUE(frame.reply.error);
  ASSERT_EQ(parse(R"({"code":3,"msg":"Invalid JSON","id":null})"), ParseError::none);
  EXPECT_FALSE(frame.reply.has_id);
  EXPECT_TRUE(frame.reply.error);
  ASSERT_EQ(parse(R"({"result":null,"id":"9"})"), ParseError::none);
  EXPECT_FALSE(frame.reply.has_id) << "a string id is not one of ours";
  // The reply of a frame before does not leak into the next.
  ASSERT_EQ(parse(R"({"result":null})"), ParseError::none);
  EXPECT_FALSE(frame.reply.has_id);
  EXPECT_FALSE(frame.reply.error);
}

TEST_F(FrameParserTest, ServerAndOtherEvents) {
  ASSERT_EQ(parse(R"({"e":"serverShutdown","E":1723161255208})"), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::server_event);
  EXPECT_EQ(frame.event_type, "serverShutdown");
  ASSERT_EQ(parse(R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":3,)"
                  R"("p":"61837.63","q":"0.02","T":1,"m":true,"M":true}})"),
            ParseError::none);
  EXPECT_EQ(frame.type, FrameType::other_event);
  EXPECT_EQ(frame.event_type, "trade");
  // aggTrade's "a" is a number and 24hrTicker's "b" a string: neither is a depth field there.
  ASSERT_EQ(parse(R"({"e":"aggTrade","E":1,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100"})"),
            ParseError::none);
  EXPECT_EQ(frame.event_type, "aggTrade");
  ASSERT_EQ(parse(R"({"e":"kline","E":1,"s":"BTCUSDT","k":{"t":1,"s":"BTCUSDT","x":false}})"),
            ParseError::none);
  EXPECT_EQ(frame.type, FrameType::other_event);
}

TEST_F(FrameParserTest, EscapedStringsAreDecodedIntoParserStorage) {
  const std::string text =
      R"({"stream":"btc\u0075sdt@depth@100ms","data":{"e":"depth\u0055pdate","E":1,)"
      R"("s":"BTC\"USDT","U":1,"u":2,"b":[],"a":[]}})";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::depth_update);
  EXPECT_EQ(frame.stream, "btcusdt@depth@100ms");
  EXPECT_EQ(frame.event_type, "depthUpdate");
  EXPECT_EQ(frame.depth.symbol, "BTC\"USDT");
  EXPECT_FALSE(in_text(frame.depth.symbol));
}

TEST_F(FrameParserTest, RawSpansAreExactWithWhitespaceAndNesting) {
  const std::string text =
      "{ \"e\" : \"depthUpdate\" , \"E\":1,\"s\":\"X\",\"U\":1,\"u\":2,\n"
      "  \"b\" :\t[ [\"1.5\",\"2\"] ,[\"1.4\" , \"0\"]\n] , \"a\":[ ] }";
  ASSERT_EQ(parse(text), ParseError::none);
  EXPECT_EQ(frame.depth.bids_json, "[ [\"1.5\",\"2\"] ,[\"1.4\" , \"0\"]\n]");
  EXPECT_EQ(frame.depth.asks_json, "[ ]");
  EXPECT_EQ(frame.depth.bids.size(), 2u);
}

struct ErrorCase {
  const char* text;
  ParseError expected;
};

TEST_F(FrameParserTest, EveryErrorClass) {
  const ErrorCase cases[] = {
      {"", ParseError::malformed_json},
      {"{", ParseError::malformed_json},
      {R"({"e":"depthUpdate",})", ParseError::malformed_json},
      {R"({"e":"depthUpdate"} x)", ParseError::malformed_json},
      {"{\"e\":\"a\xff\"}", ParseError::malformed_json},  // invalid UTF-8
      {"{\"e\":\"\xc3\"}", ParseError::malformed_json},   // truncated UTF-8 sequence
      {R"({"E":NaN})", ParseError::malformed_json},
      {"{\"e\":\"\xf0", ParseError::malformed_json},  // UTF-8 lead bytes at the very end
      {"{\"e\":\"\xf4\x8f", ParseError::malformed_json},
      {"{\"e\":\"\xe2", ParseError::malformed_json},
      {"{\"e\":\"\xed\xa0\x80\"}", ParseError::malformed_json},  // a UTF-16 surrogate
      {"{\"e\":\"\xc0\xaf\"}", ParseError::malformed_json},      // overlong encoding
      {"[1,2]", ParseError::not_an_object},
      {"\"depthUpdate\"", ParseError::not_an_object},
      {"42", ParseError::not_an_object},
      {"null", ParseError::not_an_object},
      {"{}", ParseError::missing_field},
      {R"({"foo":1})", ParseError::missing_field},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[]})", ParseError::missing_field},
      {R"({"e":"depthUpdate","s":"X","U":1,"u":2,"b":[],"a":[]})", ParseError::missing_field},
      {R"({"e":"bookTicker","u":1,"s":"X","b":"1","B":"1","a":"1"})", ParseError::missing_field},
      {R"({"u":1,"s":"X","b":"1","B":"1"})", ParseError::missing_field},
      {R"({"lastUpdateId":1,"bids":[]})", ParseError::missing_field},
      {R"({"e":5})", ParseError::wrong_type},
      {R"({"stream":5,"data":{"e":"trade"}})", ParseError::wrong_type},
      {R"({"stream":"x","data":[1]})", ParseError::wrong_type},
      {R"({"e":"depthUpdate","E":"1","s":"X","U":1,"u":2,"b":[],"a":[]})", ParseError::wrong_type},
      {R"({"e":"depthUpdate","E":1,"s":7,"U":1,"u":2,"b":[],"a":[]})", ParseError::wrong_type},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":{},"a":[]})", ParseError::wrong_type},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[],"a":"1"})", ParseError::wrong_type},
      {R"({"e":"bookTicker","u":1,"s":"X","b":1,"B":"1","a":"1","A":"1"})", ParseError::wrong_type},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":-1,"u":2,"b":[],"a":[]})", ParseError::bad_number},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2.5,"b":[],"a":[]})", ParseError::bad_number},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":1e3,"b":[],"a":[]})", ParseError::bad_number},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":18446744073709551616,"b":[],"a":[]})",
       ParseError::bad_number},
      {R"({"e":"depthUpdate","E":9223372036854775808,"s":"X","U":1,"u":2,"b":[],"a":[]})",
       ParseError::bad_number},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"pu":-5,"b":[],"a":[]})",
       ParseError::bad_number},
      {R"({"lastUpdateId":-1,"bids":[],"asks":[]})", ParseError::bad_number},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1.0","-2"]],"a":[]})",
       ParseError::bad_decimal},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[],"a":[["1e5","2"]]})",
       ParseError::bad_decimal},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["0.000000001","2"]],"a":[]})",
       ParseError::bad_decimal},
      {R"({"u":1,"s":"X","b":"1","B":"x","a":"1","A":"1"})", ParseError::bad_decimal},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1","2","3"]],"a":[]})",
       ParseError::bad_level},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1"]],"a":[]})",
       ParseError::bad_level},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[[]],"a":[]})", ParseError::bad_level},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[[1.5,2]],"a":[]})",
       ParseError::bad_level},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":["1","2"],"a":[]})",
       ParseError::bad_level},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[{"p":"1"}],"a":[]})",
       ParseError::bad_level},
      {R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1",["2"]]],"a":[]})",
       ParseError::bad_level},
      {R"({"lastUpdateId":1,"bids":[["1","2"],null],"asks":[]})", ParseError::bad_level},
  };
  for (const ErrorCase& c : cases) {
    EXPECT_EQ(parse(c.text), c.expected) << c.text << " -> " << to_string(parse(c.text));
  }
}

TEST_F(FrameParserTest, ValidUtf8IsAccepted) {
  ASSERT_EQ(parse("{\"e\":\"tr\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}"), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::other_event);
  EXPECT_EQ(frame.event_type, "tr\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST_F(FrameParserTest, EmbeddedNulIsMalformed) {
  const std::string text("{\"result\":null,\"id\":1}\0{}", 25);
  EXPECT_EQ(parse(text), ParseError::malformed_json);
}

TEST(FrameParserLimitsTest, FrameSizeLimitIsCheckedBeforeParsing) {
  FrameParser parser(FrameParserLimits{64, 2});
  Frame frame;
  std::string reply = R"({"result":null,"id":1})";
  reply.resize(64, ' ');
  EXPECT_EQ(parser.parse(reply, frame), ParseError::none);
  reply.push_back(' ');
  EXPECT_EQ(parser.parse(reply, frame), ParseError::too_large);
  EXPECT_EQ(parser.parse(std::string(65, '{'), frame), ParseError::too_large);
}

TEST(FrameParserLimitsTest, TooManyLevelsAndTooDeepNesting) {
  FrameParser parser(FrameParserLimits{1 << 20, 2});
  Frame frame;
  EXPECT_EQ(parser.parse(R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,)"
                         R"("b":[["3","1"],["2","1"]],"a":[]})",
                         frame),
            ParseError::none);
  EXPECT_EQ(parser.parse(R"({"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,)"
                         R"("b":[["3","1"],["2","1"],["1","1"]],"a":[]})",
                         frame),
            ParseError::too_large);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(parser.parse(deep, frame), ParseError::too_large);
  const std::string deep_object = "{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  EXPECT_EQ(parser.parse(deep_object, frame), ParseError::too_large);
}

TEST(FrameParserMoveTest, MovedParserKeepsWorking) {
  FrameParser first;
  FrameParser second(std::move(first));
  Frame frame;
  EXPECT_EQ(second.parse(kFuturesPayload, frame), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::depth_update);
  first = std::move(second);
  EXPECT_EQ(first.parse(R"({"result":null,"id":1})", frame), ParseError::none);
  EXPECT_EQ(frame.type, FrameType::subscription_reply);
}

TEST(ParseErrorTest, NamesEqualEnumNames) {
  EXPECT_EQ(to_string(ParseError::none), "none");
  EXPECT_EQ(to_string(ParseError::malformed_json), "malformed_json");
  EXPECT_EQ(to_string(ParseError::not_an_object), "not_an_object");
  EXPECT_EQ(to_string(ParseError::missing_field), "missing_field");
  EXPECT_EQ(to_string(ParseError::wrong_type), "wrong_type");
  EXPECT_EQ(to_string(ParseError::bad_number), "bad_number");
  EXPECT_EQ(to_string(ParseError::bad_decimal), "bad_decimal");
  EXPECT_EQ(to_string(ParseError::bad_level), "bad_level");
  EXPECT_EQ(to_string(ParseError::too_large), "too_large");
  EXPECT_EQ(to_string(ParseError::not_text), "not_text");
  EXPECT_EQ(to_string(ParseError::duplicate_key), "duplicate_key");
  EXPECT_EQ(kParseErrorCount, 11);
}

}  // namespace
}  // namespace depthrec
