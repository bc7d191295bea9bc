// A `--symbols` selection resolved against Binance's exchangeInfo, and followed while running.
// Named symbols that are not listed or not TRADING are problems, one per symbol (the others go on);
// ALL takes the TRADING symbols of its market that match --quote. The order is deterministic:
// by market, then symbol name. Following is the same resolution against a newer exchangeInfo that
// keeps what is recorded: --max-symbols never swaps a recorded symbol for a new one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/market.hpp"
#include "depthrec/symbol_selection.hpp"
#include "venues/binance/exchange_info.hpp"

namespace depthrec::binance {

struct ResolvedSymbol {
  Market market = Market::usdm;
  std::string symbol;
  Decimal tick_size;   // its price precision (PRICE_FILTER tickSize)
  Decimal step_size;   // its quantity precision (LOT_SIZE stepSize)
  bool named = false;  // named in --symbols (else taken by ALL)
};

// A selected symbol that cannot be recorded, and why ("not listed on usdm", "status BREAK, not
// TRADING", "no exchangeInfo for spot").
struct SymbolProblem {
  Market market = Market::usdm;
  std::string symbol;  // "ALL" for an ALL item whose market has no exchangeInfo
  std::string reason;
};

struct Resolution {
  std::vector<ResolvedSymbol> symbols;  // sorted by (market, symbol), unique
  std::vector<SymbolProblem>
      problems;                 // named symbols left out: a count for metrics, a log line each
  std::size_t capped = 0;       // ALL matches left out by --max-symbols
  std::size_t unsupported = 0;  // ALL matches whose name cannot be a file name (non-ASCII...)

  const ResolvedSymbol* find(Market market, std::string_view symbol) const;
};

// Resolves against the exchangeInfo of each market the selection needs (`infos`: one per market;
// a market without one is a problem for each of its items).
Resolution resolve_selection(const SymbolSelection& selection,
                             const std::vector<ExchangeInfo>& infos);

// A symbol the recording stops: "delisted" (no longer in exchangeInfo) or "halted (status BREAK)".
struct RemovedSymbol {
  ResolvedSymbol symbol;  // as it was recorded (named: a symbol the user asked for by name)
  std::string reason;
};

struct ExchangeInfoChanges {
  Resolution next;                      // what to record from now on
  std::vector<ResolvedSymbol> listed;   // new: subscribe (a new listing for ALL, or a named symbol
                                        // that trades again)
  std::vector<RemovedSymbol> removed;   // gone or halted: unsubscribe and close its files
  std::vector<ResolvedSymbol> retuned;  // still recorded, with a new tick or step size

  bool empty() const { return listed.empty() && removed.empty() && retuned.empty(); }
};

// The difference between what is recorded (`current`) and the resolution against `latest`.
// A market whose exchangeInfo is not in `latest` (a failed fetch) keeps its symbols as they are.
ExchangeInfoChanges follow_exchange_info(const SymbolSelection& selection,
                                         const Resolution& current,
                                         const std::vector<ExchangeInfo>& latest);

}  // namespace depthrec::binance
