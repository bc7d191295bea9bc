// The first pass over a recording: per symbol, its market (as recorded, or told by the events'
// shape for a raw capture, which does not say) and the decimal scales its prices and quantities
// need, so the second pass writes every value exactly with one type per column and file.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "decimal_scale.hpp"
#include "depthrec/market.hpp"
#include "depthrec/replay_reader.hpp"

namespace depthrec::export_parquet {

struct SymbolFacts {
  std::optional<Market> market;
  DecimalNeeds price, quantity;
  DecimalNeeds quote;  // klines' quote volumes (price x quantity sums: their own scale)
  // markPrice's prices (mark, index, settle: finer than the tick) and funding rates, on their own
  // scales so that they do not widen the book's columns.
  DecimalNeeds mark_price, funding_rate;
};

// Adds what `item`'s prices, quantities, quote volumes, mark prices and funding rates need to
// `facts` (its market aside): the survey's per-item step, also the live files' per-row check.
void add_item_needs(SymbolFacts& facts, const ReplayItem& item);

class SymbolSurvey {
 public:
  explicit SymbolSurvey(std::optional<Market> forced_market) : forced_market_(forced_market) {}

  void take(const ReplayItem& item);
  // After the pass: a snapshot body without a symbol (a raw capture's REST reply) belongs to the
  // recording's one depth symbol, if it has exactly one.
  void finish();

  // The symbol an item belongs to ("" when none can be told).
  std::string symbol_of(const ReplayItem& item) const;
  const SymbolFacts* find(const std::string& symbol) const;
  std::string market_name(const std::string& symbol) const;  // "usdm", ..., "unknown"
  const std::map<std::string, SymbolFacts>& symbols() const { return symbols_; }

 private:
  std::optional<Market> forced_market_;
  std::map<std::string, SymbolFacts> symbols_;
  std::map<std::string, bool> depth_symbols_;
  SymbolFacts unnamed_snapshots_;
  bool has_unnamed_snapshots_ = false;
  std::string only_depth_symbol_;
};

}  // namespace depthrec::export_parquet
