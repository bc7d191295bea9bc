// Each side is a vector sorted from the worst to the best price, so the best level is at the back.
// Lookups gallop from the back (most changes are near the top), then binary-search the bracket.
#include "depthrec/order_book.hpp"

#include <algorithm>

namespace depthrec {
namespace {

// `worse(a, b)`: price a is further from the top of this side than price b.
struct BidWorse {
  bool operator()(Decimal a, Decimal b) const { return a < b; }
};
struct AskWorse {
  bool operator()(Decimal a, Decimal b) const { return a > b; }
};

// Index of the first level that is not worse than `price` (where it is, or would be inserted).
template <typename Worse>
std::size_t find_position(const std::vector<PriceLevel>& levels, Decimal price, Worse worse) {
  std::size_t hi = levels.size();  // the answer is in [lo, hi]
  std::size_t lo = 0;
  std::size_t step = 1;
  while (hi > 0) {
    const std::size_t probe = hi > step ? hi - step : 0;
    if (worse(levels[probe].price, price)) {
      lo = probe + 1;
      break;
    }
    hi = probe;
    step *= 2;
  }
  const auto it =
      std::lower_bound(levels.begin() + static_cast<std::ptrdiff_t>(lo),
                       levels.begin() + static_cast<std::ptrdiff_t>(hi), price,
                       [&](const PriceLevel& level, Decimal p) { return worse(level.price, p); });
  return static_cast<std::size_t>(it - levels.begin());
}

template <typename Worse>
void set_side_level(std::vector<PriceLevel>& levels, Decimal price, Decimal qty, Worse worse) {
  const std::size_t pos = find_position(levels, price, worse);
  const auto it = levels.begin() + static_cast<std::ptrdiff_t>(pos);
  if (pos < levels.size() && levels[pos].price == price) {
    if (qty.is_zero()) {
      levels.erase(it);
    } else {
      levels[pos].qty = qty;
    }
  } else if (!qty.is_zero()) {
    levels.insert(it, PriceLevel{price, qty});
  }
}

template <typename Worse>
void sort_keeping_last(std::vector<PriceLevel>& side, Worse worse) {
  // The input was reversed, so after a stable sort the input's last occurrence of a price is the
  // first of its run: keep that one.
  std::stable_sort(side.begin(), side.end(), [&](const PriceLevel& a, const PriceLevel& b) {
    return worse(a.price, b.price);
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < side.size(); ++i) {
    if (kept > 0 && side[kept - 1].price == side[i].price) continue;
    side[kept++] = side[i];
  }
  side.resize(kept);
}

// Loads best-first levels (Binance's order) into a worst-to-best side. An unordered or duplicated
// input is sorted and the last occurrence of a price wins; zero quantities are then dropped.
template <typename Worse>
void load_side(std::vector<PriceLevel>& side, const std::vector<PriceLevel>& best_first,
               Worse worse) {
  side.assign(best_first.rbegin(), best_first.rend());
  const auto out_of_order = [&](const PriceLevel& a, const PriceLevel& b) {
    return !worse(a.price, b.price);  // adjacent_find looks for the first pair out of order
  };
  if (std::adjacent_find(side.begin(), side.end(), out_of_order) != side.end()) {
    sort_keeping_last(side, worse);
  }
  side.erase(std::remove_if(side.begin(), side.end(),
                            [](const PriceLevel& level) { return level.qty.is_zero(); }),
             side.end());
}

}  // namespace

void OrderBook::clear() {
  bids_.clear();
  asks_.clear();
  last_update_id_ = 0;
}

void OrderBook::load(const DepthSnapshot& snapshot) {
  load_side(bids_, snapshot.bids, BidWorse{});
  load_side(asks_, snapshot.asks, AskWorse{});
  last_update_id_ = snapshot.last_update_id;
}

void OrderBook::set_level(Side side, Decimal price, Decimal qty) {
  if (side == Side::bid) {
    set_side_level(bids_, price, qty, BidWorse{});
  } else {
    set_side_level(asks_, price, qty, AskWorse{});
  }
}

void OrderBook::apply(const DepthUpdate& update) {
  for (const PriceLevel& level : update.bids)
    set_side_level(bids_, level.price, level.qty, BidWorse{});
  for (const PriceLevel& level : update.asks)
    set_side_level(asks_, level.price, level.qty, AskWorse{});
  last_update_id_ = update.final_id;
}

void OrderBook::replace(const DepthUpdate& partial) {
  load_side(bids_, partial.bids, BidWorse{});
  load_side(asks_, partial.asks, AskWorse{});
  last_update_id_ = partial.final_id;
}

std::size_t OrderBook::bid_count() const {
  return bids_.size();
}
std::size_t OrderBook::ask_count() const {
  return asks_.size();
}

PriceLevel OrderBook::bid(std::size_t i) const {
  return bids_[bids_.size() - 1 - i];
}
PriceLevel OrderBook::ask(std::size_t i) const {
  return asks_[asks_.size() - 1 - i];
}

std::optional<PriceLevel> OrderBook::best_bid() const {
  if (bids_.empty()) return std::nullopt;
  return bids_.back();
}

std::optional<PriceLevel> OrderBook::best_ask() const {
  if (asks_.empty()) return std::nullopt;
  return asks_.back();
}

bool OrderBook::crossed() const {
  return !bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price;
}

void OrderBook::top(std::size_t n, std::vector<PriceLevel>& bids,
                    std::vector<PriceLevel>& asks) const {
  bids.clear();
  asks.clear();
  bids.insert(bids.end(), bids_.rbegin(),
              bids_.rbegin() + static_cast<std::ptrdiff_t>(std::min(n, bids_.size())));
  asks.insert(asks.end(), asks_.rbegin(),
              asks_.rbegin() + static_cast<std::ptrdiff_t>(std::min(n, asks_.size())));
}

}  // namespace depthrec
