// The aggTrades REST answer parser and the repair planner of one aggTrade id gap: paging by
// fromId, the range's bounds, ids repeated or outside it, short and empty answers, malformed
// answers (a clear error, never a crash).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/agg_trade_gap_repair.hpp"
#include "protocol/agg_trades_answer.hpp"

namespace depthrec {
namespace {

std::string trade_json(std::uint64_t id) {
  return R"({"a":)" + std::to_string(id) + R"(,"p":"63943.90","q":"0.012","f":)" +
         std::to_string(id * 2) + R"(,"l":)" + std::to_string(id * 2 + 1) +
         R"(,"T":1765000000120,"m":true,"M":true})";
}

std::string answer_json(std::uint64_t first, std::uint64_t last) {
  std::string out = "[";
  for (std::uint64_t id = first; id <= last; ++id) {
    if (out.size() > 1) out += ",";
    out += trade_json(id);
  }
  return out + "]";
}

std::vector<RestAggTrade> trades_of(std::vector<std::uint64_t> ids) {
  std::vector<RestAggTrade> out;
  for (std::uint64_t id : ids) {
    RestAggTrade t;
    t.id = id;
    out.push_back(t);
  }
  return out;
}

TEST(AggTradesAnswer, ReadsEveryTradeAndKeepsEachObjectAsReceived) {
  const std::string body = " [" + trade_json(7) + " , " + trade_json(8) + "] ";
  std::string scratch;
  const AggTradesAnswer answer = parse_agg_trades_answer(body, scratch);
  ASSERT_EQ(answer.error, ParseError::none) << answer.error_text();
  ASSERT_EQ(answer.trades.size(), 2u);
  EXPECT_EQ(answer.trades[0].id, 7u);
  EXPECT_EQ(answer.trades[0].first_trade_id, 14u);
  EXPECT_EQ(answer.trades[0].last_trade_id, 15u);
  EXPECT_EQ(to_string(answer.trades[0].price), "63943.9");
  EXPECT_EQ(answer.trades[0].trade_time_ms, 1765000000120);
  EXPECT_TRUE(answer.trades[0].buyer_is_maker);
  EXPECT_EQ(answer.trades[0].object, trade_json(7));
  EXPECT_EQ(answer.trades[1].object, trade_json(8));
  EXPECT_EQ(parse_agg_trades_answer("[]", scratch).trades.size(), 0u);
}

TEST(AggTradesAnswer, RefusesWhatIsNotAnArrayOfTradesWithAClearError) {
  std::string scratch;
  const auto error_of = [&](const std::string& body) {
    return parse_agg_trades_answer(body, scratch).error;
  };
  EXPECT_EQ(error_of(""), ParseError::malformed_json);
  EXPECT_EQ(error_of("[" + trade_json(1)), ParseError::malformed_json);  // cut short
  EXPECT_EQ(error_of(R"({"code":-1121,"msg":"Invalid symbol."})"), ParseError::not_an_object);
  EXPECT_EQ(error_of("42"), ParseError::not_an_object);
  EXPECT_EQ(error_of("[1,2]"), ParseError::wrong_type);
  EXPECT_EQ(error_of("[[]]"), ParseError::wrong_type);
  EXPECT_EQ(error_of(std::string(40, '[') + std::string(40, ']')), ParseError::too_large);
  EXPECT_EQ(error_of(answer_json(1, 1001)), ParseError::too_large);  // Binance sends <= 1000
  // A field missing, of the wrong type or shape: named with the element at fault.
  const AggTradesAnswer missing =
      parse_agg_trades_answer("[" + trade_json(1) + R"(,{"a":2,"p":"1","q":"1"}])", scratch);
  EXPECT_EQ(missing.error, ParseError::missing_field);
  EXPECT_EQ(missing.error_text(), "element 1: missing_field");
  EXPECT_TRUE(missing.trades.empty());
  EXPECT_EQ(error_of(R"([{"a":-1,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}])"),
            ParseError::bad_number);
  EXPECT_EQ(error_of(R"([{"a":1,"p":1.5,"q":"1","f":1,"l":1,"T":1,"m":true}])"),
            ParseError::wrong_type);
  EXPECT_EQ(error_of(R"([{"a":1,"p":"x","q":"1","f":1,"l":1,"T":1,"m":true}])"),
            ParseError::bad_decimal);
  EXPECT_EQ(error_of(R"([{"a":1,"a":2,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}])"),
            ParseError::duplicate_key);
  EXPECT_EQ(error_of(R"([{"a":1,"p":"1","q":"1","f":5,"l":4,"T":1,"m":true}])"),
            ParseError::bad_number);  // l below f
}

TEST(AggTradeGapRepair, PagesByFromIdUntilTheRangeIsCovered) {
  AggTradeGapRepair repair(100, 2599);  // 2500 ids: pages of 1000, 1000, 500
  ASSERT_EQ(repair.missing(), 2500u);
  std::string scratch;
  std::vector<std::pair<std::uint64_t, int>> asked;
  while (const std::optional<AggTradePage> page = repair.next_page()) {
    asked.emplace_back(page->from_id, page->limit);
    const AggTradesAnswer answer = parse_agg_trades_answer(
        answer_json(page->from_id, page->from_id + static_cast<std::uint64_t>(page->limit) - 1),
        scratch);
    ASSERT_EQ(answer.error, ParseError::none);
    const AggTradeGapRepair::Taken taken = repair.take(answer.trades);
    EXPECT_EQ(taken.accepted.size(), static_cast<std::size_t>(page->limit));
    ASSERT_LT(asked.size(), 10u);
  }
  const std::vector<std::pair<std::uint64_t, int>> expected{{100, 1000}, {1100, 1000}, {2100, 500}};
  EXPECT_EQ(asked, expected);
  EXPECT_EQ(repair.status(), RepairStatus::filled);
  EXPECT_EQ(repair.filled(), 2500u);
  EXPECT_EQ(repair.pages(), 3u);
  EXPECT_TRUE(repair.reason().empty());
}

TEST(AggTradeGapRepair, RecordsOnlyTheRangesIdsEachOnceInOrder) {
  AggTradeGapRepair repair(10, 14);
  // Before the range, repeated, beyond it: counted, never recorded.
  AggTradeGapRepair::Taken taken = repair.take(trades_of({8, 9, 10, 11, 11, 12, 20}));
  EXPECT_EQ(taken.accepted, (std::vector<std::size_t>{2, 3, 5}));
  EXPECT_EQ(taken.outside, 3u);
  EXPECT_EQ(taken.repeated, 1u);
  ASSERT_TRUE(repair.next_page());
  EXPECT_EQ(repair.next_page()->from_id, 13u);
  EXPECT_EQ(repair.next_page()->limit, 2);
  // An answer going back over ids already taken: repeated; the rest completes the range.
  taken = repair.take(trades_of({12, 13, 14, 15}));
  EXPECT_EQ(taken.accepted, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(taken.repeated, 1u);
  EXPECT_EQ(taken.outside, 1u);
  EXPECT_EQ(repair.status(), RepairStatus::filled);
  EXPECT_FALSE(repair.next_page());
  // Over: a late answer changes nothing.
  EXPECT_TRUE(repair.take(trades_of({10})).accepted.empty());
  EXPECT_EQ(repair.filled(), 5u);
}

TEST(AggTradeGapRepair, AShortOrEmptyAnswerEndsItPartlyFilledOrFailed) {
  AggTradeGapRepair none(500, 509);
  EXPECT_TRUE(none.take({}).accepted.empty());  // older than the server's history
  EXPECT_EQ(none.status(), RepairStatus::failed);
  EXPECT_EQ(none.reason(), "the server has no aggregate trade from id 500");

  AggTradeGapRepair part(500, 509);
  part.take(trades_of({500, 501, 502}));  // short: the next page asks from 503
  ASSERT_TRUE(part.next_page());
  EXPECT_EQ(part.next_page()->from_id, 503u);
  part.take(trades_of({400}));  // nothing new of the range: over
  EXPECT_EQ(part.status(), RepairStatus::partial);
  EXPECT_EQ(part.filled(), 3u);
  EXPECT_EQ(part.reason(), "the answer holds no missing id from 503");

  AggTradeGapRepair skipped(500, 504);
  skipped.take(trades_of({500, 503, 504}));  // the server jumped over 501, 502
  EXPECT_EQ(skipped.status(), RepairStatus::partial);
  EXPECT_EQ(skipped.skipped(), 2u);
  EXPECT_EQ(skipped.reason(), "the server skipped 2 ids of the gap");

  AggTradeGapRepair failed(500, 509);
  failed.take(trades_of({500}));
  failed.fail("HTTP 400: bad");
  EXPECT_EQ(failed.status(), RepairStatus::partial);
  EXPECT_EQ(failed.reason(), "HTTP 400: bad");
}

TEST(AggTradeGapRepair, BoundsTheGapAndTheIdRange) {
  AggTradeGapRepair huge(1, AggTradeGapRepair::kMaxIds + 1);
  EXPECT_EQ(huge.status(), RepairStatus::failed);
  EXPECT_FALSE(huge.next_page());
  AggTradeGapRepair widest(0, UINT64_MAX);  // no wrap-around of the id count
  EXPECT_EQ(widest.status(), RepairStatus::failed);
  AggTradeGapRepair at_the_top(UINT64_MAX - 1, UINT64_MAX);
  at_the_top.take(trades_of({UINT64_MAX - 1, UINT64_MAX}));
  EXPECT_EQ(at_the_top.status(), RepairStatus::filled);
  EXPECT_EQ(at_the_top.filled(), 2u);
}

}  // namespace
}  // namespace depthrec
