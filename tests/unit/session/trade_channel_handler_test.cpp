// The trade/aggTrade handler from the channel registry: frame -> parse -> id continuity -> record
// lines and metrics, driven without a network.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "session/channel_handler.hpp"

namespace depthrec::session {
namespace {

struct Written {
  std::string line;
  bool marker = false;
  std::uint32_t stream_id = 0;
};

class TradeHandlerTest : public ::testing::Test {
 protected:
  std::unique_ptr<ChannelHandler> make(ChannelKind kind, const std::string& stream) {
    ChannelSetup setup;
    setup.key = {Venue::binance, Market::usdm, "BTCUSDT", Channel{kind, 0, {}}};
    setup.stream = stream;
    setup.writer_id = 7;
    setup.hooks.write = [this](std::string& line, const RecordContext& context, bool marker) {
      written.push_back({line, marker, context.stream_id});
      line.clear();
      return PushInfo{0, 0};
    };
    return make_channel_handler(std::move(setup));
  }
  static std::string agg(std::uint64_t id, const std::string& symbol = "BTCUSDT") {
    return R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1765000000000,"s":")" +
           symbol + R"(","a":)" + std::to_string(id) + R"(,"p":"100.5","q":"2","f":)" +
           std::to_string(id * 2) + R"(,"l":)" + std::to_string(id * 2 + 1) +
           R"(,"T":1765000000000,"m":false,"nq":"2"}})";
  }
  static rapidjson::Document json(const std::string& line) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    return d;
  }

  std::vector<Written> written;
};

TEST_F(TradeHandlerTest, RegistryHasHandlersForTradeChannelsOnly) {
  EXPECT_NE(make(ChannelKind::trade, "btcusdt@trade"), nullptr);
  EXPECT_NE(make(ChannelKind::agg_trade, "btcusdt@aggTrade"), nullptr);
  EXPECT_EQ(make(ChannelKind::diff_depth, "btcusdt@depth"), nullptr);
}

TEST_F(TradeHandlerTest, RecordsEachEventOnceAndMarksAJumpAsOneGap) {
  auto handler = make(ChannelKind::agg_trade, "btcusdt@aggTrade");
  const std::int64_t recv_ns = 1'765'000'000'050'000'000;
  for (std::uint64_t id : {10, 11, 11, 15, 12, 16}) handler->on_frame(3, agg(id), recv_ns);
  // 10, 11, gap 12..14, 15, 16: 11 again and 12 after 15 are not recorded.
  ASSERT_EQ(written.size(), 5u);
  const auto first = json(written[0].line);
  EXPECT_STREQ(first["type"].GetString(), "aggTrade");
  EXPECT_STREQ(first["stream"].GetString(), "btcusdt@aggTrade");
  EXPECT_EQ(first["conn_id"].GetUint64(), 3u);
  EXPECT_EQ(first["id"].GetUint64(), 10u);
  EXPECT_DOUBLE_EQ(first["latency_event_ms"].GetDouble(), 50.0);
  // The payload as received, unknown field included.
  EXPECT_STREQ(first["data"]["nq"].GetString(), "2");
  EXPECT_FALSE(written[0].marker);
  EXPECT_EQ(written[0].stream_id, 7u);

  const auto gap = json(written[2].line);
  EXPECT_STREQ(gap["type"].GetString(), "gap");
  EXPECT_STREQ(gap["reason"].GetString(), "id_gap");
  EXPECT_EQ(gap["from"].GetUint64(), 12u);
  EXPECT_EQ(gap["to"].GetUint64(), 14u);
  EXPECT_EQ(gap["missing"].GetUint64(), 3u);
  EXPECT_EQ(gap["last_id"].GetUint64(), 11u);
  EXPECT_EQ(gap["got_id"].GetUint64(), 15u);
  EXPECT_TRUE(written[2].marker);
  EXPECT_EQ(json(written[3].line)["id"].GetUint64(), 15u);
  EXPECT_EQ(json(written[4].line)["id"].GetUint64(), 16u);

  const ChannelFigures f = handler->metrics().figures();
  EXPECT_EQ(f.frames, 6u);
  EXPECT_EQ(f.events, 4u);
  EXPECT_EQ(f.gaps, 1u);
  EXPECT_EQ(f.missing_ids, 3u);
  EXPECT_EQ(f.duplicates, 1u);
  EXPECT_EQ(f.backwards, 1u);
  EXPECT_EQ(f.last_id, 16u);
  EXPECT_EQ(f.channel, "aggTrade");
}

TEST_F(TradeHandlerTest, ABadPayloadIsCountedByKindAndTheStreamGoesOn) {
  auto handler = make(ChannelKind::agg_trade, "btcusdt@aggTrade");
  handler->on_frame(1, agg(1), 1);
  std::string bad_price = agg(2);
  bad_price.replace(bad_price.find("100.5"), 5, "1e5");
  handler->on_frame(1, bad_price, 2);
  handler->on_frame(1, R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade"}})", 3);
  handler->on_frame(1, agg(3, "ETHUSDT"), 4);
  handler->on_frame(1, agg(3), 5);
  const ChannelFigures f = handler->metrics().figures();
  EXPECT_EQ(f.parse_errors, 2u);
  EXPECT_EQ(f.parse_errors_by_kind[static_cast<std::size_t>(ParseError::bad_decimal)], 1u);
  EXPECT_EQ(f.parse_errors_by_kind[static_cast<std::size_t>(ParseError::missing_field)], 1u);
  EXPECT_EQ(f.other_symbol, 1u);
  // The refused id 2 shows as a gap when 3 comes: nothing is silently lost.
  EXPECT_EQ(f.events, 2u);
  EXPECT_EQ(f.gaps, 1u);
  EXPECT_EQ(f.missing_ids, 1u);
}

TEST_F(TradeHandlerTest, AStoppedHandlerIgnoresFrames) {
  auto handler = make(ChannelKind::trade, "btcusdt@trade");
  handler->stop();
  handler->on_frame(1, agg(1), 1);
  EXPECT_TRUE(written.empty());
  EXPECT_EQ(handler->metrics().figures().frames, 0u);
}

}  // namespace
}  // namespace depthrec::session
