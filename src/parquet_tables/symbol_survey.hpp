// The first pass over a recording: per (market, symbol) (BTCUSDT on spot and on USD-M are two
// instruments with their own ticks and lots), the decimal scales its prices and quantities need,
// so the second pass writes every value exactly with one type per column and file. A record's
// market is its own; a raw capture's frames do not say, so theirs is --market, else their
// symbol's depth events' shape.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "decimal_scale.hpp"
#include "depthrec/market.hpp"
#include "depthrec/replay_reader.hpp"

namespace depthrec::export_parquet {

struct SymbolFacts {
  DecimalNeeds price, quantity;
  DecimalNeeds quote;  // klines' quote volumes (price x quantity sums: their own scale)
  // markPrice's prices (mark, index, settle: finer than the tick) and funding rates, on their own
  // scales so that they do not widen the book's columns.
  DecimalNeeds mark_price, funding_rate;
};

// Adds what `item`'s prices, quantities, quote volumes, mark prices and funding rates need to
// `facts`: the survey's per-item step, also the live files' per-row check.
void add_item_needs(SymbolFacts& facts, const ReplayItem& item);

// An instrument: its market's name ("usdm", "spot", "coinm", "unknown") and symbol.
struct MarketSymbol {
  std::string market, symbol;
  friend bool operator<(const MarketSymbol& a, const MarketSymbol& b) {
    return std::tie(a.market, a.symbol) < std::tie(b.market, b.symbol);
  }
};

class SymbolSurvey {
 public:
  explicit SymbolSurvey(std::optional<Market> forced_market) : forced_market_(forced_market) {}

  void take(const ReplayItem& item);
  // After the pass: a snapshot body without a symbol (a raw capture's REST reply) belongs to the
  // recording's one depth symbol, if it has exactly one.
  void finish();

  // The instrument an item belongs to (symbol "" when none can be told); after finish().
  MarketSymbol instrument_of(const ReplayItem& item) const;
  const SymbolFacts* find(const MarketSymbol& instrument) const;
  const std::map<MarketSymbol, SymbolFacts>& instruments() const { return instruments_; }

 private:
  // Items without a market (raw captures), per symbol until finish() tells their market.
  struct Unmarked {
    std::optional<Market> market;  // from the first depth event's shape
    SymbolFacts facts;
  };
  std::string unmarked_market(const std::string& symbol) const;

  std::optional<Market> forced_market_;
  std::map<MarketSymbol, SymbolFacts> instruments_;
  std::map<std::string, Unmarked> unmarked_;
  std::map<std::string, Market> unmarked_markets_;  // finish()'s verdicts
  std::map<std::string, bool> depth_symbols_;
  SymbolFacts unnamed_snapshots_;
  bool has_unnamed_snapshots_ = false;
  std::string only_depth_symbol_;
};

}  // namespace depthrec::export_parquet
