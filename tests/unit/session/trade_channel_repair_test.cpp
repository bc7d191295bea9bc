// The aggTrade handler's --repair-trades part, with a fake REST fetch: a gap asks for its ids,
// the answer's trades are recorded with source rest, a gap_fill record ends the repair (filled,
// partial or failed with the reason), a malformed or failed answer is counted and never a crash,
// and a trade stream never asks.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "session/channel_handler.hpp"

namespace depthrec::session {
namespace {

struct Fetch {
  std::uint64_t from_id = 0;
  int limit = 0;
  std::function<void(const RestAnswer&)> done;
};

class TradeRepairTest : public ::testing::Test {
 protected:
  std::unique_ptr<ChannelHandler> make(ChannelKind kind, const std::string& stream) {
    ChannelSetup setup;
    setup.key = {Venue::binance, Market::usdm, "BTCUSDT", Channel{kind, 0, {}}};
    setup.stream = stream;
    setup.hooks.write = [this](std::string& line, const RecordContext&, bool) {
      records.push_back(json(line));
      line.clear();
      return PushInfo{0, 0};
    };
    setup.hooks.fetch_agg_trades = [this](std::uint64_t from_id, int limit,
                                          std::function<void(const RestAnswer&)> done) {
      fetches.push_back({from_id, limit, std::move(done)});
    };
    return make_channel_handler(std::move(setup));
  }
  static std::string frame(std::uint64_t id) {
    return R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1765000000000,"s":"BTCUSDT",)"
           R"("a":)" +
           std::to_string(id) + R"(,"p":"100.5","q":"2","f":1,"l":1,"T":1765000000000,"m":false}})";
  }
  static std::string rest_trade(std::uint64_t id) {
    return R"({"a":)" + std::to_string(id) +
           R"(,"p":"100.5","q":"2","f":1,"l":1,"T":1765000000001,"m":true})";
  }
  static RestAnswer ok(const std::string& body) {
    RestAnswer answer;
    answer.status = 200;
    answer.body = body;
    answer.received_ns = 1'765'000'000'100'000'000;
    return answer;
  }
  // The next fetch asked for, answered with `answer`.
  void answer_next(const RestAnswer& answer) {
    ASSERT_FALSE(fetches.empty());
    Fetch fetch = std::move(fetches.front());
    fetches.pop_front();
    fetch.done(answer);
  }
  static rapidjson::Document json(const std::string& line) {
    rapidjson::Document d;
    d.Parse(line.c_str());
    return d;
  }
  std::vector<const rapidjson::Document*> of_type(const std::string& type) const {
    std::vector<const rapidjson::Document*> out;
    for (const auto& r : records)
      if (r["type"].GetString() == type) out.push_back(&r);
    return out;
  }

