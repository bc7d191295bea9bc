// depthrec-export reads klines and markPrice events from both formats: a raw capture's frame and
// a record's `data`; a payload missing a field keeps the line but carries no event.
#include <gtest/gtest.h>

#include <string>

#include "depthrec/replay_reader.hpp"

namespace depthrec {
namespace {

const char kCandle[] =
    R"("k":{"t":1721347020000,"T":1721347079999,"s":"BTCUSDT","i":"1m","f":-1,"L":-1,)"
    R"("o":"63943.90","c":"63950.10","h":"63960.00","l":"63940.00","v":"12.345","n":90,)"
    R"("x":true,"q":"789456.12345","V":"6.001","Q":"383700.5","B":"0"})";

void expect_candle(const ReplayItem& item) {
  ASSERT_TRUE(item.has_kline);
  EXPECT_EQ(item.symbol, "BTCUSDT");
  EXPECT_EQ(item.kline.symbol, "BTCUSDT");
  EXPECT_EQ(item.kline.event_time_ms, 1721347080000);
  EXPECT_EQ(to_string(item.kline.interval), "1m");
  EXPECT_EQ(item.kline.open_time_ms, 1721347020000);
  EXPECT_EQ(item.kline.close_time_ms, 1721347079999);
  EXPECT_EQ(item.kline.first_trade_id, -1);
  EXPECT_EQ(to_string(item.kline.open), "63943.9");
  EXPECT_EQ(to_string(item.kline.high), "63960");
  EXPECT_EQ(to_string(item.kline.low), "63940");
  EXPECT_EQ(to_string(item.kline.close), "63950.1");
  EXPECT_EQ(to_string(item.kline.base_volume), "12.345");
  EXPECT_EQ(to_string(item.kline.quote_volume), "789456.12345");
  EXPECT_EQ(item.kline.trade_count, 90u);
  EXPECT_EQ(to_string(item.kline.taker_buy_base_volume), "6.001");
  EXPECT_EQ(to_string(item.kline.taker_buy_quote_volume), "383700.5");
  EXPECT_TRUE(item.kline.closed);
}

TEST(ReplayLineParser, KlineItemsCarryTheParsedCandle) {
  ReplayLineParser parser;
  ReplayItem item;
  std::string raw = std::string(R"(1721347080000000001 {"stream":"btcusdt@kline_1m","data":)") +
                    R"({"e":"kline","E":1721347080000,"s":"BTCUSDT",)" + kCandle + "}}";
  ASSERT_EQ(parser.parse(raw, item), "");
  EXPECT_EQ(item.type, ReplayItemType::other);
  expect_candle(item);

  const std::string record_text =
      std::string(
          R"({"type":"kline","market":"usdm","symbol":"BTCUSDT","stream":"btcusdt@kline_1m",)") +
      R"("recv_ns":1721347080000000002,"interval":"1m","open_time":1721347020000,"closed":true,)" +
      R"("data":{"e":"kline","E":1721347080000,"s":"BTCUSDT",)" + kCandle + "}}";
  std::string record = record_text;  // parsed in place
  ASSERT_EQ(parser.parse(record, item), "");
  expect_candle(item);
  EXPECT_EQ(item.kline_open_time, 1721347020000u);

  // Without `k.o` the record is still read (its open time checked), without a candle.
  std::string partial =
      R"({"type":"kline","symbol":"BTCUSDT","recv_ns":7,"open_time":1,"data":{"e":"kline",)"
      R"("E":1,"s":"BTCUSDT","k":{"t":1,"T":2,"i":"1m"}}})";
  ASSERT_EQ(parser.parse(partial, item), "");
  EXPECT_FALSE(item.has_kline);
  // The next line resets it.
  std::string trade_line =
      R"({"type":"trade","symbol":"ETHUSDT","recv_ns":7,"id":13,"data":{"e":"trade","t":13}})";
  record = record_text;
  ASSERT_EQ(parser.parse(record, item), "");
  ASSERT_TRUE(item.has_kline);
  ASSERT_EQ(parser.parse(trade_line, item), "");
  EXPECT_FALSE(item.has_kline);
}

TEST(ReplayLineParser, MarkPriceItemsCarryTheParsedEvent) {
  ReplayLineParser parser;
  ReplayItem item;
  std::string raw =
      R"(1721347022000000002 {"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate",)"
      R"("E":1721347022000,"s":"BTCUSDT","p":"63947.5","i":"63951.00000000","P":"63948.2",)"
      R"("r":"-0.00012500","T":1721376000000}})";
  ASSERT_EQ(parser.parse(raw, item), "");
  ASSERT_TRUE(item.has_market_event);
  EXPECT_EQ(item.symbol, "BTCUSDT");
  EXPECT_EQ(item.market_event.kind, MarketEventKind::mark_price);
  EXPECT_EQ(to_string(item.market_event.price), "63947.5");
  EXPECT_EQ(to_string(item.market_event.index_price), "63951");
  ASSERT_TRUE(item.market_event.settle_price.present);
  EXPECT_FALSE(item.market_event.settle_price.negative);
  EXPECT_EQ(to_string(item.market_event.settle_price.magnitude), "63948.2");
  ASSERT_TRUE(item.market_event.funding_rate.present);
  EXPECT_TRUE(item.market_event.funding_rate.negative);
  EXPECT_EQ(to_string(item.market_event.funding_rate.magnitude), "0.000125");
  EXPECT_EQ(item.market_event.time_ms, 1721376000000);

  std::string record =
      R"({"type":"markPrice","market":"coinm","symbol":"BTCUSD_240927","recv_ns":7,"id":5,)"
      R"("E":5,"T":null,"data":{"e":"markPriceUpdate","E":5,"s":"BTCUSD_240927","p":"64000.1",)"
      R"("i":"63990","P":"","r":"","T":0}})";
  ASSERT_EQ(parser.parse(record, item), "");
  ASSERT_TRUE(item.has_market_event);
  EXPECT_EQ(item.market_event.event_time_ms, 5);
  EXPECT_FALSE(item.market_event.settle_price.present);
  EXPECT_FALSE(item.market_event.funding_rate.present);
  EXPECT_EQ(item.market_event.time_ms, 0);

  std::string partial =
      R"({"type":"markPrice","symbol":"BTCUSDT","recv_ns":7,"id":5,"data":{"e":"markPriceUpdate"}})";
  ASSERT_EQ(parser.parse(partial, item), "");
  EXPECT_FALSE(item.has_market_event);
}

}  // namespace
}  // namespace depthrec
