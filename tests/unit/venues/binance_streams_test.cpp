#include "venues/binance/binance_streams.hpp"

#include <gtest/gtest.h>

namespace depthrec::venues::binance {
namespace {

TEST(BinanceStreams, NamesEveryChannel) {
  EXPECT_EQ(stream_name("BTCUSDT", Channel::diff_depth(StreamSpeed::ms100)), "btcusdt@depth@100ms");
  EXPECT_EQ(stream_name("BTCUSDT", Channel::diff_depth(StreamSpeed::ms0)), "btcusdt@depth@0ms");
  EXPECT_EQ(stream_name("BTCUSDT", Channel::diff_depth(StreamSpeed::exchange_default)),
            "btcusdt@depth");
  EXPECT_EQ(stream_name("ETHUSDT", Channel::partial_depth(20, StreamSpeed::ms100)),
            "ethusdt@depth20@100ms");
  EXPECT_EQ(stream_name("BTCUSD_PERP", Channel::partial_depth(5, StreamSpeed::exchange_default)),
            "btcusd_perp@depth5");
  EXPECT_EQ(stream_name("1000SATSUSDT", Channel::book_ticker()), "1000satsusdt@bookTicker");
}

// The single-symbol recorder's names, unchanged since they forward to the venue.
TEST(BinanceStreams, LegacyNamesForwardUnchanged) {
  EXPECT_EQ(depth_stream_name("BTCUSDT", {0, "100ms"}), "btcusdt@depth@100ms");
  EXPECT_EQ(depth_stream_name("btcusdt", {0, "0ms"}), "btcusdt@depth@0ms");
  EXPECT_EQ(depth_stream_name("BTCUSDT", {0, ""}), "btcusdt@depth");
  EXPECT_EQ(depth_stream_name("BTCUSDT", {5, ""}), "btcusdt@depth5");
  EXPECT_EQ(depth_stream_name("ETHUSDT", {20, "100ms"}), "ethusdt@depth20@100ms");
  EXPECT_EQ(depth_stream_name("BTCUSD_PERP", {10, "500ms"}), "btcusd_perp@depth10@500ms");
  EXPECT_EQ(depth_stream_name("BTCUSDT", {0, "1000ms"}), "btcusdt@depth@1000ms");
  EXPECT_EQ(depth_stream_name("BTCUSDT", {0, "250ms"}), "btcusdt@depth@250ms");
  EXPECT_EQ(book_ticker_stream_name("BTCUSDT"), "btcusdt@bookTicker");
}

TEST(BinanceStreams, SymbolFormat) {
  for (const char* ok : {"BTCUSDT", "1000SATSUSDT", "BTCUSD_PERP", "BTCUSDT_250328", "A",
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"}) {
    EXPECT_TRUE(is_valid_symbol(ok)) << ok;
  }
  for (const char* bad : {"", "btcusdt", "BTC-USDT", "BTC/USDT", "../X", "BTC USDT",
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "BTC\nUSDT"}) {
    EXPECT_FALSE(is_valid_symbol(bad)) << bad;
  }
}

TEST(BinanceStreams, SpotOffersDiffAndPartialDepthAtDefault100msAnd1000msOnly) {
  for (StreamSpeed speed :
       {StreamSpeed::exchange_default, StreamSpeed::ms100, StreamSpeed::ms1000}) {
    EXPECT_EQ(check_channel(Market::spot, Channel::diff_depth(speed)), "") << to_string(speed);
    EXPECT_EQ(check_channel(Market::spot, Channel::partial_depth(10, speed)), "");
  }
  EXPECT_EQ(check_channel(Market::spot, Channel::diff_depth(StreamSpeed::ms0)),
            "spot has no diff depth at 0ms (spot: depth, depth@100ms, depth@1000ms)");
  EXPECT_NE(check_channel(Market::spot, Channel::diff_depth(StreamSpeed::ms250)), "");
  EXPECT_NE(check_channel(Market::spot, Channel::diff_depth(StreamSpeed::ms500)), "");
  EXPECT_EQ(check_channel(Market::spot, Channel::partial_depth(5, StreamSpeed::ms500)),
            "spot has no partial depth at 500ms (spot: depth5, depth5@100ms, depth5@1000ms)");
}

TEST(BinanceStreams, FuturesOfferDefault0ms100ms250ms500msButNot1000ms) {
  for (Market market : {Market::usdm, Market::coinm}) {
    for (StreamSpeed speed : {StreamSpeed::exchange_default, StreamSpeed::ms0, StreamSpeed::ms100,
                              StreamSpeed::ms250, StreamSpeed::ms500}) {
      EXPECT_EQ(check_channel(market, Channel::diff_depth(speed)), "") << to_string(speed);
    }
    EXPECT_EQ(check_channel(market, Channel::diff_depth(StreamSpeed::ms1000)),
              std::string(to_string(market)) + " has no diff depth at 1000ms (" +
                  std::string(to_string(market)) +
                  ": depth, depth@0ms, depth@100ms, depth@250ms, depth@500ms)");
    // 0 ms is a diff-stream speed only.
    EXPECT_NE(check_channel(market, Channel::partial_depth(20, StreamSpeed::ms0)), "");
    EXPECT_EQ(check_channel(market, Channel::partial_depth(20, StreamSpeed::ms500)), "");
  }
}

TEST(BinanceStreams, LevelsAndBookTickerShape) {
  EXPECT_EQ(check_channel(Market::usdm, Channel::partial_depth(7, StreamSpeed::ms100)),
            "partial depth has 5, 10 or 20 levels, not 7");
  EXPECT_NE(check_channel(Market::usdm, Channel{ChannelKind::diff_depth, 5, StreamSpeed::ms100}),
            "");
  for (Market market : {Market::spot, Market::usdm, Market::coinm}) {
    EXPECT_EQ(check_channel(market, Channel::book_ticker()), "");
    EXPECT_EQ(check_channel(market, Channel{ChannelKind::book_ticker, 0, StreamSpeed::ms100}),
              "bookTicker has no speed or levels");
  }
}

TEST(BinanceStreams, KlinesMarkPriceAndForceOrderByMarket) {
  EXPECT_EQ(stream_name("BTCUSDT", Channel::kline(KlineInterval::m1)), "btcusdt@kline_1m");
  EXPECT_EQ(stream_name("BTCUSDT", Channel::kline(KlineInterval::mo1)), "btcusdt@kline_1M");
  EXPECT_EQ(stream_name("BTCUSDT", Channel::mark_price(true)), "btcusdt@markPrice@1s");
  EXPECT_EQ(stream_name("BTCUSDT", Channel::mark_price(false)), "btcusdt@markPrice");
  EXPECT_EQ(stream_name("BTCUSDT", Channel::force_order()), "btcusdt@forceOrder");
  EXPECT_EQ(check_channel(Market::spot, Channel::kline(KlineInterval::s1)), "");
  EXPECT_EQ(check_channel(Market::usdm, Channel::kline(KlineInterval::s1)),
            "usdm has no kline_1s (spot only)");
  EXPECT_NE(check_channel(Market::usdm, Channel::kline(KlineInterval::none)), "");
  for (Market market : {Market::usdm, Market::coinm}) {
    EXPECT_EQ(check_channel(market, Channel::mark_price(true)), "");
    EXPECT_EQ(check_channel(market, Channel::force_order()), "");
  }
  EXPECT_EQ(check_channel(Market::spot, Channel::mark_price(false)),
            "spot has no markPrice (USD-M and COIN-M only)");
  EXPECT_EQ(check_channel(Market::spot, Channel::force_order()),
            "spot has no forceOrder (USD-M and COIN-M only)");
  Channel odd = Channel::mark_price(false);
  odd.speed = StreamSpeed::ms100;
  EXPECT_NE(check_channel(Market::usdm, odd), "");
}

}  // namespace
}  // namespace depthrec::venues::binance
