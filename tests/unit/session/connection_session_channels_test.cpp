// ConnectionSession carrying event channels (trade, aggTrade) beside or without depth feeds:
// frames routed to a channel by stream name through dispatch_frame, connect/disconnect records
// of a connection that carries only channels, and its rollover (no book to join: the successor
// takes over at once and the old connection is retired).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

#include "session/connection_session.hpp"
#include "session/frame_dispatch.hpp"

namespace depthrec::session {
namespace {

constexpr std::int64_t kChannelsT0 = 1'700'000'000'000'000'000;

class ConnectionChannelsTest : public ::testing::Test {
 protected:
  ConnectionChannelsTest() {
    ConnectionHooks hooks;
    hooks.write = [this](std::string& line, const RecordContext&, bool) {
      rapidjson::Document doc;
      doc.Parse(line.c_str());
      types.push_back(doc.IsObject() && doc.HasMember("type") ? doc["type"].GetString() : "?");
      line.clear();
      return PushInfo{};
    };
    hooks.retire = [this](std::uint64_t id) { retired.push_back(id); };
    hooks.abandon_successor = [this](std::uint64_t id, const std::string&) {
      abandoned.push_back(id);
    };
    session = std::make_unique<ConnectionSession>(
        ConnectionSessionConfig{"wss://127.0.0.1/market/stream?streams=x", {}, 0},
        std::move(hooks));
    channel = make(ChannelKind::agg_trade, "btcusdt@aggTrade");
    EXPECT_TRUE(session->add_channel(*channel));
  }

  std::unique_ptr<ChannelHandler> make(ChannelKind kind, const std::string& stream) {
    ChannelSetup setup;
    setup.key = {Venue::binance, Market::usdm, "BTCUSDT", Channel{kind, 0, {}}};
    setup.stream = stream;
    setup.hooks.write = [this](std::string& line, const RecordContext&, bool) {
      rapidjson::Document doc;
      doc.Parse(line.c_str());
      types.push_back(doc["type"].GetString());
      line.clear();
      return PushInfo{};
    };
    return make_channel_handler(std::move(setup));
  }

  void frame(std::uint64_t conn_id, const std::string& payload) {
    FeedMetrics metrics(StreamKey{Market::usdm, "BTCUSDT", "x"}, 0);
    dispatch_frame(
        parser, parsed, *session, conn_id, payload, false, kChannelsT0,
        [&](const FeedSession*) -> FeedMetrics& { return metrics; },
        [&](std::uint64_t) { ++marked; }, [&](const std::string& w) { warnings.push_back(w); });
  }

  static std::string agg(std::uint64_t id, const std::string& stream = "btcusdt@aggTrade") {
    return R"({"stream":")" + stream + R"(","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":)" +
           std::to_string(id) + R"(,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}})";
  }

  FrameParser parser;
  Frame parsed;
  std::unique_ptr<ConnectionSession> session;
  std::unique_ptr<ChannelHandler> channel;
  std::vector<std::string> types, warnings;
  std::vector<std::uint64_t> retired, abandoned;
  int marked = 0;
};

TEST_F(ConnectionChannelsTest, RoutesChannelFramesByStreamNameAndRecordsTheConnection) {
  session->on_open(1, kChannelsT0);
  frame(1, agg(5));
  frame(1, agg(6));
  frame(1, agg(7, "ethusdt@aggTrade"));  // a stream the connection does not carry
  EXPECT_EQ(channel->metrics().figures().events, 2u);
  EXPECT_EQ(marked, 2) << "channel frames are market data: the connection is not stalled";
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings.front().find("unexpected event type"), std::string::npos);
  session->on_close(1, "test", std::nullopt, kChannelsT0);
  EXPECT_EQ(types, (std::vector<std::string>{"connect", "aggTrade", "aggTrade", "disconnect"}));
  EXPECT_EQ(session->channel_of("btcusdt@aggTrade"), channel.get());
  EXPECT_TRUE(session->remove_channel(*channel));
  EXPECT_EQ(session->channel_of("btcusdt@aggTrade"), nullptr);
}

TEST_F(ConnectionChannelsTest, ASuccessorAheadIsHeldUntilTheOldConnectionMeetsIt) {
  session->on_open(1, kChannelsT0);
  frame(1, agg(5));
  session->on_successor_open(2, 1, kChannelsT0);
  // The successor delivers 8 while the old connection still has 6 and 7 in flight: held.
  frame(2, agg(8));
  EXPECT_TRUE(retired.empty()) << "not joined yet: the old connection's 6 and 7 would be lost";
  frame(1, agg(6));
  EXPECT_TRUE(retired.empty());
  frame(1, agg(7));  // the old connection meets the held 8: the successor joins, 8 recorded
  EXPECT_EQ(retired, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(session->active_conn(), 2u);
  frame(1, agg(8));  // the retired connection's last frames are not recorded
  frame(2, agg(9));
  const ChannelFigures f = channel->metrics().figures();
  EXPECT_EQ(f.events, 5u);  // 5, 6, 7, 8, 9
  EXPECT_EQ(f.gaps, 0u);
  EXPECT_EQ(f.duplicates + f.backwards, 0u);
  EXPECT_TRUE(abandoned.empty());
  EXPECT_EQ(session->counters().rollovers, 1u);
}

TEST_F(ConnectionChannelsTest, ASuccessorBehindJoinsAtOnceAndItsOverlapIsNotRecordedTwice) {
  session->on_open(1, kChannelsT0);
  frame(1, agg(5));
  frame(1, agg(6));
  session->on_successor_open(2, 1, kChannelsT0);
  frame(2, agg(6));  // already recorded from the old connection: the ids meet, joined
  EXPECT_EQ(retired, (std::vector<std::uint64_t>{1}));
  frame(1, agg(7));  // the old connection's, after the switch: the successor delivers it
  frame(2, agg(7));
  const ChannelFigures f = channel->metrics().figures();
  EXPECT_EQ(f.events, 3u);
  EXPECT_EQ(f.duplicates, 1u);
  EXPECT_EQ(f.gaps, 0u);
}

}  // namespace
}  // namespace depthrec::session
