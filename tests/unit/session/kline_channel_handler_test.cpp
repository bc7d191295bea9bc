// The kline and markPrice/forceOrder handlers from the channel registry: frame -> parse ->
// continuity -> record lines and metrics, driven without a network.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "session/channel_handler.hpp"

namespace depthrec::session {
namespace {

constexpr std::int64_t kKlineT0 = 1'765'000'020'000;  // on the 1m grid
constexpr std::int64_t kRecvNs = 1'765'000'100'000'000'000;

class KlineHandlerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ChannelHandler> make(const Channel& channel, bool closed_only = false) {
    ChannelSetup setup;
    setup.key = {Venue::binance, Market::usdm, "BTCUSDT", channel};
    setup.stream = "btcusdt@" + to_string(channel);
    setup.klines_closed_only = closed_only;
    setup.hooks.write = [this](std::string& line, const RecordContext&, bool marker) {
      lines.push_back(line);
      markers.push_back(marker);
      line.clear();
      return PushInfo{0, 0};
    };
    return make_channel_handler(std::move(setup));
  }
  static std::string kline(std::int64_t open, bool closed, const std::string& interval = "1m") {
    return R"({"stream":"btcusdt@kline_1m","data":{"e":"kline","E":)" + std::to_string(open + 1) +
           R"(,"s":"BTCUSDT","k":{"t":)" + std::to_string(open) + R"(,"T":)" +
           std::to_string(open + 59'999) + R"(,"s":"BTCUSDT","i":")" + interval +
           R"(","f":1,"L":2,"o":"1.5","c":"1.6","h":"1.7","l":"1.4","v":"10","n":2,"x":)" +
           (closed ? "true" : "false") + R"(,"q":"15.5","V":"4","Q":"6.2","B":"0"}}})";
  }
  static rapidjson::Document json(const std::string& line) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    return d;
  }

  std::vector<std::string> lines;
  std::vector<bool> markers;
};

TEST_F(KlineHandlerTest, RecordsUpdatesClosedColumnsAndOneGapPerSkip) {
  auto handler = make(Channel::kline(KlineInterval::m1));
  ASSERT_NE(handler, nullptr);
  handler->on_frame(1, kline(kKlineT0, false), kRecvNs);
  handler->on_frame(1, kline(kKlineT0, true), kRecvNs);
  handler->on_frame(1, kline(kKlineT0, true), kRecvNs);                  // again: not recorded
  handler->on_frame(1, kline(kKlineT0 + 180'000, true), kRecvNs);        // 2 candles skipped
  handler->on_frame(1, kline(kKlineT0, true), kRecvNs);                  // backwards: not recorded
  handler->on_frame(1, kline(kKlineT0 + 240'000, true, "5m"), kRecvNs);  // another interval
  handler->on_frame(1, "{\"e\":", kRecvNs);
  ASSERT_EQ(lines.size(), 4u);
  const auto open = json(lines[0]);
  EXPECT_STREQ(open["type"].GetString(), "kline");
  EXPECT_FALSE(open["closed"].GetBool());
  EXPECT_FALSE(open.HasMember("trade_count"));
  const auto closed = json(lines[1]);
  EXPECT_TRUE(closed["closed"].GetBool());
  EXPECT_EQ(closed["open_time"].GetInt64(), kKlineT0);
  EXPECT_STREQ(closed["open"].GetString(), "1.5");
  EXPECT_STREQ(closed["high"].GetString(), "1.7");
  EXPECT_STREQ(closed["low"].GetString(), "1.4");
  EXPECT_STREQ(closed["close"].GetString(), "1.6");
  EXPECT_STREQ(closed["base_volume"].GetString(), "10");
  EXPECT_STREQ(closed["quote_volume"].GetString(), "15.5");
  EXPECT_EQ(closed["trade_count"].GetUint64(), 2u);
  EXPECT_STREQ(closed["taker_buy_base_volume"].GetString(), "4");
  EXPECT_STREQ(closed["taker_buy_quote_volume"].GetString(), "6.2");
  EXPECT_STREQ(closed["data"]["k"]["B"].GetString(), "0");
  const auto gap = json(lines[2]);
  EXPECT_TRUE(markers[2]);
  EXPECT_STREQ(gap["reason"].GetString(), "kline_gap");
  EXPECT_EQ(gap["from_open_time"].GetInt64(), kKlineT0 + 60'000);
  EXPECT_EQ(gap["to_open_time"].GetInt64(), kKlineT0 + 120'000);
  EXPECT_EQ(gap["missing"].GetUint64(), 2u);
  const ChannelFigures f = handler->metrics().figures();
  EXPECT_EQ(f.events, 3u);
  EXPECT_EQ(f.gaps, 1u);
  EXPECT_EQ(f.missing_ids, 2u);
  EXPECT_EQ(f.duplicates, 1u);
  EXPECT_EQ(f.backwards, 1u);
  EXPECT_EQ(f.parse_errors, 2u);
  EXPECT_EQ(f.channel, "kline_1m");
}

TEST_F(KlineHandlerTest, ClosedOnlyRecordsClosingUpdatesAndSaysWhenOneIsMissing) {
  auto handler = make(Channel::kline(KlineInterval::m1), true);
  handler->on_frame(1, kline(kKlineT0, false), kRecvNs);
  handler->on_frame(1, kline(kKlineT0 + 60'000, false), kRecvNs);  // kKlineT0 never closed
  handler->on_frame(1, kline(kKlineT0 + 60'000, true), kRecvNs);
  ASSERT_EQ(lines.size(), 2u);
  const auto unclosed = json(lines[0]);
  EXPECT_STREQ(unclosed["reason"].GetString(), "kline_unclosed");
  EXPECT_EQ(unclosed["last_open_time"].GetInt64(), kKlineT0);
  EXPECT_TRUE(json(lines[1])["closed"].GetBool());
}

TEST_F(KlineHandlerTest, MarkPriceAndForceOrderAdvanceByEventTime) {
  auto mark = make(Channel::mark_price(true));
  ASSERT_NE(mark, nullptr);
  const auto frame = [](std::int64_t e) {
    return R"({"e":"markPriceUpdate","E":)" + std::to_string(e) +
           R"(,"s":"BTCUSDT","p":"1.5","i":"1.5","P":"1.5","r":"-0.0001","T":0})";
  };
  for (std::int64_t e : {1000, 2000, 2000, 1500, 3000}) mark->on_frame(1, frame(e), kRecvNs);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_STREQ(json(lines[0])["type"].GetString(), "markPrice");
  EXPECT_EQ(json(lines[2])["id"].GetUint64(), 3000u);
  EXPECT_EQ(mark->metrics().figures().duplicates, 1u);
  EXPECT_EQ(mark->metrics().figures().backwards, 1u);
  auto force = make(Channel::force_order());
  ASSERT_NE(force, nullptr);
  force->on_frame(1,
                  R"({"e":"forceOrder","E":5,"o":{"s":"BTCUSDT","S":"BUY","o":"LIMIT","f":"IOC",)"
                  R"("q":"1","p":"2","ap":"2","X":"FILLED","l":"1","z":"1","T":4}})",
                  kRecvNs);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_STREQ(json(lines[3])["type"].GetString(), "forceOrder");
  EXPECT_EQ(json(lines[3])["T"].GetInt64(), 4);
}

}  // namespace
}  // namespace depthrec::session