  std::vector<rapidjson::Document> records;
  std::deque<Fetch> fetches;
};

TEST_F(TradeRepairTest, AGapIsFetchedRecordedWithSourceRestAndMarkedFilled) {
  auto handler = make(ChannelKind::agg_trade, "btcusdt@aggTrade");
  for (std::uint64_t id : {10, 14, 15}) handler->on_frame(1, frame(id), 1'765'000'000'050'000'000);
  ASSERT_EQ(fetches.size(), 1u);  // asked at once, answered later: nothing waits
  EXPECT_EQ(fetches.front().from_id, 11u);
  EXPECT_EQ(fetches.front().limit, 3);
  // Short first: 11 and 12, then 13 (and 14, already recorded from the stream: ignored).
  answer_next(ok("[" + rest_trade(11) + "," + rest_trade(12) + "]"));
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(fetches.front().from_id, 13u);
  EXPECT_EQ(fetches.front().limit, 1);
  answer_next(ok("[" + rest_trade(13) + "," + rest_trade(14) + "]"));
  EXPECT_TRUE(fetches.empty());

  std::vector<std::uint64_t> rest_ids;
  for (const auto* r : of_type("aggTrade")) {
    if (!r->HasMember("source")) continue;
    EXPECT_STREQ((*r)["source"].GetString(), "rest");
    EXPECT_TRUE((*r)["E"].IsNull());
    EXPECT_EQ((*r)["T"].GetInt64(), 1765000000001);
    EXPECT_TRUE((*r)["data"]["m"].GetBool());  // the answer's object as received
    rest_ids.push_back((*r)["id"].GetUint64());
  }
  EXPECT_EQ(rest_ids, (std::vector<std::uint64_t>{11, 12, 13}));
  const auto fills = of_type("gap_fill");
  ASSERT_EQ(fills.size(), 1u);
  const rapidjson::Document& fill = *fills.front();
  EXPECT_STREQ(fill["status"].GetString(), "filled");
  EXPECT_EQ(fill["from"].GetUint64(), 11u);
  EXPECT_EQ(fill["to"].GetUint64(), 13u);
  EXPECT_EQ(fill["filled"].GetUint64(), 3u);
  EXPECT_EQ(fill["requests"].GetUint64(), 2u);
  EXPECT_TRUE(fill["error"].IsNull());
  const RepairFigures r = handler->metrics().figures().repairs;
  EXPECT_EQ(r.requested, 1u);
  EXPECT_EQ(r.filled, 1u);
  EXPECT_EQ(r.trades, 3u);
  EXPECT_EQ(r.requests, 2u);
  EXPECT_EQ(r.ignored_ids, 1u);
  EXPECT_EQ(handler->metrics().figures().events, 3u) << "stream events apart from REST ones";
}

TEST_F(TradeRepairTest, MalformedOrFailedAnswersAreCountedAndEndTheRepairWithTheirReason) {
  auto handler = make(ChannelKind::agg_trade, "btcusdt@aggTrade");
  for (std::uint64_t id : {10, 12, 14, 20})
    handler->on_frame(1, frame(id), 1'765'000'000'050'000'000);
  ASSERT_EQ(fetches.size(), 1u) << "one gap at a time";
  answer_next(ok(R"([{"a":11,"p":"x"}])"));  // malformed: gap 11 failed
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(fetches.front().from_id, 13u);
  RestAnswer throttled;
  throttled.status = 429;
  throttled.body = R"({"code":-1003,"msg":"Too many requests"})";
  answer_next(throttled);  // asked again (the scheduler holds the budget meanwhile)...
  answer_next(throttled);
  answer_next(throttled);  // ... until the attempts are spent: gap 13 failed
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(fetches.front().from_id, 15u);
  answer_next(ok("[]"));  // the server's history does not reach back: failed
  EXPECT_TRUE(fetches.empty());

  const auto fills = of_type("gap_fill");
  ASSERT_EQ(fills.size(), 3u);
  for (const auto* fill : fills) EXPECT_STREQ((*fill)["status"].GetString(), "failed");
  EXPECT_NE(std::string((*fills[0])["error"].GetString()).find("aggTrades answer refused"),
            std::string::npos);
  EXPECT_NE(std::string((*fills[1])["error"].GetString()).find("HTTP 429"), std::string::npos);
  EXPECT_EQ((*fills[1])["requests"].GetUint64(), 3u);
  EXPECT_STREQ((*fills[2])["error"].GetString(), "the server has no aggregate trade from id 15");
  const RepairFigures r = handler->metrics().figures().repairs;
  EXPECT_EQ(r.requested, 3u);
  EXPECT_EQ(r.failed, 3u);
  EXPECT_EQ(r.answer_errors, 4u);
  EXPECT_EQ(r.trades, 0u);
}

TEST_F(TradeRepairTest, AnUnsubscribedStreamRecordsNoLateAnswerAndATradeStreamNeverAsks) {
  auto handler = make(ChannelKind::agg_trade, "btcusdt@aggTrade");
  for (std::uint64_t id : {10, 12}) handler->on_frame(1, frame(id), 1'765'000'000'050'000'000);
  ASSERT_EQ(fetches.size(), 1u);
  handler->stop();
  const std::size_t before = records.size();
  answer_next(ok("[" + rest_trade(11) + "]"));
  EXPECT_EQ(records.size(), before);

  auto trades = make(ChannelKind::trade, "btcusdt@trade");
  const std::string t10 =
      R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":10,"p":"1","q":"1","m":true}})";
  const std::string t12 =
      R"({"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":12,"p":"1","q":"1","m":true}})";
  trades->on_frame(1, t10, 1);
  trades->on_frame(1, t12, 1);
  EXPECT_TRUE(fetches.empty()) << "historicalTrades needs an API key: trade gaps stay marked";
  EXPECT_EQ(trades->metrics().figures().gaps, 1u);
}

}  // namespace
}  // namespace depthrec::session
