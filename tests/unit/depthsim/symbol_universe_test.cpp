// --symbol-count and --total-rate: real symbols first, synthetic ones distinct and seeded, and a
// Zipf-like spread of rates with a few hot symbols and a long quiet tail.
#include "symbol_universe.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

namespace depthsim {
namespace {

TEST(SymbolUniverse, ParsesCountsPerMarket) {
  std::string error;
  const auto counts = parse_symbol_counts("spot=1000,usdm=600,coinm=400", error);
  ASSERT_TRUE(counts) << error;
  ASSERT_EQ(counts->size(), 3u);
  EXPECT_EQ((*counts)[0].market, Market::spot);
  EXPECT_EQ((*counts)[0].count, 1000u);
  EXPECT_EQ((*counts)[2].market, Market::coinm);
  EXPECT_EQ((*counts)[2].count, 400u);
  for (const char* bad :
       {"", "spot", "spot=", "spot=0", "spot=x", "mars=3", "spot=1,spot=2", "spot=1000000"}) {
    EXPECT_FALSE(parse_symbol_counts(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(SymbolUniverse, RealSymbolsFirstThenDistinctSyntheticOnes) {
  const std::vector<std::string> spot = market_symbols(Market::spot, 1000, 7);
  ASSERT_EQ(spot.size(), 1000u);
  EXPECT_EQ(spot[0], "BTCUSDT");
  EXPECT_EQ(spot[1], "ETHUSDT");
  EXPECT_EQ(std::set<std::string>(spot.begin(), spot.end()).size(), 1000u);
  for (const std::string& symbol : spot) {
    EXPECT_TRUE(is_valid_symbol_name(symbol)) << symbol;
    EXPECT_EQ(symbol.substr(symbol.size() - 4), "USDT") << symbol;
  }
  const std::vector<std::string> coinm = market_symbols(Market::coinm, 400, 7);
  EXPECT_EQ(coinm[0], "BTCUSD_PERP");
  EXPECT_EQ(std::set<std::string>(coinm.begin(), coinm.end()).size(), 400u);
  // Deterministic for a seed, different for another.
  EXPECT_EQ(market_symbols(Market::spot, 1000, 7), spot);
  EXPECT_NE(market_symbols(Market::spot, 1000, 8), spot);
}

TEST(SymbolUniverse, ZipfRatesSumToTheTotalWithHotHeadAndQuietTail) {
  const std::vector<double> rates = zipf_rates(2000, 25000, 1.8);
  EXPECT_NEAR(std::accumulate(rates.begin(), rates.end(), 0.0), 25000, 1e-6);
  EXPECT_GT(rates[0], 500);  // a few hot symbols: hundreds of events/s
  EXPECT_LT(rates[0], 2000);
  EXPECT_GT(rates[9], 100);
  EXPECT_LT(rates[1999], 0.5);  // the tail: well under one event/s
  std::size_t quiet = 0;
  for (double rate : rates) quiet += rate < 1 ? 1 : 0;
  EXPECT_GT(quiet, 1000u);
  for (std::size_t i = 1; i < rates.size(); ++i) EXPECT_LE(rates[i], rates[i - 1]);
}

}  // namespace
}  // namespace depthsim
