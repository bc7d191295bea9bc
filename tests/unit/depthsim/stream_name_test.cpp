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
                          "btcusdt@depth@100msx", "btcusdt@kline_7m", "btcusdt@kline_1s",
                          "btcusdt@kline_1M", "btcusdt@markprice", "btcusdt@markPrice@3s"}) {
    EXPECT_FALSE(parse_stream_name(bad, Market::usdm)) << bad;
  }
  // Speeds differ by market.
  EXPECT_FALSE(parse_stream_name("btcusdt@depth@0ms", Market::spot));
  EXPECT_FALSE(parse_stream_name("btcusdt@depth@1000ms", Market::usdm));
  EXPECT_FALSE(parse_stream_name("btcusdt@markPrice", Market::spot));
  EXPECT_FALSE(parse_stream_name("btcusdt@forceOrder", Market::spot));
}

TEST(StreamName, KlinesMarkPriceAndForceOrder) {
  const auto kline = parse_stream_name("btcusdt@kline_1s", Market::spot);
  ASSERT_TRUE(kline);
  EXPECT_EQ(kline->kind, StreamKind::kline);
  EXPECT_EQ(kline->interval, "1s");
  EXPECT_EQ(kline->interval_ms, 1000);
  const auto week = parse_stream_name("btcusdt@kline_1w", Market::usdm);
  ASSERT_TRUE(week);
  EXPECT_EQ(week->interval_ms, 604'800'000);
  const auto mark = parse_stream_name("btcusdt@markPrice@1s", Market::usdm);
  ASSERT_TRUE(mark);
  EXPECT_EQ(mark->kind, StreamKind::mark_price);
  EXPECT_EQ(mark->speed_ms, 1000);
  EXPECT_EQ(parse_stream_name("btcusd_perp@markPrice", Market::coinm)->speed_ms, 3000);
  EXPECT_EQ(parse_stream_name("btcusdt@forceOrder", Market::usdm)->kind, StreamKind::force_order);
}

}  // namespace
}  // namespace depthsim
