// The aggregate trades a symbol made lately, for the REST query a recorder repairs an aggTrade id
// gap with (GET /api/v3/aggTrades, /fapi/v1/aggTrades, /dapi/v1/aggTrades ?symbol=&fromId=&limit=).
// Bounded to the last `capacity` groups: an exchange keeps a finite history, and an id older than
// it is answered with an empty list. The trade_gap fault's groups are in it too: they happened,
// only the stream missed them. The answer carries the same ids, prices, quantities and times as
// the stream's events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "market_spec.hpp"
#include "trade_tape.hpp"

namespace depthsim {

class AggTradeHistory {
 public:
  explicit AggTradeHistory(std::size_t capacity) : capacity_(capacity) {}

  void add(const TradeGroup& group);
  // Up to `limit` groups from id `from_id` on (inclusive), in id order; none when `from_id` is
  // older than what is kept or newer than the last.
  std::vector<const TradeGroup*> from(std::uint64_t from_id, std::size_t limit) const;
  // The last `limit` groups (a query without fromId).
  std::vector<const TradeGroup*> latest(std::size_t limit) const;
  std::size_t size() const { return groups_.size(); }
  std::optional<std::uint64_t> first_id() const;

 private:
  std::size_t capacity_;
  std::deque<TradeGroup> groups_;  // consecutive ids, oldest first
};

// The REST answer: a JSON array of {"a","p","q","f","l","T","m"} (+ spot "M"), as Binance's.
std::string render_agg_trades_answer(Market market, const SymbolSpec& spec,
                                     const std::vector<const TradeGroup*>& groups);

}  // namespace depthsim
