// Binance's exchangeInfo answer (/api/v3/exchangeInfo, /fapi/v1/exchangeInfo,
// /dapi/v1/exchangeInfo): the listed symbols with their status and their own price and quantity
// grids. The engine reads it to resolve `--symbols` (ALL, or names checked against the exchange)
// and re-reads it while running to follow listings and delistings. Pure parsing: the caller fetches
// the body.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/market.hpp"

namespace depthrec::binance {

struct SymbolInfo {
  std::string symbol;         // as listed, e.g. "BTCUSDT", "BTCUSD_PERP"
  std::string status;         // spot/USD-M "status", COIN-M "contractStatus": TRADING, BREAK, ...
  std::string base_asset;     // "BTC"
  std::string quote_asset;    // "USDT" (COIN-M: "USD")
  std::string contract_type;  // futures: PERPETUAL, CURRENT_QUARTER, ... ("" on spot)
  // PRICE_FILTER tickSize and LOT_SIZE stepSize: the symbol's own precision. Required of a TRADING
  // symbol; 0 when a symbol that does not trade omits them (or a tickSize of 0 disables the grid).
  Decimal tick_size;
  Decimal step_size;

  bool is_trading() const { return status == "TRADING"; }
  // Fractional digits of its prices and quantities (tick 0.01 -> 2, step 1 -> 0): the symbol's
  // own scale. -1 when the size is 0 (no grid).
  int price_scale() const { return scale_of(tick_size); }
  int quantity_scale() const { return scale_of(step_size); }
  static int scale_of(Decimal size);
};

struct ExchangeInfo {
  Market market = Market::usdm;
  std::vector<SymbolInfo> symbols;  // in the answer's order, names unique

  const SymbolInfo* find(std::string_view symbol) const;  // nullptr when not listed
};

// Bounds on what an answer may hold (each refused beyond, with a message naming the limit). Binance
// lists ~3,000 symbols over its three markets in answers of a few MB: the defaults leave ample
// room.
struct ExchangeInfoLimits {
  std::size_t max_answer_bytes = std::size_t{64} << 20;
  std::size_t max_symbols = 20'000;
  std::size_t max_string_bytes = 1024;  // any key or string value in the answer
  std::size_t max_nesting = 32;         // Binance's answer nests 5 deep (symbols[].filters[].x)
};

// Parses an answer into `out` (cleared first). Returns "" on success, else a message naming what is
// wrong (and where: "symbols[12] (BTCUSDT): ..."); on error `out.symbols` is empty, never a
// partial list. Unknown fields are ignored; Binance's error answer ({"code":..,"msg":..}) is an
// error naming its code and message. Refused: not JSON, over a limit, no "symbols" array, a symbol
// without name, status or assets, a field of the wrong type or read twice, a symbol listed twice, a
// TRADING symbol without PRICE_FILTER tickSize or LOT_SIZE stepSize, a size that is not a decimal.
std::string parse_exchange_info(std::string_view body, Market market, ExchangeInfo& out,
                                const ExchangeInfoLimits& limits = {});

}  // namespace depthrec::binance
