// parse_market_event_frame: Binance's markPrice and forceOrder payloads (futures), combined and
// raw, unknown fields kept, a negative or empty funding rate accepted, each missing or malformed
// field its own error.
#include <gtest/gtest.h>

#include <string>

#include "depthrec/market_event.hpp"

namespace depthrec {
namespace {

const std::string kMarkPrice =
    R"({"e":"markPriceUpdate","E":1765000000123,"s":"BTCUSDT","p":"63943.90000000",)"
    R"("ap":"63940.1","i":"63941.12","P":"63950.00","r":"-0.00010000","T":1765008000000})";
const std::string kForceOrder =
    R"({"e":"forceOrder","E":1765000000456,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT",)"
    R"("f":"IOC","q":"0.014","p":"63900.10","ap":"63910.00","X":"FILLED","l":"0.014",)"
    R"("z":"0.014","T":1765000000450}})";

TEST(MarketEventParser, ReadsAMarkPriceWithANegativeFundingRate) {
  const std::string frame = R"({"stream":"btcusdt@markPrice@1s","data":)" + kMarkPrice + "}";
  MarketEvent event;
  std::string scratch;
  ASSERT_EQ(parse_market_event_frame(frame, MarketEventKind::mark_price, event, scratch),
            ParseError::none);
  EXPECT_EQ(event.stream, "btcusdt@markPrice@1s");
  EXPECT_EQ(event.symbol, "BTCUSDT");
  EXPECT_EQ(event.event_time_ms, 1765000000123);
  EXPECT_EQ(event.time_ms, 1765008000000);
  EXPECT_EQ(to_string(event.price), "63943.9");
  EXPECT_EQ(event.payload, kMarkPrice);  // "ap" (unknown here) kept
  // Delivery contracts: no funding rate, no settle estimate.
  std::string delivery = kMarkPrice;
  delivery.replace(delivery.find(R"("r":"-0.00010000")"), 17, R"("r":"")");
  EXPECT_EQ(parse_market_event_frame(delivery, MarketEventKind::mark_price, event, scratch),
            ParseError::none);
}

TEST(MarketEventParser, ReadsAForceOrder) {
  MarketEvent event;
  std::string scratch;
  ASSERT_EQ(parse_market_event_frame(kForceOrder, MarketEventKind::force_order, event, scratch),
            ParseError::none);
  EXPECT_TRUE(event.stream.empty());
  EXPECT_EQ(event.symbol, "BTCUSDT");
  EXPECT_EQ(event.side, "SELL");
  EXPECT_EQ(to_string(event.quantity), "0.014");
  EXPECT_EQ(to_string(event.price), "63900.1");
  EXPECT_EQ(event.time_ms, 1765000000450);
  EXPECT_EQ(event.payload, kForceOrder);
}

TEST(MarketEventParser, EachMissingOrMalformedFieldIsItsOwnError) {
  struct Case {
    const std::string* payload;
    MarketEventKind kind;
    std::string from, to;
    ParseError expected;
  };
  const Case cases[] = {
      {&kMarkPrice, MarketEventKind::mark_price, R"("e":"markPriceUpdate")", R"("e":"kline")",
       ParseError::wrong_type},
      {&kMarkPrice, MarketEventKind::mark_price, R"("p":"63943.90000000",)", "",
       ParseError::missing_field},
      {&kMarkPrice, MarketEventKind::mark_price, R"("r":"-0.00010000")", R"("r":"--1")",
       ParseError::bad_decimal},
      {&kMarkPrice, MarketEventKind::mark_price, R"("r":"-0.00010000")", R"("r":0.0001)",
       ParseError::wrong_type},
      {&kMarkPrice, MarketEventKind::mark_price, R"("E":1765000000123)", R"("E":-1)",
       ParseError::bad_number},
      {&kForceOrder, MarketEventKind::force_order, R"("S":"SELL")", R"("S":"SHORT")",
       ParseError::wrong_type},
      {&kForceOrder, MarketEventKind::force_order, R"("q":"0.014")", R"("q":"1e3")",
       ParseError::bad_decimal},
      {&kForceOrder, MarketEventKind::force_order, R"("T":1765000000450)", R"("T":"now")",
       ParseError::wrong_type},
      {&kForceOrder, MarketEventKind::force_order, R"("o":{"s")", R"("o":1,"x":{"s")",
       ParseError::wrong_type},
  };
  for (const Case& c : cases) {
    std::string frame = *c.payload;
    const std::size_t at = frame.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    frame.replace(at, c.from.size(), c.to);
    MarketEvent event;
    std::string scratch;
    EXPECT_EQ(parse_market_event_frame(frame, c.kind, event, scratch), c.expected) << frame;
  }
}

}  // namespace
}  // namespace depthrec
