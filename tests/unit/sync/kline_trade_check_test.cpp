// KlineTradeCheck: a closed candle against the recorded trades of its ids, from trade records or
// from aggTrade records that tile them; skipped when an id was not recorded or it has no trade.
#include "kline_trade_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace depthrec::replay {
namespace {

Decimal kline_check_decimal(const char* text) {
  Decimal value;
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

ReplayItem kline_check_trade(std::int64_t first, std::int64_t last, const char* price,
                             const char* qty, bool maker, std::int64_t time_ms,
                             bool aggregate = false) {
  ReplayItem item;
  item.market = Market::spot;
  item.symbol = "BTCUSDT";
  item.has_trade = true;
  item.trade.kind = aggregate ? TradeKind::agg_trade : TradeKind::trade;
  item.trade.id = static_cast<std::uint64_t>(first);
  item.trade.first_trade_id = static_cast<std::uint64_t>(first);
  item.trade.last_trade_id = static_cast<std::uint64_t>(last);
  item.trade.price = kline_check_decimal(price);
  item.trade.quantity = kline_check_decimal(qty);
  item.trade.buyer_is_maker = maker;
  item.trade.trade_time_ms = time_ms;
  return item;
}

// A closed 1 s candle at 1000 ms of trades 10..12: 2.0 x 1 (taker buy), 3.0 x 2 (maker),
// 1.5 x 1 (taker buy).
ReplayItem kline_check_candle(const char* high = "3.0", std::uint64_t count = 3) {
  ReplayItem item;
  item.market = Market::spot;
  item.symbol = "BTCUSDT";
  item.stream = "btcusdt@kline_1s";
  item.has_kline = true;
  KlineEvent& k = item.kline;
  k.closed = true;
  k.open_time_ms = 1000;
  k.close_time_ms = 1999;
  k.first_trade_id = 10;
  k.last_trade_id = 12;
  k.open = kline_check_decimal("2.0");
  k.high = kline_check_decimal(high);
  k.low = kline_check_decimal("1.5");
  k.close = kline_check_decimal("1.5");
  k.base_volume = kline_check_decimal("4");
  k.quote_volume = kline_check_decimal("9.5");
  k.trade_count = count;
  k.taker_buy_base_volume = kline_check_decimal("2");
  k.taker_buy_quote_volume = kline_check_decimal("3.5");
  return item;
}

void feed_kline_check_trades(KlineTradeCheck& check) {
  check.observe(kline_check_trade(10, 10, "2.0", "1", false, 1100));
  check.observe(kline_check_trade(11, 11, "3.0", "2", true, 1200));
  check.observe(kline_check_trade(12, 12, "1.5", "1", false, 1300));
}

TEST(KlineTradeCheck, ACandleEqualToItsTradesIsVerified) {
  KlineTradeCheck check;
  check.observe(kline_check_candle());  // before its trades, as a flush may order them
  feed_kline_check_trades(check);
  const auto reports = check.finish();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].stream, "btcusdt@kline_1s");
  EXPECT_EQ(reports[0].closed, 1u);
  EXPECT_EQ(reports[0].verified, 1u);
  EXPECT_TRUE(reports[0].consistent());
}

TEST(KlineTradeCheck, AggTradesThatTileTheIdsVerifyIt) {
  KlineTradeCheck check;
  check.observe(kline_check_trade(10, 10, "2.0", "1", false, 1100, true));
  check.observe(kline_check_trade(11, 11, "3.0", "2", true, 1200, true));
  check.observe(kline_check_trade(12, 12, "1.5", "1", false, 1300, true));
  check.observe(kline_check_candle());
  EXPECT_EQ(check.finish()[0].verified, 1u);

  // One aggregate trade of ids 10..12 at one price cannot be this candle: its count holds, its
  // high and volumes do not.
  KlineTradeCheck merged;
  merged.observe(kline_check_trade(10, 12, "2.0", "4", false, 1100, true));
  merged.observe(kline_check_candle());
  const auto reports = merged.finish();
  EXPECT_EQ(reports[0].mismatched, 1u);
  ASSERT_EQ(reports[0].first_mismatches.size(), 1u);
  EXPECT_NE(reports[0].first_mismatches[0].find("high 3, the trades imply 2"), std::string::npos)
      << reports[0].first_mismatches[0];
  EXPECT_EQ(reports[0].first_mismatches[0].find("trade_count"), std::string::npos);
}

TEST(KlineTradeCheck, DifferencesAreNamedAndMissingTradesSkip) {
  KlineTradeCheck check;
  feed_kline_check_trades(check);
  check.observe(kline_check_candle("3.5", 4));
  const auto reports = check.finish();
  ASSERT_EQ(reports[0].mismatched, 1u);
  const std::string& why = reports[0].first_mismatches[0];
  EXPECT_NE(why.find("(open_time 1000): high 3.5, the trades imply 3"), std::string::npos) << why;
  EXPECT_NE(why.find("trade_count 4, the trades imply 3"), std::string::npos) << why;
  EXPECT_EQ(why.find("open "), std::string::npos) << "only what differs: " << why;

  KlineTradeCheck missing;
  missing.observe(kline_check_trade(10, 10, "2.0", "1", false, 1100));
  missing.observe(kline_check_trade(12, 12, "1.5", "1", false, 1300));
  missing.observe(kline_check_candle());
  ReplayItem empty = kline_check_candle();
  empty.kline.first_trade_id = empty.kline.last_trade_id = -1;
  missing.observe(empty);
  const auto skipped = missing.finish();
  EXPECT_EQ(skipped[0].closed, 2u);
  EXPECT_EQ(skipped[0].skipped, 2u);
  EXPECT_TRUE(skipped[0].consistent());
}

TEST(KlineTradeCheck, ATradeOutsideTheCandleIsAMismatch) {
  KlineTradeCheck check;
  check.observe(kline_check_trade(10, 10, "2.0", "1", false, 1100));
  check.observe(kline_check_trade(11, 11, "3.0", "2", true, 2100));
  check.observe(kline_check_trade(12, 12, "1.5", "1", false, 1300));
  check.observe(kline_check_candle());
  const auto reports = check.finish();
  ASSERT_EQ(reports[0].mismatched, 1u);
  EXPECT_NE(reports[0].first_mismatches[0].find("trade 11 at 2100 ms is outside the candle"),
            std::string::npos)
      << reports[0].first_mismatches[0];
}

}  // namespace
}  // namespace depthrec::replay
