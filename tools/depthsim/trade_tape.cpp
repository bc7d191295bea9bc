#include "trade_tape.hpp"

#include <algorithm>
#include <functional>

#include "payload_format.hpp"

namespace depthsim {

TradeTape::TradeTape(const std::string& symbol, std::uint64_t seed)
    : random_(seed ^ (std::hash<std::string>{}(symbol)*0x9E3779B97F4A7C15ULL) ^ 0x7472616465ULL) {}

TradeGroup TradeTape::next(const LevelBook& book, std::int64_t event_ms, std::size_t fills) {
  TradeGroup group;
  group.buyer_is_maker = random_.percent(50);  // the seller is the taker: the bid is hit
  const std::optional<PriceLevel> top = book.best(group.buyer_is_maker);
  if (!top || top->qty <= 0) return group;
  group.price = top->price;
  const std::size_t count = fills > 0 ? fills : static_cast<std::size_t>(random_.between(1, 3));
  std::int64_t left = top->qty;
  for (std::size_t i = 0; i < count; ++i) {
    // Each fill takes part of what is left at the level (at least one unit).
    const std::int64_t qty =
        std::max<std::int64_t>(1, random_.between(1, std::max<std::int64_t>(1, left / 4)));
    group.fills.push_back(qty);
    left = std::max<std::int64_t>(1, left - qty);
  }
  group.agg_id = next_agg_id_++;
  group.first_trade_id = next_trade_id_;
  group.last_trade_id = next_trade_id_ + group.fills.size() - 1;
  next_trade_id_ += group.fills.size();
  group.event_ms = event_ms;
  group.trade_ms = event_ms - 1;
  return group;
}

namespace {

void append_uint(std::string& out, std::uint64_t value) {
  out += std::to_string(value);
}

// What both payloads end with: the maker flag, spot's "M", USD-M's symbol type, the brace.
void append_closing_fields(std::string& out, Market market, const TradeGroup& group) {
  out.append(group.buyer_is_maker ? ",\"m\":true" : ",\"m\":false");
  if (!is_futures(market)) out.append(",\"M\":true");
  if (market == Market::usdm) out.append(",\"st\":1");
  out.push_back('}');
}

}  // namespace

std::string render_trade(Market market, const SymbolSpec& spec, const TradeGroup& group,
                         std::size_t fill) {
  std::string out;
  out.reserve(200);
  out.append("{\"e\":\"trade\",\"E\":");
  out += std::to_string(group.event_ms);
  if (is_futures(market)) {
    out.append(",\"T\":");
    out += std::to_string(group.trade_ms);
  }
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  out.append(",\"t\":");
  append_uint(out, group.first_trade_id + fill);
  out.append(",\"p\":\"");
  append_fixed(out, group.price, spec.price_decimals);
  out.append("\",\"q\":\"");
  append_fixed(out, group.fills[fill], spec.qty_decimals);
  out.push_back('"');
  if (is_futures(market)) {
    out.append(",\"X\":\"MARKET\"");
  } else {
    out.append(",\"T\":");
    out += std::to_string(group.trade_ms);
  }
  append_closing_fields(out, market, group);
  return out;
}

std::string render_agg_trade(Market market, const SymbolSpec& spec, const TradeGroup& group) {
  std::int64_t qty = 0;
  for (std::int64_t fill : group.fills) qty += fill;
  std::string out;
  out.reserve(220);
  out.append("{\"e\":\"aggTrade\",\"E\":");
  out += std::to_string(group.event_ms);
  out.append(",\"s\":");
  append_json_string(out, spec.name);
  out.append(",\"a\":");
  append_uint(out, group.agg_id);
  out.append(",\"p\":\"");
  append_fixed(out, group.price, spec.price_decimals);
  out.append("\",\"q\":\"");
  append_fixed(out, qty, spec.qty_decimals);
  out.push_back('"');
  if (market == Market::usdm) {
    out.append(",\"nq\":\"");
    append_fixed(out, qty, spec.qty_decimals);
    out.push_back('"');
  }
  out.append(",\"f\":");
  append_uint(out, group.first_trade_id);
  out.append(",\"l\":");
  append_uint(out, group.last_trade_id);
  out.append(",\"T\":");
  out += std::to_string(group.trade_ms);
  append_closing_fields(out, market, group);
  return out;
}

}  // namespace depthsim
