// depthsim's aggTrades REST history: bounded to the last N groups, fromId answers from that id
// (empty when it is older than what is kept or beyond the last), and each answer's trade holds the
// same id, price, quantity, trade ids and time as the stream's aggTrade event of it.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "agg_trade_history.hpp"
#include "depthrec/trade_event.hpp"
#include "synthetic_book.hpp"

namespace depthsim {
namespace {

TEST(AggTradeHistory, KeepsTheLastGroupsAndAnswersFromAnIdAsTheStreamSentThem) {
  for (Market market : {Market::usdm, Market::spot}) {
    const SymbolSpec spec = symbol_spec(market, "BTCUSDT");
    SyntheticBook book(spec, market, 7);
    TradeTape tape("BTCUSDT", 7);
    AggTradeHistory history(100);
    std::vector<TradeGroup> groups;
    for (int i = 0; i < 250; ++i) {
      groups.push_back(tape.next(book.book(), 1000 + i));
      history.add(groups.back());
    }
    ASSERT_EQ(history.size(), 100u);
    EXPECT_EQ(*history.first_id(), groups[150].agg_id);
    EXPECT_TRUE(history.from(groups[149].agg_id, 10).empty()) << "older than the history";
    EXPECT_TRUE(history.from(groups.back().agg_id + 1, 10).empty()) << "beyond the last";
    EXPECT_EQ(history.from(groups[245].agg_id, 10).size(), 5u) << "short: the last ones";
    EXPECT_EQ(history.latest(3).front()->agg_id, groups[247].agg_id);

    const std::string body =
        render_agg_trades_answer(market, spec, history.from(groups[200].agg_id, 3));
    rapidjson::Document answer;
    answer.Parse(body.c_str());
    ASSERT_TRUE(answer.IsArray() && answer.Size() == 3u) << body;
    for (rapidjson::SizeType i = 0; i < 3; ++i) {
      const TradeGroup& group = groups[200 + i];
      depthrec::TradeEvent streamed;
      ASSERT_EQ(depthrec::parse_trade_frame(render_agg_trade(market, spec, group),
                                            depthrec::TradeKind::agg_trade, streamed),
                depthrec::ParseError::none);
      const rapidjson::Value& rest = answer[i];
      EXPECT_EQ(rest["a"].GetUint64(), streamed.id);
      depthrec::Decimal price, quantity;
      ASSERT_TRUE(depthrec::parse_decimal(rest["p"].GetString(), price));
      ASSERT_TRUE(depthrec::parse_decimal(rest["q"].GetString(), quantity));
      EXPECT_EQ(price, streamed.price);
      EXPECT_EQ(quantity, streamed.quantity);
      EXPECT_EQ(rest["f"].GetUint64(), streamed.first_trade_id);
      EXPECT_EQ(rest["l"].GetUint64(), streamed.last_trade_id);
      EXPECT_EQ(rest["T"].GetInt64(), streamed.trade_time_ms);
      EXPECT_EQ(rest["m"].GetBool(), streamed.buyer_is_maker);
      EXPECT_EQ(rest.HasMember("M"), market == Market::spot);
      EXPECT_FALSE(rest.HasMember("e") || rest.HasMember("E") || rest.HasMember("s"));
    }
  }
}

}  // namespace
}  // namespace depthsim
