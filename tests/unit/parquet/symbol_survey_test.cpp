// The export's first pass (symbol_survey.hpp) keyed by (market, symbol): BTCUSDT on USD-M and on
// spot keep their own decimal scales and their own market, and a raw capture's items (no market)
// take --market or their symbol's depth shape.
#include "parquet_tables/symbol_survey.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace depthrec::export_parquet {
namespace {

Decimal survey_test_decimal(const char* text) {
  Decimal value;
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

ReplayItem survey_test_trade(std::optional<Market> market, const char* symbol, const char* price,
                             const char* quantity) {
  ReplayItem item;
  item.type = ReplayItemType::other;
  item.market = market;
  item.symbol = symbol;
  item.has_trade = true;
  item.trade.price = survey_test_decimal(price);
  item.trade.quantity = survey_test_decimal(quantity);
  return item;
}

ReplayItem survey_test_futures_diff(const char* symbol, const char* price, const char* quantity) {
  ReplayItem item;
  item.type = ReplayItemType::depth;
  item.symbol = symbol;
  item.depth.has_prev_final_id = true;  // `pu`: futures
  item.depth.bids.push_back({survey_test_decimal(price), survey_test_decimal(quantity)});
  return item;
}

// The survey of `items` in order, finished.
SymbolSurvey finished_survey(std::optional<Market> forced_market,
                             std::initializer_list<const ReplayItem*> items) {
  SymbolSurvey survey(forced_market);
  for (const ReplayItem* item : items) survey.take(*item);
  survey.finish();
  return survey;
}

TEST(SymbolSurvey, OneSymbolOnTwoMarketsKeepsEachMarketsScalesAndPartition) {
  const ReplayItem usdm = survey_test_trade(Market::usdm, "BTCUSDT", "63947.10", "0.123");
  const ReplayItem spot = survey_test_trade(Market::spot, "BTCUSDT", "63947.12", "0.12345");
  const SymbolSurvey survey = finished_survey(std::nullopt, {&usdm, &spot});

  EXPECT_EQ(survey.instrument_of(usdm).market, "usdm");
  EXPECT_EQ(survey.instrument_of(spot).market, "spot");
  EXPECT_EQ(survey.instrument_of(spot).symbol, "BTCUSDT");
  ASSERT_EQ(survey.instruments().size(), 2u);
  const SymbolFacts* usdm_facts = survey.find({"usdm", "BTCUSDT"});
  const SymbolFacts* spot_facts = survey.find({"spot", "BTCUSDT"});
  ASSERT_NE(usdm_facts, nullptr);
  ASSERT_NE(spot_facts, nullptr);
  EXPECT_EQ(usdm_facts->price.scale, 1);  // "63947.10" needs one fraction digit
  EXPECT_EQ(usdm_facts->quantity.scale, 3);
  EXPECT_EQ(spot_facts->price.scale, 2);
  EXPECT_EQ(spot_facts->quantity.scale, 5);
  EXPECT_EQ(survey.find({"coinm", "BTCUSDT"}), nullptr);
}

TEST(SymbolSurvey, ForcedMarketAppliesOnlyToItemsThatDoNotSayTheirs) {
  const ReplayItem recorded = survey_test_trade(Market::usdm, "BTCUSDT", "1.5", "2");
  const ReplayItem raw = survey_test_trade(std::nullopt, "BTCUSDT", "1.25", "2");
  const SymbolSurvey survey = finished_survey(Market::spot, {&recorded, &raw});
  EXPECT_EQ(survey.instrument_of(recorded).market, "usdm");
  EXPECT_EQ(survey.instrument_of(raw).market, "spot");
  ASSERT_NE(survey.find({"usdm", "BTCUSDT"}), nullptr);
  ASSERT_NE(survey.find({"spot", "BTCUSDT"}), nullptr);
  EXPECT_EQ(survey.find({"usdm", "BTCUSDT"})->price.scale, 1);
  EXPECT_EQ(survey.find({"spot", "BTCUSDT"})->price.scale, 2);
}

TEST(SymbolSurvey, RawCaptureTakesItsSymbolsMarketFromTheDepthShape) {
  const ReplayItem trade = survey_test_trade(std::nullopt, "ETHUSDT", "3000.5", "1");
  const ReplayItem diff = survey_test_futures_diff("ETHUSDT", "3000.25", "0.001");
  const ReplayItem undetected = survey_test_trade(std::nullopt, "XRPUSDT", "0.5", "1");
  // The trade comes before any depth event: its market is known only after the pass.
  const SymbolSurvey survey = finished_survey(std::nullopt, {&trade, &diff, &undetected});
  EXPECT_EQ(survey.instrument_of(trade).market, "usdm");
  EXPECT_EQ(survey.instrument_of(undetected).market, "unknown");
  const SymbolFacts* facts = survey.find({"usdm", "ETHUSDT"});
  ASSERT_NE(facts, nullptr);
  EXPECT_EQ(facts->price.scale, 2);
  EXPECT_EQ(facts->quantity.scale, 3);
}

}  // namespace
}  // namespace depthrec::export_parquet
