#include "venues/binance/symbol_resolution.hpp"

#include <algorithm>
#include <tuple>

namespace depthrec::binance {
namespace {

const ExchangeInfo* info_of(const std::vector<ExchangeInfo>& infos, Market market) {
  for (const ExchangeInfo& info : infos) {
    if (info.market == market) return &info;
  }
  return nullptr;
}

bool before(const ResolvedSymbol& a, const ResolvedSymbol& b) {
  return std::tie(a.market, a.symbol) < std::tie(b.market, b.symbol);
}

bool quote_matches(const SymbolSelection& selection, const SymbolInfo& info) {
  const auto& quotes = selection.quote_assets;
  return quotes.empty() ||
         std::find(quotes.begin(), quotes.end(), info.quote_asset) != quotes.end();
}

ResolvedSymbol resolved(Market market, const SymbolInfo& info, bool named) {
  return ResolvedSymbol{market, info.symbol, info.tick_size, info.step_size, named};
}

// Every symbol the selection takes from `infos`, uncapped and sorted; named ones first marked.
Resolution candidates(const SymbolSelection& selection, const std::vector<ExchangeInfo>& infos) {
  Resolution result;
  for (const SelectionItem& item : selection.items) {
    const ExchangeInfo* info = info_of(infos, item.market);
    const std::string market_name(to_string(item.market));
    if (info == nullptr) {
      result.problems.push_back(SymbolProblem{item.market, item.is_all() ? "ALL" : item.symbol,
                                              "no exchangeInfo for " + market_name});
      continue;
    }
    if (!item.is_all()) {
      const SymbolInfo* symbol = info->find(item.symbol);
      if (symbol == nullptr) {
        result.problems.push_back({item.market, item.symbol, "not listed on " + market_name});
      } else if (!symbol->is_trading()) {
        result.problems.push_back(
            {item.market, item.symbol, "status " + symbol->status + ", not TRADING"});
      } else {
        result.symbols.push_back(resolved(item.market, *symbol, true));
      }
      continue;
    }
    for (const SymbolInfo& symbol : info->symbols) {
      if (!symbol.is_trading() || !quote_matches(selection, symbol)) continue;
      if (!is_valid_symbol(symbol.symbol)) {
        ++result.unsupported;  // it would become part of a file name
        continue;
      }
      result.symbols.push_back(resolved(item.market, symbol, false));
    }
  }
  std::sort(result.symbols.begin(), result.symbols.end(), before);
  return result;
}

// Why a recorded symbol is no longer taken.
std::string removal_reason(const ResolvedSymbol& symbol, const ExchangeInfo& info) {
  const SymbolInfo* listed = info.find(symbol.symbol);
  if (listed == nullptr) return "delisted";
  if (!listed->is_trading()) return "halted (status " + listed->status + ")";
  return "no longer selected";
}

}  // namespace

const ResolvedSymbol* Resolution::find(Market market, std::string_view symbol) const {
  const ResolvedSymbol key{market, std::string(symbol), {}, {}, false};
  const auto it = std::lower_bound(symbols.begin(), symbols.end(), key, before);
  return it != symbols.end() && it->market == market && it->symbol == symbol ? &*it : nullptr;
}

Resolution resolve_selection(const SymbolSelection& selection,
                             const std::vector<ExchangeInfo>& infos) {
  return follow_exchange_info(selection, Resolution{}, infos).next;
}

ExchangeInfoChanges follow_exchange_info(const SymbolSelection& selection,
                                         const Resolution& current,
                                         const std::vector<ExchangeInfo>& latest) {
  Resolution wanted = candidates(selection, latest);
  ExchangeInfoChanges changes;
  Resolution& next = changes.next;
  next.problems = std::move(wanted.problems);
  next.unsupported = wanted.unsupported;

  // What is recorded stays while it is still wanted (or while its market's list is unknown).
  std::vector<ResolvedSymbol> fresh;
  for (const ResolvedSymbol& symbol : current.symbols) {
    const ExchangeInfo* info = info_of(latest, symbol.market);
    if (info == nullptr) {
      next.symbols.push_back(symbol);
      continue;
    }
    const ResolvedSymbol* now = wanted.find(symbol.market, symbol.symbol);
    if (now == nullptr) {
      changes.removed.push_back(RemovedSymbol{symbol, removal_reason(symbol, *info)});
      continue;
    }
    ResolvedSymbol kept = *now;
    if (kept.tick_size != symbol.tick_size || kept.step_size != symbol.step_size)
      changes.retuned.push_back(kept);
    next.symbols.push_back(std::move(kept));
  }
  // New symbols: named ones always, then ALL's in order while there is room. Room is kept for
  // every named symbol (validate_selection: they alone fit in --max-symbols), so one that trades
  // again later never pushes the total over the cap.
  for (const ResolvedSymbol& symbol : wanted.symbols) {
    if (current.find(symbol.market, symbol.symbol) == nullptr) fresh.push_back(symbol);
  }
  const std::size_t named = selection.named_count();
  const std::size_t all_room = selection.max_symbols == 0      ? fresh.size() + next.symbols.size()
                               : selection.max_symbols > named ? selection.max_symbols - named
                                                               : 0;
  std::size_t all_taken = static_cast<std::size_t>(std::count_if(
      next.symbols.begin(), next.symbols.end(), [](const ResolvedSymbol& s) { return !s.named; }));
  for (ResolvedSymbol& symbol : fresh) {
    if (!symbol.named) {
      if (all_taken >= all_room) {
        ++next.capped;
        continue;
      }
      ++all_taken;
    }
    changes.listed.push_back(symbol);
    next.symbols.push_back(std::move(symbol));
  }
  std::sort(next.symbols.begin(), next.symbols.end(), before);
  std::sort(changes.listed.begin(), changes.listed.end(), before);
  return changes;
}

}  // namespace depthrec::binance
