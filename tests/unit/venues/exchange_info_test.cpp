// exchangeInfo parsing: the three markets' shapes, depthsim's own answer, and every way an answer
// can be wrong (each refused with a message naming what, never a partial list).
#include "venues/binance/exchange_info.hpp"

#include <gtest/gtest.h>

#include <string>

#include "exchange_info.hpp"  // depthsim's answer
#include "exchange_info_fixtures.hpp"

namespace depthrec::binance {
namespace {

using fixtures::kCoinmAnswer;
using fixtures::kSpotAnswer;
using fixtures::kUsdmAnswer;

Decimal dec(const char* text) {
  Decimal value;
  EXPECT_TRUE(parse_decimal(text, value)) << text;
  return value;
}

// Parses `body` into an ExchangeInfo that already holds a symbol, so a refusal is seen to leave
// no list behind (not even the old one).
std::string refusal(std::string_view body, Market market = Market::usdm,
                    const ExchangeInfoLimits& limits = {}) {
  ExchangeInfo info;
  info.symbols.push_back(SymbolInfo{"OLDUSDT", "TRADING", "OLD", "USDT", "", {}, {}});
  const std::string error = parse_exchange_info(body, market, info, limits);
  EXPECT_TRUE(info.symbols.empty()) << "a refused answer left symbols behind: " << error;
  return error;
}

TEST(ExchangeInfoParser, SpotShape) {
  ExchangeInfo info;
  ASSERT_EQ(parse_exchange_info(kSpotAnswer, Market::spot, info), "");
  EXPECT_EQ(info.market, Market::spot);
  ASSERT_EQ(info.symbols.size(), 3u);
  const SymbolInfo& eth = info.symbols[0];
  EXPECT_EQ(eth.symbol, "ETHBTC");
  EXPECT_EQ(eth.status, "TRADING");
  EXPECT_EQ(eth.base_asset, "ETH");
  EXPECT_EQ(eth.quote_asset, "BTC");
  EXPECT_EQ(eth.contract_type, "");
  EXPECT_EQ(eth.tick_size, dec("0.00001"));
  EXPECT_EQ(eth.step_size, dec("0.0001"));
  const SymbolInfo* pepe = info.find("PEPEUSDT");
  ASSERT_NE(pepe, nullptr);
  EXPECT_EQ(pepe->tick_size, dec("0.00000001"));  // each symbol its own precision
  EXPECT_EQ(pepe->step_size, dec("1"));
  EXPECT_EQ(pepe->price_scale(), 8);
  EXPECT_EQ(pepe->quantity_scale(), 0);
  EXPECT_EQ(eth.price_scale(), 5);
  EXPECT_EQ(eth.quantity_scale(), 4);
  EXPECT_EQ(SymbolInfo::scale_of(dec("10")), 0);
  EXPECT_EQ(SymbolInfo::scale_of(dec("0.5")), 1);
  EXPECT_EQ(SymbolInfo::scale_of(dec("0")), -1);
  const SymbolInfo* halted = info.find("LUNABUSD");
  ASSERT_NE(halted, nullptr);
  EXPECT_EQ(halted->status, "BREAK");
  EXPECT_FALSE(halted->is_trading());
  EXPECT_EQ(info.find("BTCUSDT"), nullptr);
}

TEST(ExchangeInfoParser, UsdmShape) {
  ExchangeInfo info;
  ASSERT_EQ(parse_exchange_info(kUsdmAnswer, Market::usdm, info), "");
  ASSERT_EQ(info.symbols.size(), 3u);
  EXPECT_EQ(info.symbols[0].symbol, "BTCUSDT");
  EXPECT_EQ(info.symbols[0].contract_type, "PERPETUAL");
  EXPECT_EQ(info.symbols[0].tick_size, dec("0.10"));  // filter keys in Binance's futures order
  EXPECT_EQ(info.symbols[0].step_size, dec("0.001"));
  EXPECT_EQ(info.symbols[1].symbol, "BTCUSDT_261225");
  EXPECT_EQ(info.symbols[1].contract_type, "CURRENT_QUARTER");
  EXPECT_EQ(info.symbols[2].status, "SETTLING");  // a delisted contract, without filters
  EXPECT_TRUE(info.symbols[2].tick_size.is_zero());
}

TEST(ExchangeInfoParser, CoinmShapeReadsContractStatus) {
  ExchangeInfo info;
  ASSERT_EQ(parse_exchange_info(kCoinmAnswer, Market::coinm, info), "");
  ASSERT_EQ(info.symbols.size(), 2u);
  EXPECT_EQ(info.symbols[0].symbol, "BTCUSD_PERP");
  EXPECT_EQ(info.symbols[0].status, "TRADING");
  EXPECT_EQ(info.symbols[0].base_asset, "BTC");
  EXPECT_EQ(info.symbols[0].quote_asset, "USD");
  EXPECT_EQ(info.symbols[0].tick_size, dec("0.1"));
  EXPECT_EQ(info.symbols[0].step_size, dec("1"));
  EXPECT_EQ(info.symbols[1].status, "PENDING_TRADING");
}

TEST(ExchangeInfoParser, DepthsimsOwnAnswerForEveryMarket) {
  const std::vector<std::string> names[] = {{"BTCUSDT", "ETHUSDT", "SOLUSDT", "PEPEUSDT"},
                                            {"BTCUSD_PERP", "ETHUSD_PERP"},
                                            {"BTCUSDT", "ETHBTC", "BTCFDUSD"}};
  const depthsim::Market sim_markets[] = {depthsim::Market::usdm, depthsim::Market::coinm,
                                          depthsim::Market::spot};
  const Market markets[] = {Market::usdm, Market::coinm, Market::spot};
  for (int m = 0; m < 3; ++m) {
    const std::string body =
        depthsim::render_exchange_info(sim_markets[m], names[m], 1700000000000);
    ExchangeInfo info;
    ASSERT_EQ(parse_exchange_info(body, markets[m], info), "") << body;
    ASSERT_EQ(info.symbols.size(), names[m].size());
    for (std::size_t i = 0; i < names[m].size(); ++i) {
      const SymbolInfo& symbol = info.symbols[i];
      const depthsim::SymbolSpec spec = depthsim::symbol_spec(sim_markets[m], names[m][i]);
      const depthsim::SymbolAssets assets = depthsim::symbol_assets(sim_markets[m], names[m][i]);
      EXPECT_EQ(symbol.symbol, names[m][i]);
      EXPECT_TRUE(symbol.is_trading());
      EXPECT_EQ(symbol.base_asset, assets.base);
      EXPECT_EQ(symbol.quote_asset, assets.quote);
      EXPECT_EQ(symbol.contract_type, markets[m] == Market::spot ? "" : "PERPETUAL");
      EXPECT_EQ(symbol.tick_size,
                dec(depthsim::format_fixed(spec.tick, spec.price_decimals).c_str()));
      EXPECT_EQ(symbol.step_size,
                dec(depthsim::format_fixed(spec.qty_step, spec.qty_decimals).c_str()));
    }
  }
}

TEST(ExchangeInfoParser, UnknownFieldsOfEveryKindAreIgnored) {
  ExchangeInfo info;
  const std::string body =
      R"({"x":[[{"y":null}]],"symbols":[{"z":{"a":[1,2.5,true,-3,18446744073709551615]},)"
      R"("symbol":"AUSDT","status":"TRADING","baseAsset":"A","quoteAsset":"USDT",)"
      R"("filters":[{"filterType":"MARKET_LOT_SIZE","stepSize":"7"},{"filterType":"PERCENT_PRICE"},)"
      R"({"stepSize":"0.01","filterType":"LOT_SIZE","maxQty":"9"},)"
      R"({"tickSize":"0.5","filterType":"PRICE_FILTER"}],"extra":"\u00e9"}],"timezone":"UTC"})";
  ASSERT_EQ(parse_exchange_info(body, Market::spot, info), "");
  ASSERT_EQ(info.symbols.size(), 1u);
  EXPECT_EQ(info.symbols[0].step_size, dec("0.01"));  // LOT_SIZE's, not MARKET_LOT_SIZE's
  EXPECT_EQ(info.symbols[0].tick_size, dec("0.5"));
}

TEST(ExchangeInfoParser, EveryTruncationIsRefused) {
  const std::string body = kUsdmAnswer;
  for (std::size_t length = 0; length < body.size(); ++length) {
    const std::string error = refusal(body.substr(0, length));
    EXPECT_NE(error, "") << "accepted a truncated answer of " << length << " bytes";
  }
}

TEST(ExchangeInfoParser, MalformedAnswersNameTheProblem) {
  const auto refuses = [](std::string_view body, std::string_view expected,
                          Market market = Market::usdm) {
    const std::string error = refusal(body, market);
    EXPECT_NE(error.find(expected), std::string::npos)
        << "answer " << body << "\n  error '" << error << "' lacks '" << expected << "'";
  };
  refuses("", "not valid JSON at byte 0");
  refuses("{\"symbols\":[]} x", "not valid JSON");
  refuses("[]", "answer is an array, not a JSON object");
  refuses("\"symbols\"", "answer is a string, not a JSON object");
  refuses("{}", "no \"symbols\" array");
  refuses(R"({"symbols":[]})", "lists no symbol");
  refuses(R"({"symbols":{}})", "\"symbols\" is an object, not an array");
  refuses(R"({"symbols":"BTCUSDT"})", "\"symbols\" is a string, not an array");
  refuses(R"({"symbols":[],"symbols":[]})", "\"symbols\" appears twice");
  refuses(R"({"symbols":[["BTCUSDT"]]})", "symbols[0] is an array, not an object");
  refuses(R"({"symbols":[5]})", "symbols[0] is a number, not an object");
  refuses(R"({"symbols":[{"symbol":5}]})", "symbols[0]: \"symbol\" is a number, not a string");
  refuses(R"({"symbols":[{"symbol":"X","status":null}]})",
          "symbols[0] (X): \"status\" is null, not a string");
  refuses(R"({"symbols":[{"symbol":"X","status":"TRADING","status":"BREAK"}]})",
          "symbols[0] (X): \"status\" appears twice");
  refuses(R"({"symbols":[{"symbol":"X","filters":{}}]})",
          "symbols[0] (X): \"filters\" is an object, not an array");
  refuses(R"({"symbols":[{"symbol":"X","filters":["PRICE_FILTER"]}]})",
          "symbols[0] (X) filters[0] is a string, not an object");
  refuses(R"({"symbols":[{"symbol":"X","filters":[{"filterType":"LOT_SIZE","stepSize":1}]}]})",
          "symbols[0] (X) filters[0]: \"stepSize\" is a number, not a string");
  refuses(R"({"symbols":[{"status":"TRADING","baseAsset":"A","quoteAsset":"B"}]})",
          "symbols[0]: no \"symbol\"");
  refuses(R"({"symbols":[{"symbol":"X","baseAsset":"A","quoteAsset":"B"}]})",
          "symbols[0] (X): no \"status\"");
  refuses(R"({"symbols":[{"symbol":"X","status":"BREAK","quoteAsset":"B"}]})",
          "symbols[0] (X): no \"baseAsset\"");
  refuses(R"({"symbols":[{"symbol":"X","status":"BREAK","baseAsset":"A"}]})",
          "symbols[0] (X): no \"quoteAsset\"");
  refuses(R"({"code":-1003,"msg":"Way too much request weight used."})",
          "the exchange answered an error: code -1003 \"Way too much request weight used.\"");
  refuses(R"({"code":"x"})", "\"code\" is a string, not an integer");
  refuses("{\"symbols\":[{\"symbol\":\"A\xff\"}]}", "not valid JSON");  // invalid UTF-8
}

std::string one_symbol(std::string_view status, std::string_view filters) {
  return std::string(R"({"symbols":[{"symbol":"AUSDT","status":")") + std::string(status) +
         R"(","baseAsset":"A","quoteAsset":"USDT","filters":[)" + std::string(filters) + "]}]}";
}

