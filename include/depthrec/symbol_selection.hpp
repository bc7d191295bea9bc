// What `--symbols` selects: named symbols (BTCUSDT,ETHUSDT), each on the run's --market or on its
// own (usdm:BTCUSDT,spot:ETHUSDT), and ALL of a market's TRADING symbols, optionally filtered by
// quote asset (--quote USDT) and capped (--max-symbols N). The seed's single --symbol is a
// selection of one name. Resolution against the exchange's list is the venue's (venues/binance/).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/market.hpp"

namespace depthrec {

struct SelectionItem {
  Market market = Market::usdm;
  std::string symbol;  // upper case; "" is ALL

  bool is_all() const { return symbol.empty(); }
};

struct SymbolSelection {
  std::vector<SelectionItem> items;       // in the order given, no two alike
  std::vector<std::string> quote_assets;  // filters ALL (upper case); empty: every quote asset
  std::size_t max_symbols = 0;            // at most this many symbols in all (0: no cap)

  bool has_all() const;
  std::size_t named_count() const;
  std::vector<Market> markets() const;  // each market the selection needs, in enum order
};

// The seed's --symbol: one name on `market`, exactly as `--symbols NAME --market MARKET`.
SymbolSelection single_symbol_selection(Market market, std::string_view symbol);

// Parses the --symbols text into `out.items`; items without a market prefix take
// `default_market`. Returns "" or a message naming the bad item: an empty list or item, an unknown
// market, an invalid symbol, a symbol (or ALL) twice on one market, ALL beside names of its market.
std::string parse_symbol_selection(std::string_view text, Market default_market,
                                   SymbolSelection& out);

// Parses --quote ("USDT" or "USDT,USDC") into `out` (upper case). Returns "" or what is wrong.
std::string parse_quote_assets(std::string_view text, std::vector<std::string>& out);

// The parts together: --quote filters ALL, so it needs an ALL; the named symbols alone must not be
// more than --max-symbols. Returns "" or what is wrong.
std::string validate_selection(const SymbolSelection& selection);

// "usdm:BTCUSDT", "spot:ALL": how messages name an item.
std::string to_string(const SelectionItem& item);

}  // namespace depthrec
