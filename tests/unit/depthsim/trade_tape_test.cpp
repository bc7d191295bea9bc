// depthsim's trades: groups at the book's top with consecutive ids, payloads in Binance's shapes
// (read back by depthrec's own parser), and the liquidity a group took leaving the top level in the
// depth update that follows it.
#include <gtest/gtest.h>

#include <algorithm>

#include "depthrec/trade_event.hpp"
#include "synthetic_book.hpp"
#include "trade_tape.hpp"

namespace depthsim {
namespace {

TEST(TradeTape, GroupsTakeTheTopWithConsecutiveIds) {
  const SymbolSpec spec = symbol_spec(Market::usdm, "BTCUSDT");
  SyntheticBook book(spec, Market::usdm, 7);
  TradeTape tape("BTCUSDT", 7);
  std::uint64_t next_trade = 0, next_agg = 0;
  for (int i = 0; i < 500; ++i) {
    const TradeGroup group = tape.next(book.book(), 1000 + i);
    ASSERT_FALSE(group.fills.empty());
    const PriceLevel top = *book.book().best(group.buyer_is_maker);
    EXPECT_EQ(group.price, top.price) << "a taker order trades at the best level of the side hit";
    std::int64_t taken = 0;
    for (std::int64_t fill : group.fills) taken += fill;
    EXPECT_LE(taken, top.qty);
    if (i > 0) {
      EXPECT_EQ(group.first_trade_id, next_trade);
      EXPECT_EQ(group.agg_id, next_agg);
    }
    EXPECT_EQ(group.last_trade_id - group.first_trade_id + 1, group.fills.size());
    next_trade = group.last_trade_id + 1;
    next_agg = group.agg_id + 1;

    // The depth update that follows lists the taken level, lowered by what was taken (unless the
    // update changed it again).
    book.take_at_top(group.buyer_is_maker, taken);
    const BookUpdate update = book.next();
    const auto& side = group.buyer_is_maker ? update.bids : update.asks;
    const auto level = std::find_if(side.begin(), side.end(),
                                    [&](const PriceLevel& l) { return l.price == top.price; });
    ASSERT_NE(level, side.end()) << "the taken level is in the next depth event";
  }
}

TEST(TradeTape, PayloadsReadBackWithDepthrecsParser) {
  for (Market market : {Market::usdm, Market::spot, Market::coinm}) {
    const std::string symbol = market == Market::coinm ? "BTCUSD_PERP" : "BTCUSDT";
    const SymbolSpec spec = symbol_spec(market, symbol);
    SyntheticBook book(spec, market, 3);
    TradeTape tape(symbol, 3);
    const TradeGroup group = tape.next(book.book(), 1'765'000'000'000, 3);
    ASSERT_EQ(group.fills.size(), 3u);
    depthrec::TradeEvent event;  // its views point into the frame: the frames are kept
    const std::string trade_frame = render_trade(market, spec, group, 1);
    ASSERT_EQ(depthrec::parse_trade_frame(trade_frame, depthrec::TradeKind::trade, event),
              depthrec::ParseError::none);
    EXPECT_EQ(event.id, group.first_trade_id + 1);
    EXPECT_EQ(event.symbol, symbol);
    const std::string agg_frame = render_agg_trade(market, spec, group);
    ASSERT_EQ(depthrec::parse_trade_frame(agg_frame, depthrec::TradeKind::agg_trade, event),
              depthrec::ParseError::none);
    EXPECT_EQ(event.id, group.agg_id);
    EXPECT_EQ(event.first_trade_id, group.first_trade_id);
    EXPECT_EQ(event.last_trade_id, group.last_trade_id);
    EXPECT_EQ(event.payload.find("\"nq\"") != std::string_view::npos, market == Market::usdm);
  }
}

}  // namespace
}  // namespace depthsim
