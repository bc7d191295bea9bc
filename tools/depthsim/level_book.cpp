#include "level_book.hpp"

#include <algorithm>

namespace depthsim {

namespace {

template <typename Map>
LevelUndo set_in(Map& side, bool is_bid, std::int64_t price, std::int64_t qty) {
  LevelUndo undo{is_bid, price, 0};
  auto at = side.lower_bound(price);  // one traversal serves both the update and the insert
  if (at != side.end() && at->first == price) {
    undo.previous_qty = at->second;
    if (qty == 0) {
      side.erase(at);
    } else {
      at->second = qty;
    }
  } else if (qty != 0) {
    side.emplace_hint(at, price, qty);
  }
  return undo;
}

template <typename Map>
std::vector<PriceLevel> top_of(const Map& side, std::size_t depth) {
  std::vector<PriceLevel> levels;
  const std::size_t count = depth == 0 ? side.size() : std::min(depth, side.size());
  levels.reserve(count);
  for (auto it = side.begin(); levels.size() < count; ++it)
    levels.push_back({it->first, it->second});
  return levels;
}

}  // namespace

LevelUndo LevelBook::set_level(bool is_bid, std::int64_t price, std::int64_t qty) {
  return is_bid ? set_in(bids_, true, price, qty) : set_in(asks_, false, price, qty);
}

void LevelBook::undo(const LevelUndo& change) {
  set_level(change.is_bid, change.price, change.previous_qty);
}

void LevelBook::apply(const BookUpdate& update) {
  for (const PriceLevel& level : update.bids) set_level(true, level.price, level.qty);
  for (const PriceLevel& level : update.asks) set_level(false, level.price, level.qty);
  last_update_id_ = update.last_id;
}

std::vector<PriceLevel> LevelBook::top_bids(std::size_t depth) const {
  return top_of(bids_, depth);
}

std::vector<PriceLevel> LevelBook::top_asks(std::size_t depth) const {
  return top_of(asks_, depth);
}

bool LevelBook::is_crossed() const {
  return !bids_.empty() && !asks_.empty() && bids_.begin()->first >= asks_.begin()->first;
}

}  // namespace depthsim
