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

// A rpiDepth key's stream config: the RPI book's own stream and snapshot request (path, limit
// 1000 whatever --snapshot-limit says, weight 20), the same market endpoints as the depth key.
TEST(RecorderConfigUrls, RpiKeyRequestsTheRpiSnapshot) {
  RecorderConfig run = config_for(Market::usdm, "BTCUSDT", 0, "100ms");
  run.snapshot_limit = 500;
  run.market_rest_endpoints[static_cast<std::size_t>(Market::usdm)] = "http://127.0.0.1:9/";
  const SubscriptionKey rpi_key{Venue::binance, Market::usdm, "BTCUSDT", Channel::rpi_depth()};
  const RecorderConfig rpi = stream_config(run, rpi_key, false);
  EXPECT_TRUE(rpi.rpi_book);
  EXPECT_EQ(book_stream_name(rpi), "btcusdt@rpiDepth@500ms");
  EXPECT_EQ(snapshot_url(rpi), "http://127.0.0.1:9/fapi/v1/rpiDepth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(snapshot_weight(rpi), 20);
  EXPECT_EQ(validate(rpi), "");
  // The normal book of the same symbol keeps its own stream and snapshot.
  const SubscriptionKey depth_key{Venue::binance, Market::usdm, "BTCUSDT",
                                  Channel::diff_depth(StreamSpeed::ms100)};
  const RecorderConfig depth = stream_config(run, depth_key, false);
  EXPECT_FALSE(depth.rpi_book);
  EXPECT_EQ(book_stream_name(depth), "btcusdt@depth@100ms");
  EXPECT_EQ(snapshot_url(depth), "http://127.0.0.1:9/fapi/v1/depth?symbol=BTCUSDT&limit=500");
  EXPECT_EQ(snapshot_weight(depth), 10);
  // An RPI book anywhere but USD-M is refused.
  RecorderConfig spot = rpi;
  spot.market = Market::spot;
  EXPECT_NE(validate(spot).find("USD-M"), std::string::npos) << validate(spot);
}

}  // namespace
}  // namespace depthrec
