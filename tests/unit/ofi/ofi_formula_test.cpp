// e_n of Cont, Kukanov & Stoikov term by term, and the multi-level vector, on hand-made states.
#include <gtest/gtest.h>

#include "ofi_test_support.hpp"

namespace depthrec::ofi::test {
namespace {

// Before every case: best bid 100 @ 2, best ask 101 @ 3.
const Levels kBids{{"100", "2"}};
const Levels kAsks{{"101", "3"}};

// The OFI of the one transition from the base state to (bids, asks), best level only.
double one_transition(const Levels& bids, const Levels& asks) {
  Collected out;
  OfiCalculator calculator(count_windows(2), out.sink());
  calculator.on_top(state(1, 1000, kBids, kAsks));
  calculator.on_top(state(2, 1001, bids, asks));
  EXPECT_EQ(out.windows.size(), 1u);
  if (out.windows.empty()) return 0.0;
  EXPECT_EQ(out.windows[0].transitions, 1u);
  return out.windows[0].ofi;
}

TEST(OfiFormula, BidPriceUpAddsTheNewBidQuantity) {
  // 1{Pb_n >= Pb_n-1} qb_n = 4; the bid's old quantity is not taken away (price not <=).
  EXPECT_DOUBLE_EQ(one_transition({{"100.5", "4"}}, kAsks), 4.0);
}

TEST(OfiFormula, BidPriceDownRemovesTheOldBidQuantity) {
  // -1{Pb_n <= Pb_n-1} qb_n-1 = -2; the new bid's 1 does not count (price not >=).
  EXPECT_DOUBLE_EQ(one_transition({{"99.5", "1"}}, kAsks), -2.0);
}

TEST(OfiFormula, BidPriceUnchangedCountsTheQuantityChange) {
  // Both indicators hold: 5 - 2.
  EXPECT_DOUBLE_EQ(one_transition({{"100", "5"}}, kAsks), 3.0);
  EXPECT_DOUBLE_EQ(one_transition({{"100", "0.5"}}, kAsks), -1.5);
}

TEST(OfiFormula, AskPriceDownSubtractsTheNewAskQuantity) {
  // -1{Pa_n <= Pa_n-1} qa_n = -7; the old ask's 3 is not added back (price not >=).
  EXPECT_DOUBLE_EQ(one_transition(kBids, {{"100.5", "7"}}), -7.0);
}

TEST(OfiFormula, AskPriceUpAddsTheOldAskQuantity) {
  // +1{Pa_n >= Pa_n-1} qa_n-1 = +3; the new ask's 6 does not count.
  EXPECT_DOUBLE_EQ(one_transition(kBids, {{"101.5", "6"}}), 3.0);
}

TEST(OfiFormula, AskPriceUnchangedCountsMinusTheQuantityChange) {
  // -qa_n + qa_n-1 = -1 + 3 and -8 + 3.
  EXPECT_DOUBLE_EQ(one_transition(kBids, {{"101", "1"}}), 2.0);
  EXPECT_DOUBLE_EQ(one_transition(kBids, {{"101", "8"}}), -5.0);
}

TEST(OfiFormula, BothSidesAddUp) {
  // Bid up (+4) and ask down (-1): 3. Bid down (-2) and ask up (+3): 1.
  EXPECT_DOUBLE_EQ(one_transition({{"100.5", "4"}}, {{"100.8", "1"}}), 3.0);
  EXPECT_DOUBLE_EQ(one_transition({{"99", "9"}}, {{"102", "9"}}), 1.0);
}

TEST(OfiFormula, NothingChangedIsZero) {
  EXPECT_DOUBLE_EQ(one_transition(kBids, kAsks), 0.0);
}

TEST(OfiFormula, PricesAreComparedExactly) {
  // One unit of the 8th decimal is a price move, not "unchanged": bid up gives +qb_n only.
  EXPECT_DOUBLE_EQ(one_transition({{"100.00000001", "5"}}, kAsks), 5.0);
  // Same value written differently is the same price: 5 - 2.
  EXPECT_DOUBLE_EQ(one_transition({{"100.000", "5"}}, kAsks), 3.0);
}

TEST(OfiFormula, WindowSumsEveryTransition) {
  Collected out;
  OfiCalculator calculator(count_windows(4), out.sink());
  calculator.on_top(state(1, 1000, kBids, kAsks));
  calculator.on_top(state(2, 1001, {{"100", "5"}}, kAsks));              // +3
  calculator.on_top(state(3, 1002, {{"100", "5"}}, {{"100.5", "1"}}));   // -1
  calculator.on_top(state(4, 1003, {{"99.5", "2"}}, {{"100.5", "1"}}));  // -5
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].events, 4u);
  EXPECT_EQ(out.windows[0].transitions, 3u);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi, -3.0);
}