TEST(ExchangeInfoParser, ATradingSymbolNeedsItsPrecision) {
  const char* tick = R"({"filterType":"PRICE_FILTER","tickSize":"0.01"})";
  const char* step = R"({"filterType":"LOT_SIZE","stepSize":"0.1"})";
  const std::string both = std::string(tick) + "," + step;
  ExchangeInfo info;
  EXPECT_EQ(parse_exchange_info(one_symbol("TRADING", both), Market::spot, info), "");
  EXPECT_NE(refusal(one_symbol("TRADING", step)).find("TRADING without a PRICE_FILTER tickSize"),
            std::string::npos);
  EXPECT_NE(refusal(one_symbol("TRADING", tick)).find("TRADING without a LOT_SIZE stepSize"),
            std::string::npos);
  EXPECT_NE(refusal(one_symbol("TRADING", R"({"filterType":"PRICE_FILTER"},)" + std::string(step)))
                .find("filters[0]: PRICE_FILTER without \"tickSize\""),
            std::string::npos);
  EXPECT_NE(refusal(one_symbol("TRADING", both + "," + tick)).find("two PRICE_FILTER filters"),
            std::string::npos);
  EXPECT_NE(refusal(one_symbol("TRADING",
                               std::string(tick) + R"(,{"filterType":"LOT_SIZE","stepSize":"0"})"))
                .find("stepSize of 0"),
            std::string::npos);
  // A tick of 0 disables Binance's price grid: accepted, held as 0.
  ASSERT_EQ(
      parse_exchange_info(one_symbol("TRADING", R"({"filterType":"PRICE_FILTER","tickSize":"0"},)" +
                                                    std::string(step)),
                          Market::spot, info),
      "");
  EXPECT_TRUE(info.symbols[0].tick_size.is_zero());
  // A symbol that does not trade may come without filters.
  ASSERT_EQ(parse_exchange_info(one_symbol("BREAK", ""), Market::spot, info), "");
  EXPECT_TRUE(info.symbols[0].step_size.is_zero());
}

