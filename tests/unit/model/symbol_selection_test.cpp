// The --symbols grammar: names, per-symbol markets, ALL with --quote and --max-symbols, and the
// clear refusal of every selection that makes no sense.
#include "depthrec/symbol_selection.hpp"

#include <gtest/gtest.h>

#include <string>

namespace depthrec {
namespace {

SymbolSelection parsed(std::string_view text, Market market = Market::usdm) {
  SymbolSelection selection;
  const std::string error = parse_symbol_selection(text, market, selection);
  EXPECT_EQ(error, "") << text;
  return selection;
}

std::string refusal(std::string_view text, Market market = Market::usdm) {
  SymbolSelection selection;
  selection.items.push_back(SelectionItem{Market::spot, "OLD"});
  const std::string error = parse_symbol_selection(text, market, selection);
  EXPECT_TRUE(selection.items.empty()) << text;
  return error;
}

std::string items_of(const SymbolSelection& selection) {
  std::string text;
  for (const SelectionItem& item : selection.items)
    text += (text.empty() ? "" : ",") + to_string(item);
  return text;
}

TEST(SymbolSelection, NamesOnTheRunsMarket) {
  EXPECT_EQ(items_of(parsed("BTCUSDT,ETHUSDT")), "usdm:BTCUSDT,usdm:ETHUSDT");
  EXPECT_EQ(items_of(parsed("btcusdt, ethusdt ", Market::spot)), "spot:BTCUSDT,spot:ETHUSDT");
  EXPECT_EQ(items_of(parsed("BTCUSD_PERP", Market::coinm)), "coinm:BTCUSD_PERP");
  const SymbolSelection selection = parsed("ETHUSDT,BTCUSDT");
  EXPECT_EQ(selection.named_count(), 2u);
  EXPECT_FALSE(selection.has_all());
  EXPECT_EQ(validate_selection(selection), "");
}

TEST(SymbolSelection, PerSymbolMarkets) {
  const SymbolSelection selection = parsed("usdm:BTCUSDT,spot:ETHUSDT,BTCUSDT", Market::spot);
  EXPECT_EQ(items_of(selection), "usdm:BTCUSDT,spot:ETHUSDT,spot:BTCUSDT");
  EXPECT_EQ(selection.markets(), (std::vector<Market>{Market::spot, Market::usdm}));
  // The same name on two markets is two symbols.
  EXPECT_EQ(items_of(parsed("usdm:BTCUSDT,spot:BTCUSDT")), "usdm:BTCUSDT,spot:BTCUSDT");
}

TEST(SymbolSelection, AllWithFilters) {
  SymbolSelection selection = parsed("ALL");
  EXPECT_EQ(items_of(selection), "usdm:ALL");
  EXPECT_TRUE(selection.has_all());
  EXPECT_EQ(selection.named_count(), 0u);
  ASSERT_EQ(parse_quote_assets("usdt, USDC", selection.quote_assets), "");
  EXPECT_EQ(selection.quote_assets, (std::vector<std::string>{"USDT", "USDC"}));
  selection.max_symbols = 100;
  EXPECT_EQ(validate_selection(selection), "");
  EXPECT_EQ(items_of(parsed("usdm:ALL,spot:all,coinm:BTCUSD_PERP")),
            "usdm:ALL,spot:ALL,coinm:BTCUSD_PERP");
}

TEST(SymbolSelection, TheSeedsSymbolIsOneName) {
  const SymbolSelection seed = single_symbol_selection(Market::spot, "btcusdt");
  const SymbolSelection same = parsed("BTCUSDT", Market::spot);
  ASSERT_EQ(seed.items.size(), 1u);
  EXPECT_EQ(items_of(seed), items_of(same));
  EXPECT_EQ(validate_selection(seed), "");
}

TEST(SymbolSelection, NonsenseIsRefusedWithTheReason) {
  const auto refuses = [](std::string_view text, std::string_view expected) {
    const std::string error = refusal(text);
    EXPECT_NE(error.find(expected), std::string::npos)
        << "--symbols " << text << ": '" << error << "' lacks '" << expected << "'";
  };
  refuses("", "--symbols is empty");
  refuses("  ", "--symbols is empty");
  refuses("BTCUSDT,,ETHUSDT", "item 2 is empty");
  refuses("BTCUSDT,", "item 2 is empty");
  refuses(",BTCUSDT", "item 1 is empty");
  refuses("usdm:", "invalid symbol ''");
  refuses("BTC/USDT", "invalid symbol 'BTC/USDT'");
  refuses("../x", "invalid symbol '../x'");
  refuses(std::string(33, 'A'), "1-32 characters");
  refuses("margin:BTCUSDT", "unknown market 'margin' in 'margin:BTCUSDT': use spot, usdm or coinm");
  refuses("USDM:BTCUSDT", "unknown market 'USDM'");
  refuses(":BTCUSDT", "unknown market ''");
  refuses("BTCUSDT,ETHUSDT,btcusdt", "lists usdm:BTCUSDT twice");
  refuses("usdm:BTCUSDT,BTCUSDT", "lists usdm:BTCUSDT twice");
  refuses("ALL,all", "lists usdm:ALL twice");
  refuses("ALL,ETHUSDT", "both ALL and ETHUSDT on usdm");
  refuses("spot:ETHUSDT,spot:ALL", "both ALL and ETHUSDT on spot");
  refuses("spot:x:y", "invalid symbol 'x:y'");
}

TEST(SymbolSelection, PartsThatDoNotFitTogether) {
  SymbolSelection named = parsed("BTCUSDT,ETHUSDT,SOLUSDT");
  ASSERT_EQ(parse_quote_assets("USDT", named.quote_assets), "");
  EXPECT_NE(validate_selection(named).find("--quote filters ALL, and --symbols names no ALL"),
            std::string::npos);
  named.quote_assets.clear();
  named.max_symbols = 2;
  EXPECT_NE(validate_selection(named).find("names 3 symbols, more than --max-symbols 2"),
            std::string::npos);
  named.max_symbols = 3;
  EXPECT_EQ(validate_selection(named), "");
  EXPECT_EQ(validate_selection(SymbolSelection{}), "no symbol selected");

  std::vector<std::string> quotes{"OLD"};
  EXPECT_NE(parse_quote_assets("", quotes).find("invalid asset ''"), std::string::npos);
  EXPECT_TRUE(quotes.empty());
  EXPECT_NE(parse_quote_assets("USDT,usdt", quotes).find("lists USDT twice"), std::string::npos);
  EXPECT_NE(parse_quote_assets("US-DT", quotes).find("invalid asset 'US-DT'"), std::string::npos);
  EXPECT_NE(parse_quote_assets("USDT,", quotes).find("invalid asset ''"), std::string::npos);
}

}  // namespace
}  // namespace depthrec