TEST(OfiMultiLevel, EachLevelUsesItsOwnPricesAndQuantities) {
  Collected out;
  OfiCalculator calculator(count_windows(2, 3), out.sink());
  calculator.on_top(state(1, 1000, {{"100", "1"}, {"99", "2"}, {"98", "3"}},
                          {{"101", "1"}, {"102", "2"}, {"103", "3"}}));
  // Level 1: bid qty 1 -> 1.5 (+0.5), ask unchanged (0).
  // Level 2: bid unchanged (0); ask 102 @ 2 -> 101.5 @ 5, price down: -5.
  // Level 3: bid 98 @ 3 -> 97 @ 4, price down: -3; ask 103 @ 3 -> 102 @ 2, price down: -2.
  calculator.on_top(state(2, 1001, {{"100", "1.5"}, {"99", "2"}, {"97", "4"}},
                          {{"101", "1"}, {"101.5", "5"}, {"102", "2"}}));
  ASSERT_EQ(out.windows.size(), 1u);
  ASSERT_EQ(out.windows[0].mlofi.size(), 3u);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi[0], 0.5);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi[1], -5.0);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi[2], -5.0);
  EXPECT_DOUBLE_EQ(out.windows[0].ofi, out.windows[0].mlofi[0]);
}

TEST(OfiMultiLevel, AbsentLevelsAreEmptyLevelsAtInfinitePrices) {
  Collected out;
  OfiCalculator calculator(count_windows(3, 2), out.sink());
  calculator.on_top(state(1, 1000, {{"100", "1"}}, {{"101", "1"}, {"102", "2"}}));
  // Level 2 bid appears (99 @ 3 above -inf): +3. Level 2 ask vanishes (+inf above 102): +2.
  calculator.on_top(state(2, 1001, {{"100", "1"}, {"99", "3"}}, {{"101", "1"}}));
  // Level 2 bid vanishes (-inf below 99): -3. Level 2 ask appears (101.5 below +inf): -4.
  calculator.on_top(state(3, 1002, {{"100", "1"}}, {{"101", "1"}, {"101.5", "4"}}));
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi[0], 0.0);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi[1], 5.0 - 7.0);
}

TEST(OfiMultiLevel, StatesWithFewerLevelsThanMLeaveTheRestEmpty) {
  Collected out;
  OfiCalculator calculator(count_windows(2, 4), out.sink());
  calculator.on_top(state(1, 1000, {}, {}));
  calculator.on_top(state(2, 1001, {{"100", "1"}}, {}));
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_EQ(out.windows[0].mlofi, (std::vector<double>{1.0, 0.0, 0.0, 0.0}));
  EXPECT_TRUE(out.windows[0].best_bid);
  EXPECT_FALSE(out.windows[0].best_ask);
  EXPECT_FALSE(out.windows[0].mid) << "no mid price without an ask";
}

