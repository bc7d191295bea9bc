#include "depthrec/market.hpp"

#include <gtest/gtest.h>

#include <set>

namespace depthrec {
namespace {

TEST(Market, ParsesAndNamesEveryMarket) {
  for (Market market : {Market::spot, Market::usdm, Market::coinm}) {
    EXPECT_EQ(parse_market(to_string(market)), market);
  }
  EXPECT_EQ(parse_market("usdm"), Market::usdm);
  EXPECT_FALSE(parse_market("USDM"));
  EXPECT_FALSE(parse_market(""));
  EXPECT_FALSE(parse_market("futures"));
  EXPECT_TRUE(has_prev_final_id(Market::usdm));
  EXPECT_TRUE(has_prev_final_id(Market::coinm));
  EXPECT_FALSE(has_prev_final_id(Market::spot));
}

TEST(Market, ValidSymbols) {
  for (const char* ok : {"BTCUSDT", "btcusdt", "BTCUSD_PERP", "1000PEPEUSDT", "A", "X-Y",
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"}) {
    EXPECT_TRUE(is_valid_symbol(ok)) << ok;
  }
  for (const char* bad : {"", "../x", "a/b", "BTC USDT", " BTCUSDT", "BTC.USDT", "BTC\\USDT",
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "BTC\nUSDT", "BTCÜSDT"}) {
    EXPECT_FALSE(is_valid_symbol(bad)) << bad;
  }
}

TEST(Market, CaseConversionIsAsciiOnly) {
  EXPECT_EQ(to_upper("btcUSDT_perp-1"), "BTCUSDT_PERP-1");
  EXPECT_EQ(to_lower("BTCusdt_PERP-1"), "btcusdt_perp-1");
  EXPECT_EQ(to_upper("\xc3\xa9"), "\xc3\xa9");
  EXPECT_EQ(to_lower(""), "");
}

TEST(Market, StreamKeysOrderAndCompare) {
  const StreamKey a{Market::spot, "BTCUSDT", "btcusdt@depth@100ms"};
  const StreamKey b{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"};
  const StreamKey c{Market::usdm, "BTCUSDT", "btcusdt@depth@0ms"};
  EXPECT_EQ(a, a);
  EXPECT_FALSE(a == b);
  EXPECT_LT(a, b);
  EXPECT_LT(c, b);
  std::set<StreamKey> keys{a, b, c, a};
  EXPECT_EQ(keys.size(), 3u);
}

}  // namespace
}  // namespace depthrec
