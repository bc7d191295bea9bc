#include "symbol_survey.hpp"

#include "parquet_tables/live_decimals.hpp"

namespace depthrec::export_parquet {
namespace {

// A raw capture's frames do not name their market; their shape does: futures diffs carry `pu`,
// COIN-M symbols an underscore (BTCUSD_PERP), spot diffs neither.
Market market_from_depth(const DepthUpdate& depth, const std::string& symbol) {
  if (!depth.has_prev_final_id) return Market::spot;
  return symbol.find('_') != std::string::npos ? Market::coinm : Market::usdm;
}

void add_level_needs(SymbolFacts& facts, const std::vector<PriceLevel>& levels) {
  for (const PriceLevel& level : levels) {
    facts.price.add(level.price);
    facts.quantity.add(level.qty);
  }
}

}  // namespace

void add_item_needs(SymbolFacts& facts, const ReplayItem& item) {
  switch (item.type) {
    case ReplayItemType::depth:
      add_level_needs(facts, item.depth.bids);
      add_level_needs(facts, item.depth.asks);
      break;
    case ReplayItemType::snapshot:
      add_level_needs(facts, item.snapshot.bids);
      add_level_needs(facts, item.snapshot.asks);
      break;
    case ReplayItemType::other:
      if (item.has_trade) {
        facts.price.add(item.trade.price);
        facts.quantity.add(item.trade.quantity);
      }
      if (item.has_market_event && item.market_event.kind == MarketEventKind::mark_price) {
        const MarketEvent& mark = item.market_event;
        facts.mark_price.add(mark.price);
        facts.mark_price.add(mark.index_price);
        if (mark.settle_price.present) facts.mark_price.add(mark.settle_price.magnitude);
        if (mark.funding_rate.present) facts.funding_rate.add(mark.funding_rate.magnitude);
      }
      if (item.has_market_event && item.market_event.kind == MarketEventKind::force_order) {
        // A liquidation order's prices are on the symbol's tick, its quantity on its lot.
        facts.price.add(item.market_event.price);
        facts.price.add(item.market_event.average_price);
        facts.quantity.add(item.market_event.quantity);
      }
      if (item.has_kline) {
        const KlineEvent& kline = item.kline;
        for (const Decimal price : {kline.open, kline.high, kline.low, kline.close}) {
          facts.price.add(price);
        }
        facts.quantity.add(kline.base_volume);
        facts.quantity.add(kline.taker_buy_base_volume);
        facts.quote.add(kline.quote_volume);
        facts.quote.add(kline.taker_buy_quote_volume);
      }
      break;
    case ReplayItemType::ticker:
      facts.price.add(item.ticker.bid_price);
      facts.price.add(item.ticker.ask_price);
      facts.quantity.add(item.ticker.bid_qty);
      facts.quantity.add(item.ticker.ask_qty);
      break;
    case ReplayItemType::marker:
      break;
  }
}

MarketSymbol SymbolSurvey::instrument_of(const ReplayItem& item) const {
  if (item.market) return {std::string(to_string(*item.market)), std::string(item.symbol)};
  std::string symbol(item.symbol);
  if (symbol.empty() && item.type == ReplayItemType::snapshot) symbol = only_depth_symbol_;
  if (symbol.empty()) return {};
  return {unmarked_market(symbol), symbol};
}

std::string SymbolSurvey::unmarked_market(const std::string& symbol) const {
  const auto found = unmarked_markets_.find(symbol);
  return found == unmarked_markets_.end() ? "unknown" : std::string(to_string(found->second));
}

void SymbolSurvey::take(const ReplayItem& item) {
  if (item.type == ReplayItemType::snapshot && item.symbol.empty()) {
    add_level_needs(unnamed_snapshots_, item.snapshot.bids);
    add_level_needs(unnamed_snapshots_, item.snapshot.asks);
    has_unnamed_snapshots_ = true;
    return;
  }
  if (item.symbol.empty()) return;
  const std::string symbol(item.symbol);
  if (item.type == ReplayItemType::depth) depth_symbols_[symbol] = true;
  if (item.market) {
    add_item_needs(instruments_[{std::string(to_string(*item.market)), symbol}], item);
    return;
  }
  Unmarked& unmarked = unmarked_[symbol];
  if (item.type == ReplayItemType::depth && !unmarked.market) {
    unmarked.market = market_from_depth(item.depth, symbol);
  }
  add_item_needs(unmarked.facts, item);
}

void SymbolSurvey::finish() {
  if (depth_symbols_.size() == 1) only_depth_symbol_ = depth_symbols_.begin()->first;
  if (has_unnamed_snapshots_ && !only_depth_symbol_.empty()) {
    SymbolFacts& facts = unmarked_[only_depth_symbol_].facts;
    facts = merged_needs(facts, unnamed_snapshots_);
  }
  for (const auto& [symbol, unmarked] : unmarked_) {
    const std::optional<Market> market = forced_market_ ? forced_market_ : unmarked.market;
    if (market) unmarked_markets_[symbol] = *market;
    SymbolFacts& facts = instruments_[{unmarked_market(symbol), symbol}];
    facts = merged_needs(facts, unmarked.facts);
  }
}

const SymbolFacts* SymbolSurvey::find(const MarketSymbol& instrument) const {
  const auto it = instruments_.find(instrument);
  return it == instruments_.end() ? nullptr : &it->second;
}

}  // namespace depthrec::export_parquet
