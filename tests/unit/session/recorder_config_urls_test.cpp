// The single-symbol recorder's URLs and weights now forward to the Binance venue
// (src/venues/binance/): byte for byte what they were before the venue seam.
#include <gtest/gtest.h>

#include "depthrec/recorder_config.hpp"

namespace depthrec {
namespace {

RecorderConfig config_for(Market market, const std::string& symbol, int levels,
                          const std::string& speed) {
  RecorderConfig config;
  config.market = market;
  config.symbol = symbol;
  config.depth_levels = levels;
  config.speed = speed;
  return config;
}

TEST(RecorderConfigUrls, StreamUrlsAreUnchanged) {
  RecorderConfig config = config_for(Market::usdm, "ETHUSDT", 5, "100ms");
  EXPECT_EQ(stream_url(config),
            "wss://fstream.binance.com/public/stream?streams=ethusdt@depth5@100ms");
  config.record_book_ticker = true;
  EXPECT_EQ(stream_url(config),
            "wss://fstream.binance.com/public/stream?streams=ethusdt@depth5@100ms/"
            "ethusdt@bookTicker");
  config = config_for(Market::spot, "btcusdt", 0, "");
  EXPECT_EQ(stream_url(config), "wss://stream.binance.com:9443/stream?streams=btcusdt@depth");
  config = config_for(Market::coinm, "BTCUSD_PERP", 0, "0ms");
  EXPECT_EQ(stream_url(config), "wss://dstream.binance.com/stream?streams=btcusd_perp@depth@0ms");
  // A user's endpoint is used as given: no route is added to it (the simulator serves both).
  config = config_for(Market::usdm, "BTCUSDT", 0, "0ms");
  config.ws_endpoint = "wss://127.0.0.1:9443//";
  EXPECT_EQ(stream_url(config), "wss://127.0.0.1:9443/stream?streams=btcusdt@depth@0ms");
}

TEST(RecorderConfigUrls, RestUrlsAndWeightsAreUnchanged) {
  RecorderConfig config = config_for(Market::usdm, "ethusdt", 0, "100ms");
  EXPECT_EQ(snapshot_url(config),
            "https://fapi.binance.com/fapi/v1/depth?symbol=ETHUSDT&limit=1000");
  EXPECT_EQ(server_time_url(config), "https://fapi.binance.com/fapi/v1/time");
  config.market = Market::spot;
  config.snapshot_limit = 5000;
  config.rest_endpoint = "https://127.0.0.1:9443/";
  EXPECT_EQ(snapshot_url(config), "https://127.0.0.1:9443/api/v3/depth?symbol=ETHUSDT&limit=5000");
  EXPECT_EQ(server_time_url(config), "https://127.0.0.1:9443/api/v3/time");
  config.market = Market::coinm;
  config.rest_endpoint.clear();
  EXPECT_EQ(server_time_url(config), "https://dapi.binance.com/dapi/v1/time");
  EXPECT_EQ(snapshot_weight(Market::spot, 5000), 250);
  EXPECT_EQ(snapshot_weight(Market::usdm, 1000), 20);
  EXPECT_EQ(validate(config),
            "invalid snapshot limit for futures: use 5, 10, 20, 50, 100, 500 or 1000");
  config.market = Market::spot;
  config.snapshot_limit = 5001;
  EXPECT_EQ(validate(config), "invalid snapshot limit for spot: use 1 to 5000");
}

}  // namespace
}  // namespace depthrec
