#include "kline_trade_check.hpp"

#include "time_text.hpp"

namespace depthrec::replay {
namespace {

std::string book_of(const ReplayItem& item) {
  return std::string(item.market ? to_string(*item.market) : std::string_view()) + ":" +
         std::string(item.symbol);
}

}  // namespace

void KlineTradeCheck::observe(const ReplayItem& item) {
  if (item.has_trade) {
    const TradeEvent& t = item.trade;
    const bool aggregate = t.kind == TradeKind::agg_trade;
    const auto first = static_cast<std::int64_t>(aggregate ? t.first_trade_id : t.id);
    const auto last = static_cast<std::int64_t>(aggregate ? t.last_trade_id : t.id);
    Pieces& pieces = (aggregate ? agg_trades_ : trades_)[book_of(item)];
    // A trade recorded twice (never by depthrec; the id check fails it) counts once here.
    pieces.emplace(first, Piece{last, t.price, t.quantity, t.buyer_is_maker, t.trade_time_ms});
    return;
  }
  if (!item.has_kline || !item.kline.closed) return;
  const KlineEvent& k = item.kline;
  Candle candle;
  candle.book = book_of(item);
  candle.stream = std::string(item.stream);
  candle.open_time = k.open_time_ms;
  candle.close_time = k.close_time_ms;
  candle.first_id = k.first_trade_id;
  candle.last_id = k.last_trade_id;
  candle.open = k.open;
  candle.high = k.high;
  candle.low = k.low;
  candle.close = k.close;
  candle.base = k.base_volume;
  candle.quote = k.quote_volume;
  candle.taker_base = k.taker_buy_base_volume;
  candle.taker_quote = k.taker_buy_quote_volume;
  candle.count = k.trade_count;
  candles_.push_back(std::move(candle));
}

std::string KlineTradeCheck::compare(const Candle& candle, const Pieces& pieces) {
  Decimal open, high, low, close, base, taker_base;
  DecimalUnits quote = 0, taker_quote = 0;  // at 1e-16: price x quantity, exact
  std::uint64_t count = 0;
  std::string outside;
  for (auto it = pieces.find(candle.first_id); it != pieces.end() && it->first <= candle.last_id;
       ++it) {
    const Piece& p = it->second;
    if (count == 0) open = high = low = p.price;
    if (p.price > high) high = p.price;
    if (p.price < low) low = p.price;
    close = p.price;
    base.units += p.quantity.units;
    quote += p.price.units * p.quantity.units;
    if (!p.buyer_is_maker) {
      taker_base.units += p.quantity.units;
      taker_quote += p.price.units * p.quantity.units;
    }
    count += static_cast<std::uint64_t>(p.last - it->first + 1);
    if ((p.time_ms < candle.open_time || p.time_ms > candle.close_time) && outside.empty())
      outside = "trade " + std::to_string(it->first) + " at " + std::to_string(p.time_ms) +
                " ms is outside the candle; ";
  }
  std::string differences = outside;
  const auto differ = [&](const char* name, Decimal recorded, Decimal implied) {
    if (recorded != implied)
      differences += std::string(name) + " " + to_string(recorded) + ", the trades imply " +
                     to_string(implied) + "; ";
  };
  // Equal at 8 decimals: within one unit of 1e-8 of the exact sum.
  const auto differ_quote = [&](const char* name, Decimal recorded, DecimalUnits exact) {
    const DecimalUnits diff = recorded.units * Decimal::kOne - exact;
    if (diff >= Decimal::kOne || diff <= -Decimal::kOne) {
      Decimal implied;
      implied.units = exact / Decimal::kOne;
      differences += std::string(name) + " " + to_string(recorded) + ", the trades imply " +
                     to_string(implied) + "; ";
    }
  };
  differ("open", candle.open, open);
  differ("high", candle.high, high);
  differ("low", candle.low, low);
  differ("close", candle.close, close);
  differ("base_volume", candle.base, base);
  differ_quote("quote_volume", candle.quote, quote);
  if (candle.count != count)
    differences += "trade_count " + std::to_string(candle.count) + ", the trades imply " +
                   std::to_string(count) + "; ";
  differ("taker_buy_base_volume", candle.taker_base, taker_base);
  differ_quote("taker_buy_quote_volume", candle.taker_quote, taker_quote);
  if (!differences.empty()) differences.resize(differences.size() - 2);
  return differences;
}

std::vector<KlineCrossReport> KlineTradeCheck::finish() {
  // Whether `pieces` hold every trade id first..last, tiled without overlap.
  const auto covers = [](const Pieces& pieces, std::int64_t first, std::int64_t last) {
    std::int64_t next = first;
    for (auto it = pieces.find(first); it != pieces.end() && next <= last; ++it) {
      if (it->first != next || it->second.last > last) return false;
      next = it->second.last + 1;
    }
    return next == last + 1;
  };
  std::map<std::string, KlineCrossReport> reports;
  for (const Candle& candle : candles_) {
    KlineCrossReport& report = reports[candle.stream];
    report.stream = candle.stream;
    ++report.closed;
    const Pieces* pieces = nullptr;
    if (candle.first_id >= 0 && candle.last_id >= candle.first_id) {
      for (const auto* source : {&trades_, &agg_trades_}) {
        const auto found = source->find(candle.book);
        if (found != source->end() && covers(found->second, candle.first_id, candle.last_id)) {
          pieces = &found->second;
          break;
        }
      }
    }
    if (!pieces) {
      ++report.skipped;
      continue;
    }
    const std::string differences = compare(candle, *pieces);
    if (differences.empty()) {
      ++report.verified;
      continue;
    }
    ++report.mismatched;
    if (report.first_mismatches.size() < KlineCrossReport::kMaxListedMismatches)
      report.first_mismatches.push_back("candle " + format_utc_ms(candle.open_time * 1'000'000) +
                                        " (open_time " + std::to_string(candle.open_time) +
                                        "): " + differences);
  }
  std::vector<KlineCrossReport> out;
  out.reserve(reports.size());
  for (auto& [stream, report] : reports) out.push_back(std::move(report));
  return out;
}

}  // namespace depthrec::replay
