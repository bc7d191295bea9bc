// The book delegates each side to a BookSide (a blocked sorted array ordered from the worst to the
// best price); this file only routes the calls and keeps the update id.
#include "depthrec/order_book.hpp"

#include "model/book_side.hpp"

namespace depthrec {

struct OrderBook::Sides {
  BookSide bids{Side::bid};
  BookSide asks{Side::ask};
};

OrderBook::OrderBook() : sides_(std::make_unique<Sides>()) {}
OrderBook::~OrderBook() = default;

OrderBook::OrderBook(const OrderBook& other)
    : sides_(std::make_unique<Sides>(*other.sides_)),
      last_update_id_(other.last_update_id_),
      max_levels_(other.max_levels_),
      levels_dropped_(other.levels_dropped_),
      prefetch_blocks_(other.prefetch_blocks_) {}

OrderBook& OrderBook::operator=(const OrderBook& other) {
  *sides_ = *other.sides_;  // reuses this book's storage where it is large enough
  last_update_id_ = other.last_update_id_;
  max_levels_ = other.max_levels_;
  levels_dropped_ = other.levels_dropped_;
  prefetch_blocks_ = other.prefetch_blocks_;
  return *this;
}

void OrderBook::clear() {
  sides_->bids.clear();
  sides_->asks.clear();
  last_update_id_ = 0;
}

void OrderBook::load(const DepthSnapshot& snapshot) {
  sides_->bids.load(snapshot.bids);
  sides_->asks.load(snapshot.asks);
  last_update_id_ = snapshot.last_update_id;
  enforce_max_levels();
}

void OrderBook::set_level(Side side, Decimal price, Decimal qty) {
  (side == Side::bid ? sides_->bids : sides_->asks).set(price, qty);
}

void OrderBook::apply(const DepthUpdate& update) {
  if (prefetch_blocks_) {
    sides_->bids.prefetch(update.bids);
    sides_->asks.prefetch(update.asks);
  }
  for (const PriceLevel& level : update.bids) sides_->bids.set(level.price, level.qty);
  for (const PriceLevel& level : update.asks) sides_->asks.set(level.price, level.qty);
  last_update_id_ = update.final_id;
  enforce_max_levels();
}

void OrderBook::enforce_max_levels() {
  if (max_levels_ == 0) return;
  if (sides_->bids.size() > max_levels_) levels_dropped_ += sides_->bids.drop_worst(max_levels_);
  if (sides_->asks.size() > max_levels_) levels_dropped_ += sides_->asks.drop_worst(max_levels_);
}

void OrderBook::replace(const DepthUpdate& partial) {
  sides_->bids.load(partial.bids);
  sides_->asks.load(partial.asks);
  last_update_id_ = partial.final_id;
  enforce_max_levels();
}

std::size_t OrderBook::bid_count() const {
  return sides_->bids.size();
}
std::size_t OrderBook::ask_count() const {
  return sides_->asks.size();
}

PriceLevel OrderBook::bid(std::size_t i) const {
  return sides_->bids.level(i);
}
PriceLevel OrderBook::ask(std::size_t i) const {
  return sides_->asks.level(i);
}

std::optional<PriceLevel> OrderBook::best_bid() const {
  return sides_->bids.best();
}
std::optional<PriceLevel> OrderBook::best_ask() const {
  return sides_->asks.best();
}

bool OrderBook::crossed() const {
  const auto bid = sides_->bids.best();
  const auto ask = sides_->asks.best();
  return bid && ask && bid->price >= ask->price;
}

void OrderBook::top(std::size_t n, std::vector<PriceLevel>& bids,
                    std::vector<PriceLevel>& asks) const {
  bids.clear();
  asks.clear();
  sides_->bids.append_top(n, bids);
  sides_->asks.append_top(n, asks);
}

}  // namespace depthrec
