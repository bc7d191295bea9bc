#include "venues/binance/binance_limits.hpp"

#include <gtest/gtest.h>

namespace depthrec::venues::binance {
namespace {

TEST(BinanceLimits, StreamsAndMessagesPerConnection) {
  const ConnectionLimits spot = connection_limits(Market::spot);
  EXPECT_EQ(spot.max_streams_per_connection, 1024u);
  EXPECT_EQ(spot.max_incoming_messages_per_second, 5);
  for (Market market : {Market::usdm, Market::coinm}) {
    EXPECT_EQ(connection_limits(market).max_streams_per_connection, 200u);
    EXPECT_EQ(connection_limits(market, 1024).max_streams_per_connection, 1024u);
    EXPECT_EQ(connection_limits(market).max_incoming_messages_per_second, 10);
  }
  // The futures setting does not move spot's documented limit.
  EXPECT_EQ(connection_limits(Market::spot, 50).max_streams_per_connection, 1024u);
  for (Market market : {Market::spot, Market::usdm, Market::coinm}) {
    EXPECT_EQ(connection_limits(market).max_new_connections, 300);
    EXPECT_EQ(connection_limits(market).new_connection_window, std::chrono::minutes(5));
  }
}

TEST(BinanceLimits, RestWeightsAndSharedFuturesBudget) {
  EXPECT_EQ(rest_weight_per_minute(Market::spot), 6000);
  EXPECT_EQ(rest_weight_per_minute(Market::usdm), 2400);
  EXPECT_EQ(rest_weight_per_minute(Market::coinm), 2400);
  EXPECT_EQ(weight_pool(Market::usdm), weight_pool(Market::coinm));
  EXPECT_NE(weight_pool(Market::usdm), weight_pool(Market::spot));

  EXPECT_EQ(snapshot_weight(Market::spot, 100), 5);
  EXPECT_EQ(snapshot_weight(Market::spot, 101), 25);
  EXPECT_EQ(snapshot_weight(Market::spot, 1000), 50);
  EXPECT_EQ(snapshot_weight(Market::spot, 5000), 250);
  EXPECT_EQ(snapshot_weight(Market::usdm, 50), 2);
  EXPECT_EQ(snapshot_weight(Market::usdm, 100), 5);
  EXPECT_EQ(snapshot_weight(Market::coinm, 500), 10);
  EXPECT_EQ(snapshot_weight(Market::usdm, 1000), 20);
  EXPECT_EQ(exchange_info_weight(Market::spot), 20);
  EXPECT_EQ(exchange_info_weight(Market::usdm), 1);
}

TEST(BinanceLimits, SnapshotLimits) {
  EXPECT_TRUE(is_valid_snapshot_limit(Market::spot, 1));
  EXPECT_TRUE(is_valid_snapshot_limit(Market::spot, 5000));
  EXPECT_FALSE(is_valid_snapshot_limit(Market::spot, 0));
  EXPECT_FALSE(is_valid_snapshot_limit(Market::spot, 5001));
  EXPECT_TRUE(is_valid_snapshot_limit(Market::usdm, 1000));
  EXPECT_FALSE(is_valid_snapshot_limit(Market::usdm, 999));
  EXPECT_FALSE(is_valid_snapshot_limit(Market::coinm, 5000));
}

}  // namespace
}  // namespace depthrec::venues::binance
