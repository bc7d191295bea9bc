#include "depthrec/order_book.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>

namespace depthrec {
namespace {

Decimal d(std::int64_t whole, std::int64_t hundredths = 0) {
  return Decimal{whole * Decimal::kOne + hundredths * (Decimal::kOne / 100)};
}
PriceLevel lvl(std::int64_t price, std::int64_t qty) {
  return PriceLevel{d(price), d(qty)};
}

TEST(OrderBook, StartsEmpty) {
  OrderBook book;
  EXPECT_EQ(book.bid_count(), 0u);
  EXPECT_EQ(book.ask_count(), 0u);
  EXPECT_FALSE(book.best_bid());
  EXPECT_FALSE(book.best_ask());
  EXPECT_FALSE(book.crossed());
  EXPECT_EQ(book.last_update_id(), 0u);
}

TEST(OrderBook, InsertsUpdatesAndDeletesKeepingBestFirst) {
  OrderBook book;
  book.set_level(Side::bid, d(100), d(1));
  book.set_level(Side::bid, d(102), d(2));
  book.set_level(Side::bid, d(101), d(3));
  book.set_level(Side::ask, d(105), d(4));
  book.set_level(Side::ask, d(103), d(5));
  book.set_level(Side::ask, d(104), d(6));
  ASSERT_EQ(book.bid_count(), 3u);
  ASSERT_EQ(book.ask_count(), 3u);
  EXPECT_EQ(book.bid(0), lvl(102, 2));
  EXPECT_EQ(book.bid(1), lvl(101, 3));
  EXPECT_EQ(book.bid(2), lvl(100, 1));
  EXPECT_EQ(book.ask(0), lvl(103, 5));
  EXPECT_EQ(book.ask(1), lvl(104, 6));
  EXPECT_EQ(book.ask(2), lvl(105, 4));
  EXPECT_EQ(*book.best_bid(), lvl(102, 2));
  EXPECT_EQ(*book.best_ask(), lvl(103, 5));

  book.set_level(Side::bid, d(101), d(7));  // update in place
  EXPECT_EQ(book.bid(1), lvl(101, 7));
  EXPECT_EQ(book.bid_count(), 3u);

  book.set_level(Side::bid, d(102), Decimal{});  // delete the best
  EXPECT_EQ(*book.best_bid(), lvl(101, 7));
  book.set_level(Side::ask, d(999), Decimal{});  // delete an absent level: ignored
  book.set_level(Side::bid, d(50), Decimal{});
  EXPECT_EQ(book.bid_count(), 2u);
  EXPECT_EQ(book.ask_count(), 3u);
  EXPECT_FALSE(book.crossed());
}

TEST(OrderBook, CrossedWhenBestBidReachesBestAsk) {
  OrderBook book;
  book.set_level(Side::bid, d(100), d(1));
  book.set_level(Side::ask, d(101), d(1));
  EXPECT_FALSE(book.crossed());
  book.set_level(Side::bid, d(101), d(1));
  EXPECT_TRUE(book.crossed());
  book.set_level(Side::bid, d(101), d(0));
  book.set_level(Side::bid, d(102), d(1));
  EXPECT_TRUE(book.crossed());
}

TEST(OrderBook, ApplySetsFinalIdAndHandlesDeletes) {
  OrderBook book;
  DepthUpdate update;
  update.final_id = 42;
  update.bids = {lvl(100, 1), lvl(99, 2), lvl(98, 0)};
  update.asks = {lvl(101, 3), lvl(102, 0)};
  book.apply(update);
  EXPECT_EQ(book.last_update_id(), 42u);
  EXPECT_EQ(book.bid_count(), 2u);
  EXPECT_EQ(book.ask_count(), 1u);
  update.final_id = 43;
  update.bids = {lvl(100, 0)};
  update.asks = {};
  book.apply(update);
  EXPECT_EQ(book.last_update_id(), 43u);
  EXPECT_EQ(*book.best_bid(), lvl(99, 2));
}

// Issue 18 (8): the book had no level bound (5 M new levels took 193 MB). Past the bound the
// levels farthest from the top are dropped and counted; the top stays exact.
TEST(OrderBook, LevelBoundDropsTheFarthestLevelsAndCountsThem) {
  OrderBook book;
  book.set_max_levels_per_side(3);
  DepthUpdate update;
  update.final_id = 1;
  for (std::int64_t i = 0; i < 100; ++i) {  // bids 1000 down to 901, asks 1001 up to 1100
    update.bids.push_back(lvl(1000 - i, 1));
    update.asks.push_back(lvl(1001 + i, 1));
  }
  book.apply(update);
  ASSERT_EQ(book.bid_count(), 3u);
  ASSERT_EQ(book.ask_count(), 3u);
  EXPECT_EQ(book.bid(0), lvl(1000, 1));
  EXPECT_EQ(book.bid(2), lvl(998, 1));
  EXPECT_EQ(book.ask(0), lvl(1001, 1));
  EXPECT_EQ(book.ask(2), lvl(1003, 1));
  EXPECT_EQ(book.levels_dropped(), 194u);
  // A better level pushes the worst one out; deleting a dropped level changes nothing.
  update.bids = {lvl(1000, 0), lvl(1005, 2), lvl(950, 0)};
  update.asks = {};
  book.apply(update);
  ASSERT_EQ(book.bid_count(), 3u);
  EXPECT_EQ(book.bid(0), lvl(1005, 2));
  EXPECT_EQ(book.bid(2), lvl(998, 1));
  EXPECT_EQ(book.levels_dropped(), 194u);
  // A snapshot deeper than the bound is cut the same way; the bound survives clear().
  book.clear();
  DepthSnapshot snapshot;
  snapshot.bids = {lvl(10, 1), lvl(9, 1), lvl(8, 1), lvl(7, 1), lvl(6, 1)};
  book.load(snapshot);
  EXPECT_EQ(book.bid_count(), 3u);
  EXPECT_EQ(book.bid(2), lvl(8, 1));
  EXPECT_EQ(book.levels_dropped(), 196u);
}

TEST(OrderBook, LoadsSnapshotAndReplacesPreviousContent) {
  OrderBook book;
  book.set_level(Side::bid, d(1), d(1));
  DepthSnapshot snapshot;
  snapshot.last_update_id = 7;
  snapshot.bids = {lvl(100, 1), lvl(99, 2), lvl(97, 3)};
  snapshot.asks = {lvl(101, 4), lvl(103, 5)};
  book.load(snapshot);
  EXPECT_EQ(book.last_update_id(), 7u);
  ASSERT_EQ(book.bid_count(), 3u);
  EXPECT_EQ(book.bid(0), lvl(100, 1));
  EXPECT_EQ(book.bid(2), lvl(97, 3));
  EXPECT_EQ(book.ask(0), lvl(101, 4));
  EXPECT_EQ(book.ask(1), lvl(103, 5));
  book.set_level(Side::bid, d(98), d(9));
  EXPECT_EQ(book.bid(2), lvl(98, 9));
}

TEST(OrderBook, LoadToleratesUnorderedDuplicatedAndZeroLevels) {
  OrderBook book;
  DepthSnapshot snapshot;
  snapshot.bids = {lvl(97, 1), lvl(100, 2), lvl(97, 3), lvl(99, 0)};
  snapshot.asks = {lvl(105, 1), lvl(101, 2), lvl(105, 0)};
  book.load(snapshot);
  ASSERT_EQ(book.bid_count(), 2u);
  EXPECT_EQ(book.bid(0), lvl(100, 2));
  EXPECT_EQ(book.bid(1), lvl(97, 3));  // the last occurrence wins
  ASSERT_EQ(book.ask_count(), 1u);     // 105 was set, then removed
  EXPECT_EQ(book.ask(0), lvl(101, 2));
}

TEST(OrderBook, ReplaceTakesThePartialView) {
  OrderBook book;
  for (int p = 1; p <= 50; ++p) book.set_level(Side::bid, d(p), d(1));
  DepthUpdate partial;
  partial.kind = DepthKind::partial;
  partial.final_id = 99;
  partial.bids = {lvl(60, 1), lvl(59, 2)};
  partial.asks = {lvl(61, 3)};
  book.replace(partial);
  EXPECT_EQ(book.last_update_id(), 99u);
  ASSERT_EQ(book.bid_count(), 2u);
  EXPECT_EQ(book.bid(0), lvl(60, 1));
  ASSERT_EQ(book.ask_count(), 1u);
}

TEST(OrderBook, TopCopiesBestFirstAndClearsOutputs) {
  OrderBook book;
  for (int p = 1; p <= 10; ++p) {
    book.set_level(Side::bid, d(p), d(p));
    book.set_level(Side::ask, d(100 + p), d(p));
  }
  std::vector<PriceLevel> bids{lvl(1, 1)}, asks{lvl(2, 2)};
  book.top(3, bids, asks);
  EXPECT_EQ(bids, (std::vector<PriceLevel>{lvl(10, 10), lvl(9, 9), lvl(8, 8)}));
  EXPECT_EQ(asks, (std::vector<PriceLevel>{lvl(101, 1), lvl(102, 2), lvl(103, 3)}));
  book.top(100, bids, asks);
  EXPECT_EQ(bids.size(), 10u);
  EXPECT_EQ(asks.size(), 10u);
  book.clear();
  book.top(5, bids, asks);
  EXPECT_TRUE(bids.empty());
  EXPECT_TRUE(asks.empty());
}

// Random changes against a std::map reference: same levels in the same order after every step.
// 1e11..1e13 quantities (and the whole 20-digit range) are held exactly through set, load,
// updates across block splits and merges, top() and copies.
TEST(OrderBook, WideQuantitiesStayExact) {
  const auto dec = [](const char* text) {
    Decimal value;
    EXPECT_TRUE(parse_decimal(text, value)) << text;
    return value;
  };
  const Decimal big = dec("12345678901234");
  const Decimal odd = dec("10000000000000.12345678");
  const Decimal max = dec("99999999999999999999.99999999");
  DepthSnapshot snapshot;
  snapshot.last_update_id = 1;
  for (std::int64_t tick = 0; tick < 200; ++tick) {  // several blocks per side
    snapshot.bids.push_back(PriceLevel{Decimal{1000 - tick}, Decimal{big.units + tick}});
    snapshot.asks.push_back(PriceLevel{Decimal{1001 + tick}, Decimal{odd.units + tick}});
  }
  OrderBook book;
  book.load(snapshot);
  book.set_level(Side::bid, Decimal{1000}, max);
  book.set_level(Side::ask, Decimal{2000}, big);  // a new worst ask, appended past the last block
  for (std::int64_t tick = 1; tick < 200; tick += 2)
    book.set_level(Side::bid, Decimal{1000 - tick}, Decimal{});
  const OrderBook copy = book;
  ASSERT_EQ(copy.bid_count(), 100u);
  EXPECT_EQ(to_string(copy.bid(0).qty), "99999999999999999999.99999999");
  EXPECT_EQ(copy.bid(1), (PriceLevel{Decimal{998}, Decimal{big.units + 2}}));
  EXPECT_EQ(to_string(copy.bid(1).qty), "12345678901234.00000002");
  EXPECT_EQ(to_string(copy.ask(0).qty), "10000000000000.12345678");
  EXPECT_EQ(copy.ask(copy.ask_count() - 1), (PriceLevel{Decimal{2000}, big}));
  std::vector<PriceLevel> bids, asks;
  copy.top(3, bids, asks);
  EXPECT_EQ(asks[2].qty, Decimal{odd.units + 2});
}

TEST(OrderBook, MatchesAMapReferenceUnderRandomChanges) {
  std::mt19937 rng(7);
  OrderBook book;
  std::map<std::int64_t, std::int64_t, std::greater<>> bids;
  std::map<std::int64_t, std::int64_t> asks;
  for (int step = 0; step < 20000; ++step) {
    const bool bid = rng() % 2 == 0;
    const std::int64_t price = static_cast<std::int64_t>(rng() % 2000) + (bid ? 0 : 2000);
    const std::int64_t qty = rng() % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1000 + 1);
    book.set_level(bid ? Side::bid : Side::ask, Decimal{price}, Decimal{qty});
    if (bid) {
      qty == 0 ? void(bids.erase(price)) : void(bids[price] = qty);
    } else {
      qty == 0 ? void(asks.erase(price)) : void(asks[price] = qty);
    }
    if (step % 500 != 0) continue;
    ASSERT_EQ(book.bid_count(), bids.size());
    ASSERT_EQ(book.ask_count(), asks.size());
    std::size_t i = 0;
    for (const auto& [p, q] : bids) ASSERT_EQ(book.bid(i++), (PriceLevel{{p}, {q}}));
    i = 0;
    for (const auto& [p, q] : asks) ASSERT_EQ(book.ask(i++), (PriceLevel{{p}, {q}}));
  }
}

// Prefetching is a hint: a book that asks for its blocks first ends every diff exactly as one
// that does not, through splits, merges, deletes and inserts on both sides.
TEST(OrderBook, PrefetchingBlocksChangesNothing) {
  std::mt19937 rng(11);
  OrderBook plain;
  OrderBook prefetching;
  prefetching.set_prefetch_blocks(true);
  ASSERT_FALSE(plain.prefetch_blocks());
  std::size_t levels_seen = 0;
  for (std::uint64_t event = 1; event <= 4000; ++event) {
    DepthUpdate diff;
    diff.final_id = event;
    for (int i = static_cast<int>(rng() % 40); i > 0; --i) {
      const bool bid = rng() % 2 == 0;
      const std::int64_t price = static_cast<std::int64_t>(rng() % 3000) + (bid ? 0 : 3000);
      const std::int64_t qty = rng() % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1000 + 1);
      (bid ? diff.bids : diff.asks).push_back(PriceLevel{Decimal{price}, Decimal{qty}});
    }
    plain.apply(diff);
    prefetching.apply(diff);
    ASSERT_EQ(prefetching.last_update_id(), event);
    ASSERT_EQ(prefetching.bid_count(), plain.bid_count());
    ASSERT_EQ(prefetching.ask_count(), plain.ask_count());
    if (event % 250 != 0) continue;
    for (std::size_t i = 0; i < plain.bid_count(); ++i) ASSERT_EQ(prefetching.bid(i), plain.bid(i));
    for (std::size_t i = 0; i < plain.ask_count(); ++i) ASSERT_EQ(prefetching.ask(i), plain.ask(i));
    levels_seen += plain.bid_count() + plain.ask_count();
  }
  EXPECT_GT(levels_seen, 16U * 1000U);  // deep books: many blocks, not one

  OrderBook copy(prefetching);
  EXPECT_TRUE(copy.prefetch_blocks());
  copy.clear();
  EXPECT_TRUE(copy.prefetch_blocks());
  plain = prefetching;
  EXPECT_TRUE(plain.prefetch_blocks());
}

}  // namespace
}  // namespace depthrec
