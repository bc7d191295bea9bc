// KeyFilter: which streams a library consumer is given (recorder.hpp). By key, by book (market,
// symbol), in any case; empty: every stream; a name that matches no subscribed key is reported.
#include "depthrec/key_filter.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace depthrec {
namespace {

SubscriptionKey depth(Market market, const std::string& symbol) {
  return SubscriptionKey{Venue::binance, market, symbol, Channel::diff_depth(StreamSpeed::ms100)};
}

TEST(KeyFilter, EmptyIsEveryStream) {
  const KeyFilter all;
  EXPECT_TRUE(all.every_stream());
  EXPECT_TRUE(all.matches(depth(Market::spot, "ANY")));
  EXPECT_EQ(all.unmatched(std::vector<SubscriptionKey>{}), "");
}

TEST(KeyFilter, ByKeyOrByBookInAnyCase) {
  const KeyFilter books{{Market::usdm, "btcusdt"}, {Market::spot, "ETHUSDT"}};
  EXPECT_FALSE(books.every_stream());
  EXPECT_TRUE(books.matches(depth(Market::usdm, "BTCUSDT")));
  EXPECT_TRUE(books.matches(depth(Market::spot, "ETHUSDT")));
  EXPECT_FALSE(books.matches(depth(Market::spot, "BTCUSDT"))) << "another market's book";
  EXPECT_FALSE(books.matches(depth(Market::usdm, "ETHUSDT")));

  const KeyFilter keys{depth(Market::usdm, "solusdt")};
  EXPECT_TRUE(keys.matches(depth(Market::usdm, "SOLUSDT")));
  SubscriptionKey partial = depth(Market::usdm, "SOLUSDT");
  partial.channel = Channel::partial_depth(5, StreamSpeed::ms100);
  EXPECT_FALSE(keys.matches(partial)) << "a key names its channel";

  KeyFilter ticker;
  ticker.add(SubscriptionKey{Venue::binance, Market::usdm, "XRPUSDT", Channel::book_ticker()});
  EXPECT_TRUE(ticker.matches(depth(Market::usdm, "XRPUSDT"))) << "a bookTicker key names its book";
}

TEST(KeyFilter, NamesThatMatchNoSubscribedKeyAreReported) {
  const std::vector<SubscriptionKey> subscribed{depth(Market::usdm, "BTCUSDT"),
                                                depth(Market::usdm, "ETHUSDT")};
  EXPECT_EQ((KeyFilter{{Market::usdm, "ETHUSDT"}}.unmatched(subscribed)), "");
  EXPECT_EQ(
      (KeyFilter{{Market::usdm, "ETHUSDT"}, {Market::coinm, "BTCUSD_PERP"}}.unmatched(subscribed)),
      "coinm:BTCUSD_PERP");
  EXPECT_EQ(KeyFilter{depth(Market::spot, "BTCUSDT")}.unmatched(subscribed),
            "binance:spot:BTCUSDT:depth@100ms");
}

}  // namespace
}  // namespace depthrec
