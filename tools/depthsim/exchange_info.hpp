// GET exchangeInfo (/api/v3, /fapi/v1, /dapi/v1): the listed symbols with their price and quantity
// grids, in Binance's shape. Client libraries (ccxt's loadMarkets) read it before they subscribe;
// the filters' tick and step sizes are the simulator's own grid (symbol_spec), so a client that
// rounds to them sees the prices the simulator sends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "market_spec.hpp"

namespace depthsim {

// "/api/v3/exchangeInfo", "/fapi/v1/exchangeInfo", "/dapi/v1/exchangeInfo"
std::string_view exchange_info_rest_path(Market market);

// Base and quote assets of a symbol: a known quote suffix (BTCUSDT -> BTC, USDT), COIN-M's pair
// (BTCUSD_PERP -> BTC, USD); a symbol with no known quote is all base, quoted in USDT.
struct SymbolAssets {
  std::string base;
  std::string quote;
};
SymbolAssets symbol_assets(Market market, std::string_view symbol);

// `halted`: listed symbols whose status is BREAK (delisted at run time), the others TRADING.
std::string render_exchange_info(Market market, const std::vector<std::string>& symbols,
                                 std::int64_t server_time_ms,
                                 const std::vector<std::string>& halted = {});

}  // namespace depthsim
