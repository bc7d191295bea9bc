// exchangeInfo: what client libraries (ccxt's loadMarkets) read before they subscribe.
#include "exchange_info.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace depthsim {
namespace {

const rapidjson::Value* filter_of(const rapidjson::Value& symbol, const char* type) {
  for (const auto& filter : symbol["filters"].GetArray()) {
    if (std::string(filter["filterType"].GetString()) == type) return &filter;
  }
  return nullptr;
}

TEST(ExchangeInfo, PathsPerMarket) {
  EXPECT_EQ(exchange_info_rest_path(Market::spot), "/api/v3/exchangeInfo");
  EXPECT_EQ(exchange_info_rest_path(Market::usdm), "/fapi/v1/exchangeInfo");
  EXPECT_EQ(exchange_info_rest_path(Market::coinm), "/dapi/v1/exchangeInfo");
}

TEST(ExchangeInfo, BaseAndQuoteAssets) {
  const auto assets = [](Market market, const char* symbol) {
    const SymbolAssets a = symbol_assets(market, symbol);
    return a.base + "/" + a.quote;
  };
  EXPECT_EQ(assets(Market::spot, "BTCUSDT"), "BTC/USDT");
  EXPECT_EQ(assets(Market::spot, "ETHBTC"), "ETH/BTC");
  EXPECT_EQ(assets(Market::spot, "BTCFDUSD"), "BTC/FDUSD");
  EXPECT_EQ(assets(Market::usdm, "1000PEPEUSDC"), "1000PEPE/USDC");
  EXPECT_EQ(assets(Market::coinm, "BTCUSD_PERP"), "BTC/USD");
  EXPECT_EQ(assets(Market::spot, "ODDNAME"), "ODDNAME/USDT");  // no known quote
  EXPECT_EQ(assets(Market::spot, "USDT"), "USDT/USDT");        // a quote alone is no pair
}

// The filters carry the simulator's own grid, so prices it sends sit on the advertised tick.
TEST(ExchangeInfo, SymbolsWithTheSimulatorsGrid) {
  rapidjson::Document spot;
  spot.Parse(render_exchange_info(Market::spot, {"BTCUSDT", "ETHUSDT"}, 1700000000000).c_str());
  ASSERT_FALSE(spot.HasParseError());
  EXPECT_EQ(spot["serverTime"].GetInt64(), 1700000000000);
  ASSERT_EQ(spot["symbols"].Size(), 2u);
  const auto& btc = spot["symbols"][0];
  EXPECT_STREQ(btc["symbol"].GetString(), "BTCUSDT");
  EXPECT_STREQ(btc["status"].GetString(), "TRADING");
  EXPECT_STREQ(btc["baseAsset"].GetString(), "BTC");
  EXPECT_STREQ(btc["quoteAsset"].GetString(), "USDT");
  EXPECT_FALSE(btc.HasMember("contractType"));
  const SymbolSpec spec = symbol_spec(Market::spot, "BTCUSDT");
  ASSERT_NE(filter_of(btc, "PRICE_FILTER"), nullptr);
  EXPECT_EQ((*filter_of(btc, "PRICE_FILTER"))["tickSize"].GetString(),
            format_fixed(spec.tick, spec.price_decimals));
  ASSERT_NE(filter_of(btc, "LOT_SIZE"), nullptr);
  EXPECT_EQ((*filter_of(btc, "LOT_SIZE"))["stepSize"].GetString(),
            format_fixed(spec.qty_step, spec.qty_decimals));

  rapidjson::Document usdm;
  usdm.Parse(render_exchange_info(Market::usdm, {"BTCUSDT"}, 1).c_str());
  const auto& perp = usdm["symbols"][0];
  EXPECT_STREQ(perp["contractType"].GetString(), "PERPETUAL");
  EXPECT_STREQ(perp["marginAsset"].GetString(), "USDT");
  EXPECT_STREQ(perp["status"].GetString(), "TRADING");
  EXPECT_STREQ((*filter_of(perp, "PRICE_FILTER"))["tickSize"].GetString(), "0.10");

  rapidjson::Document coinm;
  coinm.Parse(render_exchange_info(Market::coinm, {"BTCUSD_PERP"}, 1).c_str());
  const auto& inverse = coinm["symbols"][0];
  EXPECT_STREQ(inverse["pair"].GetString(), "BTCUSD");
  EXPECT_STREQ(inverse["contractStatus"].GetString(), "TRADING");
  EXPECT_STREQ(inverse["marginAsset"].GetString(), "BTC");
}

}  // namespace
}  // namespace depthsim
