#include "agg_trade_history.hpp"

#include <algorithm>

#include "payload_format.hpp"

namespace depthsim {

void AggTradeHistory::add(const TradeGroup& group) {
  if (capacity_ == 0) return;
  // A group out of sequence (never from TradeTape) would break the id arithmetic of from().
  if (!groups_.empty() && group.agg_id != groups_.back().agg_id + 1) groups_.clear();
  groups_.push_back(group);
  while (groups_.size() > capacity_) groups_.pop_front();
}

std::optional<std::uint64_t> AggTradeHistory::first_id() const {
  if (groups_.empty()) return std::nullopt;
  return groups_.front().agg_id;
}

std::vector<const TradeGroup*> AggTradeHistory::from(std::uint64_t from_id,
                                                     std::size_t limit) const {
  std::vector<const TradeGroup*> out;
  if (groups_.empty() || from_id < groups_.front().agg_id || from_id > groups_.back().agg_id)
    return out;
  const std::size_t begin = static_cast<std::size_t>(from_id - groups_.front().agg_id);
  const std::size_t end = std::min(groups_.size(), begin + limit);
  for (std::size_t i = begin; i < end; ++i) out.push_back(&groups_[i]);
  return out;
}

std::vector<const TradeGroup*> AggTradeHistory::latest(std::size_t limit) const {
  std::vector<const TradeGroup*> out;
  const std::size_t begin = groups_.size() > limit ? groups_.size() - limit : 0;
  for (std::size_t i = begin; i < groups_.size(); ++i) out.push_back(&groups_[i]);
  return out;
}

std::string render_agg_trades_answer(Market market, const SymbolSpec& spec,
                                     const std::vector<const TradeGroup*>& groups) {
  std::string out = "[";
  out.reserve(2 + groups.size() * 120);
  for (const TradeGroup* group : groups) {
    std::int64_t qty = 0;
    for (std::int64_t fill : group->fills) qty += fill;
    if (out.size() > 1) out.push_back(',');
    out.append("{\"a\":");
    out += std::to_string(group->agg_id);
    out.append(",\"p\":\"");
    append_fixed(out, group->price, spec.price_decimals);
    out.append("\",\"q\":\"");
    append_fixed(out, qty, spec.qty_decimals);
    out.append("\",\"f\":");
    out += std::to_string(group->first_trade_id);
    out.append(",\"l\":");
    out += std::to_string(group->last_trade_id);
    out.append(",\"T\":");
    out += std::to_string(group->trade_ms);
    out.append(group->buyer_is_maker ? ",\"m\":true" : ",\"m\":false");
    if (!is_futures(market)) out.append(",\"M\":true");
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace depthsim
