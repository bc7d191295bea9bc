#include <gtest/gtest.h>

#include <set>
#include <unordered_set>

#include "depthrec/subscription.hpp"

namespace depthrec {
namespace {

TEST(SubscriptionKey, ComparesOrdersHashesAndPrints) {
  const SubscriptionKey a{Venue::binance, Market::spot, "BTCUSDT",
                          Channel::diff_depth(StreamSpeed::ms100)};
  SubscriptionKey b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::hash<SubscriptionKey>{}(a), std::hash<SubscriptionKey>{}(b));
  b.channel = Channel::book_ticker();
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);  // same symbol: channels side by side, depth first
  SubscriptionKey c = a;
  c.market = Market::usdm;
  SubscriptionKey d = a;
  d.channel.speed = StreamSpeed::ms1000;
  SubscriptionKey e = a;
  e.channel = Channel::partial_depth(5, StreamSpeed::ms100);
  std::set<SubscriptionKey> ordered{a, b, c, d, e, a};
  std::unordered_set<SubscriptionKey> hashed{a, b, c, d, e, a};
  EXPECT_EQ(ordered.size(), 5u);
  EXPECT_EQ(hashed.size(), 5u);
  EXPECT_EQ(to_string(a), "binance:spot:BTCUSDT:depth@100ms");
  EXPECT_EQ(to_string(b), "binance:spot:BTCUSDT:bookTicker");
  EXPECT_EQ(to_string(e), "binance:spot:BTCUSDT:depth5@100ms");
  EXPECT_EQ(to_string(Channel::diff_depth(StreamSpeed::exchange_default)), "depth");
}

TEST(SubscriptionKey, SpeedsAndVenuesRoundTrip) {
  for (StreamSpeed speed : {StreamSpeed::exchange_default, StreamSpeed::ms0, StreamSpeed::ms100,
                            StreamSpeed::ms250, StreamSpeed::ms500, StreamSpeed::ms1000}) {
    EXPECT_EQ(parse_stream_speed(to_string(speed)), speed);
  }
  EXPECT_EQ(parse_stream_speed("10ms"), std::nullopt);
  EXPECT_EQ(parse_venue("binance"), Venue::binance);
  EXPECT_EQ(parse_venue("Binance"), std::nullopt);
  EXPECT_EQ(StreamId{3}, StreamId{3});
  EXPECT_LT(StreamId{2}, StreamId{3});
}

}  // namespace
}  // namespace depthrec
