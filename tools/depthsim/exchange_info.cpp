#include "exchange_info.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>

namespace depthsim {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Binance's perpetual contracts carry this delivery date (2100-12-25).
constexpr std::int64_t kPerpetualDeliveryMs = 4133404800000;
constexpr std::int64_t kOnboardMs = 1569398400000;  // 2019-09-25, BTCUSDT's listing

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

void field(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void field(Writer& w, const char* key, std::int64_t value) {
  w.Key(key);
  w.Int64(value);
}

void filter(Writer& w, const char* type, const char* min_key, const char* max_key,
            const char* step_key, const std::string& step, const std::string& max) {
  w.StartObject();
  field(w, "filterType", type);
  field(w, min_key, step);
  field(w, max_key, max);
  field(w, step_key, step);
  w.EndObject();
}

void write_symbol(Writer& w, Market market, const std::string& symbol, bool halted) {
  const char* status = halted ? "BREAK" : "TRADING";
  const SymbolSpec spec = symbol_spec(market, symbol);
  const SymbolAssets assets = symbol_assets(market, symbol);
  const std::string tick = format_fixed(spec.tick, spec.price_decimals);
  const std::string step = format_fixed(spec.qty_step, spec.qty_decimals);
  w.StartObject();
  field(w, "symbol", symbol);
  if (market == Market::spot) {
    field(w, "status", status);
  } else {
    field(w, "pair", market == Market::coinm ? symbol.substr(0, symbol.find('_')) : symbol);
    field(w, "contractType", "PERPETUAL");
    field(w, "deliveryDate", kPerpetualDeliveryMs);
    field(w, "onboardDate", kOnboardMs);
    field(w, market == Market::coinm ? "contractStatus" : "status", status);
    if (market == Market::coinm) field(w, "contractSize", 100);
    field(w, "marginAsset", market == Market::coinm ? assets.base : assets.quote);
    field(w, "pricePrecision", spec.price_decimals);
    field(w, "quantityPrecision", spec.qty_decimals);
  }
  field(w, "baseAsset", assets.base);
  field(w, "quoteAsset", assets.quote);
  field(w, "baseAssetPrecision", 8);
  field(w, "quotePrecision", 8);
  w.Key("orderTypes");
  w.StartArray();
  w.String("LIMIT");
  w.String("MARKET");
  w.EndArray();
  if (market == Market::spot) {
    w.Key("isSpotTradingAllowed");
    w.Bool(true);
    w.Key("isMarginTradingAllowed");
    w.Bool(false);
    w.Key("permissionSets");
    w.StartArray();
    w.StartArray();
    w.String("SPOT");
    w.EndArray();
    w.EndArray();
  }
  w.Key("filters");
  w.StartArray();
  filter(w, "PRICE_FILTER", "minPrice", "maxPrice", "tickSize", tick,
         format_fixed(spec.start_price * 20, spec.price_decimals));
  filter(w, "LOT_SIZE", "minQty", "maxQty", "stepSize", step,
         format_fixed(spec.qty_step * 1'000'000'000, spec.qty_decimals));
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string_view exchange_info_rest_path(Market market) {
  switch (market) {
    case Market::usdm:
      return "/fapi/v1/exchangeInfo";
    case Market::coinm:
      return "/dapi/v1/exchangeInfo";
    case Market::spot:
      return "/api/v3/exchangeInfo";
  }
  return "/api/v3/exchangeInfo";
}

SymbolAssets symbol_assets(Market market, std::string_view symbol) {
  if (market == Market::coinm) {
    const std::string_view pair = symbol.substr(0, symbol.find('_'));
    if (ends_with(pair, "USD")) return {std::string(pair.substr(0, pair.size() - 3)), "USD"};
    return {std::string(pair), "USD"};
  }
  // The quote assets Binance lists most; none is a suffix of another listed after it.
  constexpr std::array<std::string_view, 9> kQuotes = {"FDUSD", "USDT", "USDC", "BUSD", "TUSD",
                                                       "BTC",   "ETH",  "BNB",  "EUR"};
  for (std::string_view quote : kQuotes) {
    if (ends_with(symbol, quote)) {
      return {std::string(symbol.substr(0, symbol.size() - quote.size())), std::string(quote)};
    }
  }
  return {std::string(symbol), "USDT"};
}

std::string render_exchange_info(Market market, const std::vector<std::string>& symbols,
                                 std::int64_t server_time_ms,
                                 const std::vector<std::string>& halted) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  field(w, "timezone", "UTC");
  field(w, "serverTime", server_time_ms);
  w.Key("rateLimits");
  w.StartArray();
  w.EndArray();
  w.Key("exchangeFilters");
  w.StartArray();
  w.EndArray();
  w.Key("symbols");
  w.StartArray();
  for (const std::string& symbol : symbols) {
    write_symbol(w, market, symbol,
                 std::find(halted.begin(), halted.end(), symbol) != halted.end());
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace depthsim
