#include "venues/binance/binance_endpoints.hpp"

#include <gtest/gtest.h>

namespace depthrec::venues::binance {
namespace {

TEST(BinanceEndpoints, OnlyUsdmIsRoutedAndDepthAndBookTickerAreOnPublic) {
  for (ChannelKind kind :
       {ChannelKind::diff_depth, ChannelKind::partial_depth, ChannelKind::book_ticker}) {
    EXPECT_EQ(route_of(Market::usdm, kind), Route::public_data);
    EXPECT_EQ(route_of(Market::spot, kind), Route::unrouted);
    EXPECT_EQ(route_of(Market::coinm, kind), Route::unrouted);
  }
  EXPECT_EQ(route_path(Route::unrouted), "");
  EXPECT_EQ(route_path(Route::public_data), "/public");
  EXPECT_EQ(route_path(Route::market_data), "/market");
}

TEST(BinanceEndpoints, KlineMarkPriceAndForceOrderAreOnMarket) {
  for (ChannelKind kind : {ChannelKind::agg_trade, ChannelKind::kline, ChannelKind::mark_price,
                           ChannelKind::force_order}) {
    EXPECT_EQ(route_of(Market::usdm, kind), Route::market_data);
    EXPECT_EQ(route_of(Market::coinm, kind), Route::unrouted);
  }
  EXPECT_EQ(route_of(Market::usdm, ChannelKind::trade), Route::public_data);
}

TEST(BinanceEndpoints, RouteAnEndpointNames) {
  EXPECT_EQ(route_of_endpoint("wss://fstream.binance.com/public"), Route::public_data);
  EXPECT_EQ(route_of_endpoint("wss://fstream.binance.com/market/"), Route::market_data);
  EXPECT_EQ(route_of_endpoint("wss://fstream.binance.com"), std::nullopt);
  EXPECT_EQ(route_of_endpoint("wss://127.0.0.1:9443"), std::nullopt);
  EXPECT_EQ(route_of_endpoint(""), std::nullopt);
}

TEST(BinanceEndpoints, WebSocketBasesPerMarketAndRoute) {
  EXPECT_EQ(ws_base("", Market::usdm, Route::public_data), "wss://fstream.binance.com/public");
  EXPECT_EQ(ws_base("", Market::usdm, Route::market_data), "wss://fstream.binance.com/market");
  EXPECT_EQ(ws_base("", Market::spot, Route::unrouted), "wss://stream.binance.com:9443");
  EXPECT_EQ(ws_base("", Market::coinm, Route::unrouted), "wss://dstream.binance.com");
  // A simulator's endpoint gets the route's path, unless it names one already.
  EXPECT_EQ(ws_base("wss://127.0.0.1:9443/", Market::usdm, Route::public_data),
            "wss://127.0.0.1:9443/public");
  EXPECT_EQ(ws_base("wss://127.0.0.1:9443/public", Market::usdm, Route::public_data),
            "wss://127.0.0.1:9443/public");
  EXPECT_EQ(ws_base("wss://127.0.0.1:9443", Market::spot, Route::unrouted), "wss://127.0.0.1:9443");
}

TEST(BinanceEndpoints, ConnectionUrls) {
  EXPECT_EQ(
      combined_stream_url("wss://fstream.binance.com/public",
                          {"btcusdt@depth@100ms", "btcusdt@bookTicker"}),
      "wss://fstream.binance.com/public/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker");
  EXPECT_EQ(live_stream_url("wss://stream.binance.com:9443"),
            "wss://stream.binance.com:9443/stream");
}

TEST(BinanceEndpoints, RestPaths) {
  EXPECT_EQ(rest_path(Market::spot, RestEndpoint::depth), "/api/v3/depth");
  EXPECT_EQ(rest_path(Market::usdm, RestEndpoint::server_time), "/fapi/v1/time");
  EXPECT_EQ(rest_path(Market::coinm, RestEndpoint::exchange_info), "/dapi/v1/exchangeInfo");
  EXPECT_EQ(rest_url("", Market::spot, RestEndpoint::exchange_info),
            "https://api.binance.com/api/v3/exchangeInfo");
  EXPECT_EQ(rest_url("https://127.0.0.1:9443//", Market::usdm, RestEndpoint::exchange_info),
            "https://127.0.0.1:9443/fapi/v1/exchangeInfo");
  EXPECT_EQ(snapshot_url("", Market::coinm, "btcusd_perp", 1000),
            "https://dapi.binance.com/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000");
}

}  // namespace
}  // namespace depthrec::venues::binance
