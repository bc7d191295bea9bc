// A deliberately naive order book (two std::map) to compare depthrec::OrderBook against, and the
// shape checks every OrderBook must pass whatever it was fed: each side strictly sorted best
// first, no zero quantity, best_bid/best_ask/crossed/top consistent with the levels.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/order_book.hpp"
#include "fuzz_check.hpp"

namespace depthrec::fuzz {

class ReferenceBook {
 public:
  void clear() {
    bids_.clear();
    asks_.clear();
  }
  // Binance semantics: the quantity is absolute, zero removes the level.
  void set(Side side, Decimal price, Decimal qty) {
    if (side == Side::bid) {
      set_in(bids_, price, qty);
    } else {
      set_in(asks_, price, qty);
    }
  }
  void apply(const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks) {
    for (const PriceLevel& level : bids) set(Side::bid, level.price, level.qty);
    for (const PriceLevel& level : asks) set(Side::ask, level.price, level.qty);
  }
  // A snapshot or a partial-depth view: the last occurrence of a price wins, zeros are absent.
  // Setting the levels one by one on an empty book gives exactly that.
  void load(const std::vector<PriceLevel>& bids, const std::vector<PriceLevel>& asks) {
    clear();
    apply(bids, asks);
  }

  // True when `book` holds exactly these levels, best first on both sides.
  bool equals(const OrderBook& book) const {
    return same_side(bids_, book.bid_count(), [&](std::size_t i) { return book.bid(i); }) &&
           same_side(asks_, book.ask_count(), [&](std::size_t i) { return book.ask(i); });
  }

 private:
  template <typename Map>
  static void set_in(Map& side, Decimal price, Decimal qty) {
    if (qty.is_zero()) {
      side.erase(static_cast<std::int64_t>(price.units));  // prices fit: fits_book_price
    } else {
      side[static_cast<std::int64_t>(price.units)] = qty.units;
    }
  }
  template <typename Map, typename LevelAt>
  static bool same_side(const Map& side, std::size_t count, LevelAt level_at) {
    if (side.size() != count) return false;
    std::size_t i = 0;
    for (const auto& [price, qty] : side) {
      const PriceLevel level = level_at(i++);
      if (level.price.units != price || level.qty.units != qty) return false;
    }
    return true;
  }

  // Price units -> quantity units (quantities have Decimal's whole 128-bit range).
  std::map<std::int64_t, DecimalUnits, std::greater<>> bids_;  // best (highest) first
  std::map<std::int64_t, DecimalUnits> asks_;                  // best (lowest) first
};

inline void check_book_shape(const OrderBook& book) {
  for (std::size_t i = 0; i < book.bid_count(); ++i) {
    FUZZ_CHECK(!book.bid(i).qty.is_zero());
    if (i > 0) FUZZ_CHECK(book.bid(i - 1).price > book.bid(i).price);
  }
  for (std::size_t i = 0; i < book.ask_count(); ++i) {
    FUZZ_CHECK(!book.ask(i).qty.is_zero());
    if (i > 0) FUZZ_CHECK(book.ask(i - 1).price < book.ask(i).price);
  }
  FUZZ_CHECK(book.best_bid().has_value() == (book.bid_count() > 0));
  FUZZ_CHECK(book.best_ask().has_value() == (book.ask_count() > 0));
  if (book.best_bid()) FUZZ_CHECK(*book.best_bid() == book.bid(0));
  if (book.best_ask()) FUZZ_CHECK(*book.best_ask() == book.ask(0));
  const bool crossed =
      book.best_bid() && book.best_ask() && book.best_bid()->price >= book.best_ask()->price;
  FUZZ_CHECK(book.crossed() == crossed);

  std::vector<PriceLevel> top_bids, top_asks;
  book.top(3, top_bids, top_asks);
  FUZZ_CHECK(top_bids.size() == std::min<std::size_t>(3, book.bid_count()));
  FUZZ_CHECK(top_asks.size() == std::min<std::size_t>(3, book.ask_count()));
  for (std::size_t i = 0; i < top_bids.size(); ++i) FUZZ_CHECK(top_bids[i] == book.bid(i));
  for (std::size_t i = 0; i < top_asks.size(); ++i) FUZZ_CHECK(top_asks[i] == book.ask(i));
}

}  // namespace depthrec::fuzz
