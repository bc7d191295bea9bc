// BookSide against a std::map model: random changes at the top, deep in the book and past both
// ends, with blocks small enough to split and merge all the time and with the production size.
#include "model/book_side.hpp"

#include "depthrec/order_book.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace depthrec {
namespace {

Decimal units(DecimalUnits value) {
  return Decimal{value};
}

// The reference: price units -> quantity units, and the best-first view of either side.
class ModelSide {
 public:
  explicit ModelSide(Side side) : bid_side_(side == Side::bid) {}

  void set(std::int64_t price, DecimalUnits qty) {
    if (qty == 0) {
      levels_.erase(price);
    } else {
      levels_[price] = qty;
    }
  }
  void clear() { levels_.clear(); }
  std::size_t size() const { return levels_.size(); }
  std::vector<PriceLevel> best_first() const {
    std::vector<PriceLevel> out;
    const auto add = [&](const auto& level) {
      out.push_back(PriceLevel{units(level.first), units(level.second)});
    };
    if (bid_side_) {
      for (auto it = levels_.rbegin(); it != levels_.rend(); ++it) add(*it);
    } else {
      for (const auto& level : levels_) add(level);
    }
    return out;
  }
  // Price of the best level; precondition: not empty.
  std::int64_t best_price() const {
    return bid_side_ ? levels_.rbegin()->first : levels_.begin()->first;
  }

