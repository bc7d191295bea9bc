// Resolving --symbols against exchangeInfo, and following exchangeInfo while running.
#include "venues/binance/symbol_resolution.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "exchange_info.hpp"  // depthsim's answer
#include "exchange_info_fixtures.hpp"

namespace depthrec::binance {
namespace {

struct Listed {
  const char* symbol;
  const char* status;
  const char* quote;
};

// An exchangeInfo of `market` listing these symbols (tick 0.01, step 0.001).
ExchangeInfo exchange(Market market, std::initializer_list<Listed> listed,
                      const char* tick = "0.01") {
  ExchangeInfo info;
  info.market = market;
  for (const Listed& s : listed) {
    SymbolInfo symbol{s.symbol, s.status, "BASE", s.quote, "", {}, {}};
    EXPECT_TRUE(parse_decimal(tick, symbol.tick_size));
    EXPECT_TRUE(parse_decimal("0.001", symbol.step_size));
    info.symbols.push_back(symbol);
  }
  return info;
}

SymbolSelection selection(std::string_view text, Market market = Market::usdm,
                          std::string_view quote = "", std::size_t max_symbols = 0) {
  SymbolSelection result;
  EXPECT_EQ(parse_symbol_selection(text, market, result), "");
  if (!quote.empty()) {
    EXPECT_EQ(parse_quote_assets(quote, result.quote_assets), "");
  }
  result.max_symbols = max_symbols;
  EXPECT_EQ(validate_selection(result), "");
  return result;
}

std::string names(const std::vector<ResolvedSymbol>& symbols) {
  std::string text;
  for (const ResolvedSymbol& s : symbols)
    text += (text.empty() ? "" : ",") + std::string(to_string(s.market)) + ":" + s.symbol;
  return text;
}

std::string problems(const Resolution& resolution) {
  std::string text;
  for (const SymbolProblem& p : resolution.problems)
    text += (text.empty() ? "" : "; ") + p.symbol + ": " + p.reason;
  return text;
}

const ExchangeInfo kUsdm = exchange(Market::usdm, {{"BTCUSDT", "TRADING", "USDT"},
                                                   {"ETHUSDT", "TRADING", "USDT"},
                                                   {"BTCUSDC", "TRADING", "USDC"},
                                                   {"LUNAUSDT", "SETTLING", "USDT"},
                                                   {"AAVEUSDT", "TRADING", "USDT"}});
const ExchangeInfo kSpot = exchange(
    Market::spot,
    {{"ETHBTC", "TRADING", "BTC"}, {"BTCUSDT", "TRADING", "USDT"}, {"OLDBUSD", "BREAK", "BUSD"}});

TEST(SymbolResolution, NamedSymbolsCheckedOneByOne) {
  const Resolution r = resolve_selection(selection("ETHUSDT,NOSUCHUSDT,LUNAUSDT,BTCUSDT"), {kUsdm});
  EXPECT_EQ(names(r.symbols), "usdm:BTCUSDT,usdm:ETHUSDT");  // the others go on
  EXPECT_EQ(problems(r), "NOSUCHUSDT: not listed on usdm; LUNAUSDT: status SETTLING, not TRADING");
  EXPECT_TRUE(r.symbols[0].named);
  EXPECT_EQ(to_string(r.symbols[0].tick_size), "0.01");  // each symbol's own precision
  EXPECT_EQ(to_string(r.symbols[0].step_size), "0.001");
}

TEST(SymbolResolution, AllTakesTheTradingSymbolsInOrder) {
  const Resolution r = resolve_selection(selection("ALL"), {kUsdm});
  EXPECT_EQ(names(r.symbols), "usdm:AAVEUSDT,usdm:BTCUSDC,usdm:BTCUSDT,usdm:ETHUSDT");
  EXPECT_EQ(problems(r), "");
  EXPECT_FALSE(r.symbols[0].named);
  EXPECT_NE(r.find(Market::usdm, "BTCUSDC"), nullptr);
  EXPECT_EQ(r.find(Market::usdm, "LUNAUSDT"), nullptr);
  EXPECT_EQ(r.find(Market::spot, "BTCUSDC"), nullptr);
}

TEST(SymbolResolution, AllFilteredByQuoteAndCapped) {
  EXPECT_EQ(names(resolve_selection(selection("ALL", Market::usdm, "USDT"), {kUsdm}).symbols),
            "usdm:AAVEUSDT,usdm:BTCUSDT,usdm:ETHUSDT");
  EXPECT_EQ(names(resolve_selection(selection("ALL", Market::usdm, "USDC,BTC"), {kUsdm}).symbols),
            "usdm:BTCUSDC");
  const Resolution capped = resolve_selection(selection("ALL", Market::usdm, "USDT", 2), {kUsdm});
  EXPECT_EQ(names(capped.symbols), "usdm:AAVEUSDT,usdm:BTCUSDT");
  EXPECT_EQ(capped.capped, 1u);
  // Named symbols are taken first; ALL fills the rest.
  const Resolution mixed =
      resolve_selection(selection("spot:ETHBTC,usdm:ALL", Market::usdm, "", 3), {kUsdm, kSpot});
  EXPECT_EQ(names(mixed.symbols), "spot:ETHBTC,usdm:AAVEUSDT,usdm:BTCUSDC");
  EXPECT_EQ(mixed.capped, 2u);
}

TEST(SymbolResolution, SeveralMarketsAndAMissingExchangeInfo) {
  const Resolution r =
      resolve_selection(selection("usdm:BTCUSDT,spot:ALL,coinm:BTCUSD_PERP"), {kSpot, kUsdm});
  EXPECT_EQ(names(r.symbols), "spot:BTCUSDT,spot:ETHBTC,usdm:BTCUSDT");
  EXPECT_EQ(problems(r), "BTCUSD_PERP: no exchangeInfo for coinm");
  EXPECT_EQ(problems(resolve_selection(selection("coinm:ALL"), {kSpot})),
            "ALL: no exchangeInfo for coinm");
}

TEST(SymbolResolution, NamesThatCannotBeFileNamesAreLeftOutOfAll) {
  ExchangeInfo info = kUsdm;
  info.symbols.push_back(
      SymbolInfo{"\xe5\xb8\x81\xe5\xae\x89USDT", "TRADING", "X", "USDT", "", {}, {}});
  info.symbols.push_back(SymbolInfo{"A/BUSDT", "TRADING", "X", "USDT", "", {}, {}});
  const Resolution r = resolve_selection(selection("ALL"), {info});
  EXPECT_EQ(r.symbols.size(), 4u);
  EXPECT_EQ(r.unsupported, 2u);
}

TEST(SymbolResolution, TheParsersAnswersResolve) {
  ExchangeInfo spot;
  ExchangeInfo usdm;
  ExchangeInfo coinm;
  ASSERT_EQ(parse_exchange_info(fixtures::kSpotAnswer, Market::spot, spot), "");
  ASSERT_EQ(parse_exchange_info(fixtures::kUsdmAnswer, Market::usdm, usdm), "");
  ASSERT_EQ(parse_exchange_info(fixtures::kCoinmAnswer, Market::coinm, coinm), "");
  const Resolution r = resolve_selection(
      selection("spot:ALL,usdm:ALL,coinm:ETHUSD_270326,coinm:BTCUSD_PERP", Market::usdm),
      {spot, usdm, coinm});
  EXPECT_EQ(names(r.symbols),
            "spot:ETHBTC,spot:PEPEUSDT,usdm:BTCUSDT,usdm:BTCUSDT_261225,coinm:BTCUSD_PERP");
  EXPECT_EQ(problems(r), "ETHUSD_270326: status PENDING_TRADING, not TRADING");
  EXPECT_EQ(to_string(r.find(Market::spot, "PEPEUSDT")->tick_size), "0.00000001");
}

// A whole market at depthsim's scale (issue 12's runs: thousands of symbols), in depthsim's shape.
TEST(SymbolResolution, AWholeMarketFromDepthsimsAnswer) {
  std::vector<std::string> names;
  for (int i = 0; i < 3000; ++i)
    names.push_back("S" + std::to_string(i) + (i % 3 ? "USDT" : "USDC"));
  const std::string body = depthsim::render_exchange_info(depthsim::Market::usdm, names, 1);
  ExchangeInfo info;
  ASSERT_EQ(parse_exchange_info(body, Market::usdm, info), "");
  ASSERT_EQ(info.symbols.size(), 3000u);
  EXPECT_EQ(resolve_selection(selection("ALL"), {info}).symbols.size(), 3000u);
  const Resolution usdt = resolve_selection(selection("ALL", Market::usdm, "USDT", 1500), {info});
  EXPECT_EQ(usdt.symbols.size(), 1500u);
  EXPECT_EQ(usdt.capped, 500u);
  EXPECT_EQ(usdt.symbols.front().symbol, "S1000USDT");  // by name: "S1000" < "S1USDT"
}

TEST(FollowExchangeInfo, NothingChangedNothingToDo) {
  const SymbolSelection all = selection("ALL");
  const Resolution now = resolve_selection(all, {kUsdm});
  const ExchangeInfoChanges changes = follow_exchange_info(all, now, {kUsdm});
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ(names(changes.next.symbols), names(now.symbols));
}

TEST(FollowExchangeInfo, ListingsDelistingsAndHalts) {
  const SymbolSelection all = selection("ALL", Market::usdm, "USDT");
  const Resolution now = resolve_selection(all, {kUsdm});
  const ExchangeInfo later = exchange(Market::usdm, {{"BTCUSDT", "TRADING", "USDT"},
                                                     {"ETHUSDT", "BREAK", "USDT"},
                                                     {"NEWUSDT", "TRADING", "USDT"},
                                                     {"NEWUSDC", "TRADING", "USDC"},
                                                     {"LUNAUSDT", "TRADING", "USDT"}});
  const ExchangeInfoChanges changes = follow_exchange_info(all, now, {later});
  EXPECT_EQ(names(changes.listed), "usdm:LUNAUSDT,usdm:NEWUSDT");  // USDC is filtered out
  ASSERT_EQ(changes.removed.size(), 2u);
  EXPECT_EQ(changes.removed[0].symbol.symbol, "AAVEUSDT");
  EXPECT_EQ(changes.removed[0].reason, "delisted");
  EXPECT_EQ(changes.removed[1].symbol.symbol, "ETHUSDT");
  EXPECT_EQ(changes.removed[1].reason, "halted (status BREAK)");
  EXPECT_EQ(names(changes.next.symbols), "usdm:BTCUSDT,usdm:LUNAUSDT,usdm:NEWUSDT");
}

TEST(FollowExchangeInfo, NamedSymbolsThatStopAndStartTrading) {
  const SymbolSelection named = selection("BTCUSDT,LUNAUSDT");
  const Resolution now = resolve_selection(named, {kUsdm});
  EXPECT_EQ(names(now.symbols), "usdm:BTCUSDT");
  const ExchangeInfo later = exchange(Market::usdm, {{"BTCUSDT", "BREAK", "USDT"},
                                                     {"LUNAUSDT", "TRADING", "USDT"},
                                                     {"NEWUSDT", "TRADING", "USDT"}});
  const ExchangeInfoChanges changes = follow_exchange_info(named, now, {later});
  EXPECT_EQ(names(changes.listed), "usdm:LUNAUSDT");  // named, trading again; NEWUSDT not named
  ASSERT_EQ(changes.removed.size(), 1u);
  EXPECT_TRUE(changes.removed[0].symbol.named);  // reported: the user asked for it by name
  EXPECT_EQ(changes.removed[0].reason, "halted (status BREAK)");
  EXPECT_EQ(problems(changes.next), "BTCUSDT: status BREAK, not TRADING");
}

TEST(FollowExchangeInfo, TheCapNeverSwapsARecordedSymbol) {
  const SymbolSelection capped = selection("ALL", Market::usdm, "", 2);
  const Resolution now = resolve_selection(capped, {kUsdm});
  EXPECT_EQ(names(now.symbols), "usdm:AAVEUSDT,usdm:BTCUSDC");
  ExchangeInfo later = kUsdm;
  later.symbols.push_back(SymbolInfo{"AAAUSDT", "TRADING", "AAA", "USDT", "", {}, {}});
  ExchangeInfoChanges changes = follow_exchange_info(capped, now, {later});
  EXPECT_TRUE(changes.empty());        // AAAUSDT sorts first, but there is no room
  EXPECT_EQ(changes.next.capped, 3u);  // AAAUSDT, BTCUSDT, ETHUSDT wait
  // A delisting makes room for the first waiting symbol.
  later.symbols.erase(later.symbols.begin() + 2);  // BTCUSDC
  changes = follow_exchange_info(capped, now, {later});
  EXPECT_EQ(names(changes.listed), "usdm:AAAUSDT");
  EXPECT_EQ(names(changes.next.symbols), "usdm:AAAUSDT,usdm:AAVEUSDT");
}

TEST(FollowExchangeInfo, RoomIsKeptForNamedSymbols) {
  const SymbolSelection mixed = selection("spot:OLDBUSD,usdm:ALL", Market::usdm, "", 3);
  const Resolution now = resolve_selection(mixed, {kUsdm, kSpot});
  EXPECT_EQ(now.symbols.size(), 2u);  // OLDBUSD is in BREAK; its place stays free
  ExchangeInfo spot = kSpot;
  spot.symbols[2].status = "TRADING";
  const ExchangeInfoChanges changes = follow_exchange_info(mixed, now, {kUsdm, spot});
  EXPECT_EQ(names(changes.listed), "spot:OLDBUSD");
  EXPECT_EQ(changes.next.symbols.size(), 3u);
}

TEST(FollowExchangeInfo, AFailedFetchKeepsItsMarketAsItIs) {
  const SymbolSelection both = selection("spot:ALL,usdm:ALL");
  const Resolution now = resolve_selection(both, {kUsdm, kSpot});
  const ExchangeInfo usdm_later = exchange(Market::usdm, {{"BTCUSDT", "TRADING", "USDT"}});
  const ExchangeInfoChanges changes = follow_exchange_info(both, now, {usdm_later});  // no spot
  EXPECT_EQ(changes.removed.size(), 3u);  // usdm's delistings only
  EXPECT_TRUE(changes.listed.empty());
  EXPECT_EQ(names(changes.next.symbols), "spot:BTCUSDT,spot:ETHBTC,usdm:BTCUSDT");
}

TEST(FollowExchangeInfo, ANewTickSizeIsReported) {
  const SymbolSelection one = selection("BTCUSDT");
  const Resolution now = resolve_selection(one, {kUsdm});
  const ExchangeInfo later = exchange(Market::usdm, {{"BTCUSDT", "TRADING", "USDT"}}, "0.1");
  const ExchangeInfoChanges changes = follow_exchange_info(one, now, {later});
  ASSERT_EQ(changes.retuned.size(), 1u);
  EXPECT_EQ(to_string(changes.retuned[0].tick_size), "0.1");
  EXPECT_EQ(to_string(changes.next.symbols[0].tick_size), "0.1");
}

}  // namespace
}  // namespace depthrec::binance
