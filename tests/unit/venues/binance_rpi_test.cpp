// USD-M's RPI book (binance-protocol.md, "RPI book"): its stream name, that only USD-M offers it
// (at 500 ms), its route (/public), and its snapshot's path, limit and weight.
#include <gtest/gtest.h>

#include "venues/binance/binance_endpoints.hpp"
#include "venues/binance/binance_limits.hpp"
#include "venues/binance/binance_streams.hpp"

namespace depthrec::venues::binance {
namespace {

TEST(BinanceRpi, StreamNameAndKey) {
  EXPECT_EQ(stream_name("BTCUSDT", Channel::rpi_depth()), "btcusdt@rpiDepth@500ms");
  EXPECT_EQ(to_string(Channel::rpi_depth()), "rpiDepth@500ms");
  EXPECT_FALSE(is_event_channel(ChannelKind::rpi_depth));  // a book, synced like depth
  // A book of its own: the same symbol's depth key is another key.
  const SubscriptionKey rpi{Venue::binance, Market::usdm, "BTCUSDT", Channel::rpi_depth()};
  const SubscriptionKey depth{Venue::binance, Market::usdm, "BTCUSDT",
                              Channel::diff_depth(StreamSpeed::ms500)};
  EXPECT_NE(rpi, depth);
  EXPECT_NE(hash_value(rpi), hash_value(depth));
  EXPECT_EQ(to_string(rpi), "binance:usdm:BTCUSDT:rpiDepth@500ms");
}

TEST(BinanceRpi, OnlyUsdmOffersItAndOnlyAt500ms) {
  EXPECT_EQ(check_channel(Market::usdm, Channel::rpi_depth()), "");
  EXPECT_EQ(check_channel(Market::spot, Channel::rpi_depth()),
            "spot has no rpiDepth (the RPI book is USD-M only: rpiDepth@500ms)");
  EXPECT_EQ(check_channel(Market::coinm, Channel::rpi_depth()),
            "coinm has no rpiDepth (the RPI book is USD-M only: rpiDepth@500ms)");
  Channel other_speed = Channel::rpi_depth();
  other_speed.speed = StreamSpeed::ms100;
  EXPECT_EQ(check_channel(Market::usdm, other_speed),
            "the RPI book is pushed every 500 ms only (rpiDepth@500ms)");
  Channel with_levels = Channel::rpi_depth();
  with_levels.levels = 20;
  EXPECT_NE(check_channel(Market::usdm, with_levels), "");
}

TEST(BinanceRpi, RoutedOnPublicBesideTheNormalBook) {
  EXPECT_EQ(route_of(Market::usdm, ChannelKind::rpi_depth), Route::public_data);
  EXPECT_EQ(route_of(Market::usdm, ChannelKind::rpi_depth),
            route_of(Market::usdm, ChannelKind::diff_depth));
}

TEST(BinanceRpi, SnapshotPathLimitAndWeight) {
  EXPECT_EQ(rest_path(Market::usdm, RestEndpoint::rpi_depth), "/fapi/v1/rpiDepth");
  EXPECT_EQ(rpi_snapshot_url("", "btcusdt"),
            "https://fapi.binance.com/fapi/v1/rpiDepth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(rpi_snapshot_url("http://127.0.0.1:8080/", "ETHUSDT"),
            "http://127.0.0.1:8080/fapi/v1/rpiDepth?symbol=ETHUSDT&limit=1000");
  EXPECT_EQ(kRpiSnapshotLimit, 1000);
  // As much as the normal book's snapshot of 1000 levels, from the same futures pool.
  EXPECT_EQ(kRpiSnapshotWeight, 20);
  EXPECT_EQ(kRpiSnapshotWeight, snapshot_weight(Market::usdm, 1000));
}

}  // namespace
}  // namespace depthrec::venues::binance