TEST(OfiMultiLevel, NormalisesByTheAverageDepthOfTheWindow) {
  OfiConfig config = count_windows(2, 2);
  config.normalize = true;
  Collected out;
  OfiCalculator calculator(config, out.sink());
  // Depth per state: mean of the 4 quantities. State 1: (2+4+3+1)/4 = 2.5. State 2: (6+4+3+1)/4
  // = 3.5. Q = 3. OFI_1 = 6 - 2 = 4, OFI_2 = 0.
  calculator.on_top(state(1, 1000, {{"100", "2"}, {"99", "4"}}, {{"101", "3"}, {"102", "1"}}));
  calculator.on_top(state(2, 1001, {{"100", "6"}, {"99", "4"}}, {{"101", "3"}, {"102", "1"}}));
  ASSERT_EQ(out.windows.size(), 1u);
  EXPECT_DOUBLE_EQ(out.windows[0].avg_depth, 3.0);
  ASSERT_EQ(out.windows[0].mlofi_normalized.size(), 2u);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi_normalized[0], 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(out.windows[0].mlofi_normalized[1], 0.0);
}

TEST(OfiMultiLevel, BookUpdateFromTheRecorderGivesTheSameOfiAsItsTopOfBook) {
  // The callback path reads the OrderBook in place; the queue path reads copied levels.
  Collected from_book;
  Collected from_top;
  OfiCalculator by_book(count_windows(3, 3), from_book.sink());
  OfiCalculator by_top(count_windows(3, 3), from_top.sink());
  OrderBook book;
  StreamKey key{Market::usdm, "BTCUSDT", "btcusdt@depth"};
  DepthUpdate update;
  const std::vector<std::pair<Levels, Levels>> changes{
      {{{"100", "1"}, {"99", "2"}}, {{"101", "1"}, {"102", "5"}, {"103", "1"}}},
      {{{"100", "0"}, {"98.5", "7"}}, {{"100.5", "2"}}},
      {{{"100.2", "3"}}, {{"100.5", "0"}, {"101", "4"}}},
  };
  std::uint64_t id = 10;
  for (const auto& [bids, asks] : changes) {
    update.first_id = id + 1;
    update.final_id = id + 2;
    update.prev_final_id = id;
    update.has_prev_final_id = true;
    update.event_time_ms = static_cast<std::int64_t>(id);
    update.bids = levels(bids);
    update.asks = levels(asks);
    book.apply(update);
    by_book.on_book(BookUpdate{key, update, book, 5, true});
    TopOfBook top;
    top.first_id = update.first_id;
    top.final_id = update.final_id;
    top.prev_final_id = update.prev_final_id;
    top.has_prev_final_id = true;
    top.event_time_ms = update.event_time_ms;
    top.synced = true;
    book.top(3, top.bids, top.asks);
    by_top.on_top(top);
    id += 2;
  }
  ASSERT_EQ(from_book.windows.size(), 1u);
  ASSERT_EQ(from_top.windows.size(), 1u);
  EXPECT_EQ(from_book.windows[0].transitions, 2u);
  EXPECT_EQ(from_book.windows[0].mlofi, from_top.windows[0].mlofi);
  // Hand check of the best level: bid 100@1 -> 99@2 (down: -1), ask 101@1 -> 100.5@2 (down: -2);
  // then bid 99@2 -> 100.2@3 (up: +3), ask 100.5@2 -> 101@4 (up: +2). Total 2.
  EXPECT_DOUBLE_EQ(from_book.windows[0].ofi, 2.0);
  EXPECT_EQ(from_book.windows[0].best_bid, dec("100.2"));
  EXPECT_EQ(from_book.windows[0].best_ask, dec("101"));
  EXPECT_DOUBLE_EQ(*from_book.windows[0].mid, 100.6);
}

TEST(OfiConfigCheck, RefusesBadConfigurations) {
  EXPECT_EQ(validate(OfiConfig{}), "");
  OfiConfig config;
  config.levels = 0;
  EXPECT_NE(validate(config), "");
  config.levels = kMaxLevels + 1;
  EXPECT_NE(validate(config), "");
  config = OfiConfig{};
  config.window_events = 10;  // and window_ms 1000: both
  EXPECT_NE(validate(config), "");
  config.window_events = 0;
  config.window_ms = 0;  // neither
  EXPECT_NE(validate(config), "");
  EXPECT_THROW(OfiCalculator(config, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace depthrec::ofi::test
