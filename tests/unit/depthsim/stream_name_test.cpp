#include <gtest/gtest.h>

#include "stream_name.hpp"

namespace depthsim {
namespace {

TEST(StreamName, ParsesDiffPartialTickerAndSpeeds) {
  auto diff = parse_stream_name("btcusdt@depth@0ms", Market::usdm);
  ASSERT_TRUE(diff);
  EXPECT_EQ(diff->symbol, "BTCUSDT");
  EXPECT_EQ(diff->kind, StreamKind::diff_depth);
  EXPECT_EQ(diff->speed_ms, 0);

  auto plain = parse_stream_name("ethusdt@depth", Market::usdm);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->speed_ms, -1);

  auto partial = parse_stream_name("btcusdt@depth20@100ms", Market::usdm);
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->kind, StreamKind::partial_depth);
  EXPECT_EQ(partial->levels, 20);
  EXPECT_EQ(partial->speed_ms, 100);

  auto ticker = parse_stream_name("btcusd_perp@bookTicker", Market::coinm);
  ASSERT_TRUE(ticker);
  EXPECT_EQ(ticker->symbol, "BTCUSD_PERP");
  EXPECT_EQ(ticker->kind, StreamKind::book_ticker);
  EXPECT_TRUE(parse_stream_name("btcusdt@depth@1000ms", Market::spot));
  EXPECT_TRUE(parse_stream_name("btcusdt@trade", Market::spot));
}

TEST(StreamName, RejectsWhatBinanceWouldNotServe) {
  for (const char* bad : {"", "btcusdt", "BTCUSDT@depth", "btcusdt@depth@1ms", "btcusdt@depth15",
                          "btcusdt@depth5@", "btcusdt@bookticker", "btc/usdt@depth", "@depth",
                          "btcusdt@depth@100msx", "btcusdt@kline_1m"}) {
    EXPECT_FALSE(parse_stream_name(bad, Market::usdm)) << bad;
  }
  // Speeds differ by market.
  EXPECT_FALSE(parse_stream_name("btcusdt@depth@0ms", Market::spot));
  EXPECT_FALSE(parse_stream_name("btcusdt@depth@1000ms", Market::usdm));
}

}  // namespace
}  // namespace depthsim