TEST(ExchangeInfoParser, SizesThatAreNotDecimalsAreRefused) {
  // 99999999999999 is a decimal since quantities widened (issue 12), but no book price.
  for (const char* size :
       {"", "abc", "-0.1", "1e-8", "0.000000001", "99999999999999", "123456789012345678901"}) {
    const std::string filters = std::string(R"({"filterType":"PRICE_FILTER","tickSize":")") + size +
                                R"("},{"filterType":"LOT_SIZE","stepSize":"1"})";
    const std::string error = refusal(one_symbol("TRADING", filters), Market::spot);
    EXPECT_NE(error, "") << "tickSize '" << size << "' accepted";
  }
  EXPECT_NE(refusal(one_symbol("TRADING", R"({"filterType":"PRICE_FILTER","tickSize":"1"},)"
                                          R"({"filterType":"LOT_SIZE","stepSize":"1.2.3"})"))
                .find("stepSize \"1.2.3\" is not a decimal"),
            std::string::npos);
}

TEST(ExchangeInfoParser, ASymbolListedTwiceIsRefused) {
  const std::string symbol =
      R"({"symbol":"AUSDT","status":"BREAK","baseAsset":"A","quoteAsset":"USDT"})";
  const std::string other =
      R"({"symbol":"BUSDT","status":"BREAK","baseAsset":"B","quoteAsset":"USDT"})";
  EXPECT_NE(refusal("{\"symbols\":[" + symbol + "," + other + "," + symbol + "]}")
                .find("symbol AUSDT is listed twice"),
            std::string::npos);
}

