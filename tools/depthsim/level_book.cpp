#include "level_book.hpp"

#include <algorithm>

namespace depthsim {

namespace {

// Position of `price` (or where it would go) in a side ordered worst to best.
template <typename Side>
auto locate(Side& side, bool is_bid, std::int64_t price) {
  return is_bid ? std::lower_bound(
                      side.begin(), side.end(), price,
                      [](const PriceLevel& level, std::int64_t p) { return level.price < p; })
                : std::lower_bound(
                      side.begin(), side.end(), price,
                      [](const PriceLevel& level, std::int64_t p) { return level.price > p; });
}

std::vector<PriceLevel> best_first(const std::vector<PriceLevel>& side, std::size_t depth) {
  const std::size_t count = depth == 0 ? side.size() : std::min(depth, side.size());
  return std::vector<PriceLevel>(side.rbegin(), side.rbegin() + static_cast<std::ptrdiff_t>(count));
}

}  // namespace

LevelUndo LevelBook::set_level(bool is_bid, std::int64_t price, std::int64_t qty) {
  std::vector<PriceLevel>& side = is_bid ? bids_ : asks_;
  LevelUndo undo{is_bid, price, 0};
  auto at = locate(side, is_bid, price);
  if (at != side.end() && at->price == price) {
    undo.previous_qty = at->qty;
    if (qty == 0) {
      side.erase(at);
    } else {
      at->qty = qty;
    }
  } else if (qty != 0) {
    side.insert(at, PriceLevel{price, qty});
  }
  return undo;
}

std::int64_t LevelBook::qty_at(bool is_bid, std::int64_t price) const {
  const std::vector<PriceLevel>& side = is_bid ? bids_ : asks_;
  auto at = locate(side, is_bid, price);
  return at != side.end() && at->price == price ? at->qty : 0;
}

std::optional<PriceLevel> LevelBook::best(bool is_bid) const {
  const std::vector<PriceLevel>& side = is_bid ? bids_ : asks_;
  if (side.empty()) return std::nullopt;
  return side.back();
}

void LevelBook::undo(const LevelUndo& change) {
  set_level(change.is_bid, change.price, change.previous_qty);
}

void LevelBook::add_beyond_worst(bool is_bid, const std::vector<PriceLevel>& levels) {
  std::vector<PriceLevel>& side = is_bid ? bids_ : asks_;
  // Each side is stored worst first: the new levels go in front, worst first.
  side.insert(side.begin(), levels.rbegin(), levels.rend());
}

void LevelBook::apply(const BookUpdate& update) {
  for (const PriceLevel& level : update.bids) set_level(true, level.price, level.qty);
  for (const PriceLevel& level : update.asks) set_level(false, level.price, level.qty);
  last_update_id_ = update.last_id;
}

std::vector<PriceLevel> LevelBook::top_bids(std::size_t depth) const {
  return best_first(bids_, depth);
}

std::vector<PriceLevel> LevelBook::top_asks(std::size_t depth) const {
  return best_first(asks_, depth);
}

bool LevelBook::is_crossed() const {
  return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
}

}  // namespace depthsim