 private:
  bool bid_side_;
  std::map<std::int64_t, DecimalUnits> levels_;  // quantities in the whole Decimal range
};

std::vector<PriceLevel> all_levels(const BookSide& side) {
  std::vector<PriceLevel> out;
  side.append_top(side.size(), out);
  return out;
}

// Every observable of the side against the model.
void expect_same(const BookSide& side, const ModelSide& model, const std::string& where) {
  SCOPED_TRACE(where);
  ASSERT_EQ(side.size(), model.size());
  const std::vector<PriceLevel> expected = model.best_first();
  ASSERT_EQ(all_levels(side), expected);
  if (expected.empty()) {
    EXPECT_FALSE(side.best());
    EXPECT_TRUE(side.empty());
    EXPECT_EQ(side.block_count(), 0u);
    return;
  }
  EXPECT_EQ(*side.best(), expected.front());
  for (std::size_t i = 0; i < expected.size(); i += 1 + i / 4) {
    ASSERT_EQ(side.level(i), expected[i]) << "level " << i;
  }
  EXPECT_EQ(side.level(expected.size() - 1), expected.back());
  EXPECT_LE(side.block_count(), side.size());  // no empty block is kept
  std::vector<PriceLevel> top;
  side.append_top(3, top);
  EXPECT_EQ(top, std::vector<PriceLevel>(
                     expected.begin(),
                     expected.begin() + std::min<std::ptrdiff_t>(
                                            3, static_cast<std::ptrdiff_t>(expected.size()))));
}

struct DifferentialCase {
  Side side;
  std::size_t block_capacity;
  std::uint32_t seed;
};

std::string case_name(const DifferentialCase& c) {
  return std::string(c.side == Side::bid ? "bid" : "ask") + "_block" +
         std::to_string(c.block_capacity) + "_seed" + std::to_string(c.seed);
}
// gtest prints a parameter in its messages; by name rather than as raw bytes.
void PrintTo(const DifferentialCase& c, std::ostream* out) {
  *out << case_name(c);
}

class BookSideDifferential : public ::testing::TestWithParam<DifferentialCase> {};

// 40,000 random changes over a price range of 3,000 ticks: inserts, updates and erases of present
// and absent levels, near the best price, deep, and beyond both ends; a clear and a reload now and
// then. Checks everything every 97 changes and the best level after each change.
TEST_P(BookSideDifferential, MatchesStdMap) {
  const DifferentialCase param = GetParam();
  BookSide side(param.side, param.block_capacity);
  ModelSide model(param.side);
  std::mt19937 rng(param.seed);
  const auto uniform = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  constexpr std::int64_t kTick = 10;
  constexpr std::int64_t kLowest = 1'000 * kTick;
  constexpr std::int64_t kHighest = 4'000 * kTick;
  std::size_t most_blocks = 0;
  std::size_t changes_to_empty = 0;
  for (int step = 0; step < 40'000; ++step) {
    const int kind = static_cast<int>(uniform(0, 99));
    std::int64_t price = 0;
    if (kind < 40 && model.size() > 0) {  // near the top, either side of the best price
      price = model.best_price() + kTick * uniform(-30, 30);
    } else if (kind < 45) {  // at or past the low end of the range
      price = kLowest - kTick * uniform(0, 20);
    } else if (kind < 50) {  // at or past the high end
      price = kHighest + kTick * uniform(0, 20);
    } else {  // anywhere, deep levels included
      price = kTick * uniform(kLowest / kTick, kHighest / kTick);
    }
    price = std::max<std::int64_t>(price, kTick);
    // Zero about 45 % of the time, so the book keeps a working size instead of filling up. Every
    // other step a quantity of low-priced symbols' size (1e13..1e19, past int64 units).
    constexpr DecimalUnits kWide = DecimalUnits{10'000'000'000'000} * Decimal::kOne;
    const DecimalUnits qty =
        uniform(0, 99) < 45 ? 0 : uniform(1, 1'000'000) * (step % 2 == 0 ? kWide : 1);
    side.set(units(price), units(qty));
    model.set(price, qty);
    most_blocks = std::max(most_blocks, side.block_count());
    ASSERT_EQ(side.size(), model.size()) << "step " << step;
    if (model.size() > 0) {
      ASSERT_EQ(side.best()->price, units(model.best_price()));
    }
    if (step % 97 == 0) expect_same(side, model, "step " + std::to_string(step));
    if (step % 10'007 == 10'006) {  // empty the side level by level, best first
      changes_to_empty += model.size();
      for (const PriceLevel& level : model.best_first()) {
        side.set(level.price, Decimal{});
        model.set(static_cast<std::int64_t>(level.price.units), 0);
      }
      expect_same(side, model, "emptied at step " + std::to_string(step));
    }
    if (step % 13'001 == 13'000) {  // clear, then the pooled blocks serve the reload
      const std::size_t blocks = side.block_count() + side.pooled_block_count();
      side.clear();
      model.clear();
      EXPECT_EQ(side.pooled_block_count(), blocks);
      expect_same(side, model, "cleared at step " + std::to_string(step));
    }
  }
  expect_same(side, model, "end");
  EXPECT_GT(changes_to_empty, 0u);
  // The book grew to hundreds of levels, so blocks split (far more than one block was needed).
  EXPECT_GT(most_blocks, 1000 / param.block_capacity);
}

INSTANTIATE_TEST_SUITE_P(
    Seeds, BookSideDifferential,
    ::testing::Values(DifferentialCase{Side::bid, 4, 1}, DifferentialCase{Side::ask, 4, 2},
                      DifferentialCase{Side::bid, 7, 3}, DifferentialCase{Side::ask, 16, 4},
                      DifferentialCase{Side::bid, BookSide::kDefaultBlockCapacity, 5},
                      DifferentialCase{Side::ask, BookSide::kDefaultBlockCapacity, 6}),
    [](const ::testing::TestParamInfo<DifferentialCase>& info) { return case_name(info.param); });

// load(): sorted snapshots take the fast path, anything else must equal "last occurrence wins,
// zeros dropped"; both are checked against the model on random inputs.
TEST(BookSide, LoadMatchesLastOccurrenceWinsOnRandomInputs) {
  std::mt19937 rng(7);
  for (const Side which : {Side::bid, Side::ask}) {
    BookSide side(which, 8);
    for (int round = 0; round < 300; ++round) {
      const std::size_t count = std::uniform_int_distribution<std::size_t>(0, 400)(rng);
      const bool sorted = round % 2 == 0;
      std::vector<PriceLevel> input;
      ModelSide model(which);
      for (std::size_t i = 0; i < count; ++i) {
        // Sorted rounds: distinct prices in best-first order (zeros included, to be dropped).
        const std::int64_t price =
            sorted ? (which == Side::bid ? 100'000 - static_cast<std::int64_t>(i) * 3
                                         : 1'000 + static_cast<std::int64_t>(i) * 3)
                   : std::uniform_int_distribution<std::int64_t>(1, 300)(rng);
        const std::int64_t qty = std::uniform_int_distribution<int>(0, 9)(rng) == 0
                                     ? 0
                                     : std::uniform_int_distribution<std::int64_t>(1, 1'000)(rng);
        input.push_back(PriceLevel{units(price), units(qty)});
        model.set(price, qty);
      }
      side.load(input);
      expect_same(side, model, "round " + std::to_string(round));
    }
  }
}

TEST(BookSide, EmptySide) {
  BookSide side(Side::ask);
  EXPECT_TRUE(side.empty());
  EXPECT_EQ(side.size(), 0u);
  EXPECT_FALSE(side.best());
  side.set(units(100), Decimal{});  // removing from an empty side is ignored
  EXPECT_TRUE(side.empty());
  std::vector<PriceLevel> top{PriceLevel{units(1), units(1)}};
  side.append_top(10, top);
  EXPECT_EQ(top.size(), 1u);  // appends nothing, keeps what was there
  side.load({});
  EXPECT_TRUE(side.empty());
  EXPECT_EQ(side.block_count(), 0u);
}

TEST(BookSide, OneLevelUpdatedAndRemoved) {
  BookSide side(Side::bid);
  side.set(units(500), units(3));
  ASSERT_EQ(side.size(), 1u);
  EXPECT_EQ(side.level(0), (PriceLevel{units(500), units(3)}));
  side.set(units(500), units(4));
  EXPECT_EQ(*side.best(), (PriceLevel{units(500), units(4)}));
  side.set(units(499), Decimal{});  // absent neighbour: nothing happens
  EXPECT_EQ(side.size(), 1u);
  side.set(units(500), Decimal{});
  EXPECT_TRUE(side.empty());
  EXPECT_EQ(side.block_count(), 0u);
  EXPECT_EQ(side.pooled_block_count(), 1u);
}

TEST(BookSide, BidsAndAsksOrderOppositeWays) {
  BookSide bids(Side::bid, 4);
  BookSide asks(Side::ask, 4);
  for (std::int64_t price : {5, 1, 9, 3, 7, 2, 8}) {
    bids.set(units(price), units(price * 10));
    asks.set(units(price), units(price * 10));
  }
  EXPECT_EQ(bids.best()->price, units(9));
  EXPECT_EQ(asks.best()->price, units(1));
  EXPECT_EQ(bids.level(6).price, units(1));
  EXPECT_EQ(asks.level(6).price, units(9));
  EXPECT_EQ(asks.level(2), (PriceLevel{units(3), units(30)}));
}

// Clearing and reloading reuses the pooled blocks: the total never grows for the same content.
TEST(BookSide, ClearAndReloadReuseBlocks) {
  BookSide side(Side::ask, 8);
  std::vector<PriceLevel> snapshot;
  for (std::int64_t i = 0; i < 500; ++i) snapshot.push_back(PriceLevel{units(100 + i), units(1)});
  side.load(snapshot);
  for (std::int64_t i = 0; i < 200; ++i) side.set(units(1'000 + i), units(2));  // split the top
  const std::size_t total = side.block_count() + side.pooled_block_count();
  EXPECT_GT(side.block_count(), 500u / 8);
  for (int round = 0; round < 3; ++round) {
    side.clear();
    EXPECT_EQ(side.block_count(), 0u);
    EXPECT_EQ(side.pooled_block_count(), total);
    side.load(snapshot);
    for (std::int64_t i = 0; i < 200; ++i) side.set(units(1'000 + i), units(2));
    EXPECT_EQ(side.size(), 700u);
    EXPECT_EQ(side.block_count() + side.pooled_block_count(), total);
    EXPECT_EQ(side.level(0), (PriceLevel{units(100), units(1)}));
    EXPECT_EQ(side.level(699), (PriceLevel{units(1'199), units(2)}));
  }
}

// Copies are independent: changing one leaves the other as it was.
TEST(BookSide, CopiesAreIndependent) {
  BookSide side(Side::bid, 4);
  for (std::int64_t price = 1; price <= 50; ++price) side.set(units(price), units(price));
  BookSide copy = side;
  for (std::int64_t price = 1; price <= 50; price += 2) side.set(units(price), Decimal{});
  EXPECT_EQ(side.size(), 25u);
  EXPECT_EQ(copy.size(), 50u);
  EXPECT_EQ(copy.level(0), (PriceLevel{units(50), units(50)}));
  EXPECT_EQ(copy.level(49), (PriceLevel{units(1), units(1)}));
}

// OrderBook holds its sides behind a pointer: its copies (and moves, which copy) must be deep.
TEST(BookSide, OrderBookCopiesAndMovesAreDeep) {
  OrderBook book;
  for (std::int64_t price = 1; price <= 100; ++price) {
    book.set_level(Side::bid, units(price), units(1));
    book.set_level(Side::ask, units(1'000 + price), units(2));
  }
  book.set_last_update_id(9);
  OrderBook copy(book);
  OrderBook assigned;
  assigned.set_level(Side::ask, units(5), units(5));
  assigned = book;
  book.clear();
  OrderBook moved(std::move(copy));
  for (const OrderBook* other : {&copy, &assigned, &moved}) {
    EXPECT_EQ(other->bid_count(), 100u);
    EXPECT_EQ(other->ask_count(), 100u);
    EXPECT_EQ(other->bid(0), (PriceLevel{units(100), units(1)}));
    EXPECT_EQ(other->ask(99), (PriceLevel{units(1'100), units(2)}));
    EXPECT_EQ(other->last_update_id(), 9u);
  }
  EXPECT_EQ(book.bid_count(), 0u);
  moved.set_level(Side::bid, units(100), Decimal{});
  EXPECT_EQ(copy.bid(0), (PriceLevel{units(100), units(1)}));
}

}  // namespace
}  // namespace depthrec