TEST(ExchangeInfoParser, LimitsAreEnforcedAndNamed) {
  const std::string body = kSpotAnswer;
  ExchangeInfoLimits limits;
  limits.max_answer_bytes = body.size() - 1;
  EXPECT_NE(refusal(body, Market::spot, limits).find("more than the limit of"), std::string::npos);
  limits.max_answer_bytes = body.size();
  ExchangeInfo info;
  EXPECT_EQ(parse_exchange_info(body, Market::spot, info, limits), "");

  // The default bound: an answer over 64 MiB is refused before it is read.
  const std::string huge((std::size_t{64} << 20) + 1, ' ');
  EXPECT_NE(refusal(huge).find("answer of 67108865 bytes, more than the limit of 67108864"),
            std::string::npos);

  limits.max_symbols = 2;
  EXPECT_NE(refusal(body, Market::spot, limits).find("more than 2 symbols"), std::string::npos);
  limits.max_symbols = 3;
  EXPECT_EQ(parse_exchange_info(body, Market::spot, info, limits), "");

  const std::string long_name = std::string(R"({"symbols":[{"symbol":")") + std::string(2000, 'A');
  EXPECT_NE(refusal(long_name + "\"}]}").find("a string of 2000 bytes"), std::string::npos);
  const std::string long_key = "{\"" + std::string(5000, 'k') + "\":1}";
  EXPECT_NE(refusal(long_key).find("a key of 5000 bytes"), std::string::npos);

  std::string deep = R"({"symbols":[{"x":)";
  for (int i = 0; i < 100'000; ++i) deep += '[';  // no recursion: refused, not a stack overflow
  EXPECT_NE(refusal(deep).find("nested deeper than 32 levels"), std::string::npos);
}

TEST(ExchangeInfoParser, ManySymbolsWellBeyondBinancesCount) {
  std::string body = R"({"symbols":[)";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) body += ',';
    body += R"({"symbol":"S)" + std::to_string(i) +
            R"(USDT","status":"TRADING","baseAsset":"S","quoteAsset":"USDT","filters":[)"
            R"({"filterType":"PRICE_FILTER","tickSize":"0.0001"},)"
            R"({"filterType":"LOT_SIZE","stepSize":"1"}]})";
  }
  body += "]}";
  ExchangeInfo info;
  ASSERT_EQ(parse_exchange_info(body, Market::usdm, info), "");
  EXPECT_EQ(info.symbols.size(), 5000u);
}

}  // namespace
}  // namespace depthrec::binance
