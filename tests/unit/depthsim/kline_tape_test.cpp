// KlineTape: candles from trades on the interval's grid, closed at the interval end (contiguous,
// empty ones carrying the last close), a suppressed candle for kline_skip, and the payload as
// Binance sends it (quote volumes exact, cut to 8 decimals).
#include <gtest/gtest.h>

#include "kline_tape.hpp"

namespace depthsim {
namespace {

TEST(KlineTape, AggregatesTradesAndClosesAtTheIntervalEnd) {
  KlineTape tape("1s", 1000);
  EXPECT_TRUE(tape.roll(10'500).empty());  // opens the candle of 10 000
  tape.add_trade(10'600, 6394390, 12, 7, true);
  tape.add_trade(10'700, 6394400, 3, 8, false);
  tape.add_trade(10'800, 6394380, 5, 9, true);
  EXPECT_TRUE(tape.roll(10'999).empty());
  const std::vector<Candle> closed = tape.roll(12'100);  // 10 000 and the empty 11 000
  ASSERT_EQ(closed.size(), 2u);
  const Candle& c = closed[0];
  EXPECT_EQ(c.open_ms, 10'000);
  EXPECT_EQ(c.close_ms, 10'999);
  EXPECT_EQ(c.open, 6394390);
  EXPECT_EQ(c.high, 6394400);
  EXPECT_EQ(c.low, 6394380);
  EXPECT_EQ(c.close, 6394380);
  EXPECT_EQ(c.base_volume, 20);
  EXPECT_EQ(c.taker_buy_base, 17);
  EXPECT_EQ(c.trade_count, 3u);
  EXPECT_EQ(c.first_trade_id, 7);
  EXPECT_EQ(c.last_trade_id, 9);
  const Candle& empty = closed[1];
  EXPECT_EQ(empty.open_ms, 11'000);
  EXPECT_EQ(empty.trade_count, 0u);
  EXPECT_EQ(empty.open, 6394380);  // the last close
  EXPECT_EQ(empty.first_trade_id, -1);
  EXPECT_EQ(tape.open_candle().open_ms, 12'000);
}

TEST(KlineTape, SkipNextSuppressesOneCandle) {
  KlineTape tape("1s", 1000);
  tape.roll(0);
  tape.skip_next();
  EXPECT_FALSE(tape.open_candle().suppressed);
  const std::vector<Candle> closed = tape.roll(2'500);
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_FALSE(closed[0].suppressed);
  EXPECT_TRUE(closed[1].suppressed);
  EXPECT_FALSE(tape.open_candle().suppressed);
}

TEST(KlineTape, RendersBinancesPayload) {
  SymbolSpec spec;
  spec.name = "BTCUSDT";
  spec.price_decimals = 2;
  spec.qty_decimals = 3;
  KlineTape tape("1m", 60'000);
  tape.roll(60'000);
  tape.add_trade(60'001, 6394390, 1500, 41, true);
  const std::string payload = render_kline(spec, "1m", tape.open_candle(), 60'002, false);
  EXPECT_EQ(payload,
            R"({"e":"kline","E":60002,"s":"BTCUSDT","k":{"t":60000,"T":119999,"s":"BTCUSDT",)"
            R"("i":"1m","f":41,"L":41,"o":"63943.90","c":"63943.90","h":"63943.90",)"
            R"("l":"63943.90","v":"1.500","n":1,"x":false,"q":"95915.85000","V":"1.500",)"
            R"("Q":"95915.85000","B":"0"}})");
}

}  // namespace
}  // namespace depthsim
