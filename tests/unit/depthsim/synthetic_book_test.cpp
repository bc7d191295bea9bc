// The synthetic market: deterministic for a seed, Binance-like updates, and a consistent truth.
#include <gtest/gtest.h>

#include <set>

#include "payload_format.hpp"
#include "synthetic_book.hpp"

namespace depthsim {
namespace {

constexpr int kEvents = 20000;

TEST(SyntheticBook, SameSeedSameSequenceOtherSeedDifferent) {
  const SymbolSpec spec = symbol_spec(Market::usdm, "BTCUSDT");
  SyntheticBook first(spec, Market::usdm, 42);
  SyntheticBook second(spec, Market::usdm, 42);
  SyntheticBook other(spec, Market::usdm, 43);
  bool differs = false;
  for (int i = 0; i < 500; ++i) {
    const BookUpdate a = first.next();
    const BookUpdate b = second.next();
    const BookUpdate c = other.next();
    ASSERT_EQ(a.first_id, b.first_id);
    ASSERT_EQ(a.last_id, b.last_id);
    ASSERT_EQ(a.bids, b.bids);
    ASSERT_EQ(a.asks, b.asks);
    differs = differs || a.bids != c.bids || a.asks != c.asks;
  }
  EXPECT_TRUE(differs);
  EXPECT_EQ(render_snapshot(Market::usdm, spec, first.book(), 0, 1, 1),
            render_snapshot(Market::usdm, spec, second.book(), 0, 1, 1));
}

void check_sorted_unique(const std::vector<PriceLevel>& levels, bool descending) {
  for (std::size_t i = 1; i < levels.size(); ++i) {
    if (descending) {
      ASSERT_GT(levels[i - 1].price, levels[i].price);
    } else {
      ASSERT_LT(levels[i - 1].price, levels[i].price);
    }
  }
}

struct Observed {
  int empty_bid_side = 0;
  int empty_ask_side = 0;
  int removals_of_absent = 0;
  int removals = 0;
  std::size_t max_changes = 0;
};

Observed run_invariants(Market market, const char* symbol) {
  const SymbolSpec spec = symbol_spec(market, symbol);
  SyntheticBook generator(spec, market, 7);
  LevelBook replica = generator.book();  // a client that saw the initial snapshot
  Observed seen;
  std::uint64_t previous_last = generator.book().last_update_id();
  for (int i = 0; i < kEvents; ++i) {
    const BookUpdate update = generator.next();
    // Ids: futures chain through pu and may jump; spot is contiguous.
    EXPECT_EQ(update.prev_last_id, previous_last);
    if (is_futures(market)) {
      EXPECT_GT(update.first_id, previous_last);
    } else {
      EXPECT_EQ(update.first_id, previous_last + 1);
    }
    EXPECT_LE(update.first_id, update.last_id);
    previous_last = update.last_id;

    check_sorted_unique(update.bids, true);
    check_sorted_unique(update.asks, false);
    const std::size_t changes = update.bids.size() + update.asks.size();
    EXPECT_GE(changes, 1u);
    EXPECT_LE(changes, 40u);
    seen.max_changes = std::max(seen.max_changes, changes);
    seen.empty_bid_side += update.bids.empty();
    seen.empty_ask_side += update.asks.empty();
    for (const auto* side : {&update.bids, &update.asks}) {
      for (const PriceLevel& level : *side) {
        EXPECT_EQ(level.price % spec.tick, 0);
        EXPECT_EQ(level.qty % spec.qty_step, 0);
        EXPECT_GE(level.qty, 0);
        if (level.qty == 0) {
          ++seen.removals;
          const bool present = replica.qty_at(side == &update.bids, level.price) > 0;
          seen.removals_of_absent += !present;
        }
      }
    }
    replica.apply(update);
    const LevelBook& truth = generator.book();
    EXPECT_FALSE(truth.is_crossed()) << "event " << i;
    EXPECT_GT(truth.size(true), 0u);
    EXPECT_GT(truth.size(false), 0u);
    if (::testing::Test::HasFailure()) break;
  }
  // Snapshot + every update == the truth.
  EXPECT_EQ(replica.top_bids(0), generator.book().top_bids(0));
  EXPECT_EQ(replica.top_asks(0), generator.book().top_asks(0));
  EXPECT_EQ(replica.last_update_id(), generator.book().last_update_id());
  const std::size_t bid_levels = generator.book().size(true);
  EXPECT_GE(bid_levels, 100u);
  EXPECT_LE(bid_levels, 700u);
  return seen;
}

TEST(SyntheticBook, UsdmInvariantsOverManyEvents) {
  const Observed seen = run_invariants(Market::usdm, "BTCUSDT");
  EXPECT_GT(seen.empty_bid_side, 0);
  EXPECT_GT(seen.empty_ask_side, 0);
  EXPECT_GT(seen.removals, kEvents / 2);
  EXPECT_GT(seen.removals_of_absent, 0);
  EXPECT_GE(seen.max_changes, 30u);
}

TEST(SyntheticBook, SpotAndCoinmInvariants) {
  run_invariants(Market::spot, "ETHUSDT");
  run_invariants(Market::coinm, "BTCUSD_PERP");
}

// The low-priced profile: every level quantity 1e11..1e13 whole units (past the int64 range of
// 1e-8 units), printed with two decimals, and the same invariants as every other symbol.
TEST(SyntheticBook, PepeProfileHasWideWholeQuantities) {
  run_invariants(Market::spot, "PEPEUSDT");
  const SymbolSpec spec = symbol_spec(Market::spot, "PEPEUSDT");
  SyntheticBook generator(spec, Market::spot, 11);
  for (int i = 0; i < 200; ++i) generator.next();
  std::size_t levels = 0;
  for (const PriceLevel& level : generator.book().top_bids(0)) {
    ASSERT_GE(level.qty, 100'000'000'000 * spec.qty_step);
    ASSERT_LE(level.qty, 10'000'000'000'000 * spec.qty_step);
    ASSERT_EQ(level.qty % 100, 0) << "whole units";
    ++levels;
  }
  EXPECT_GT(levels, 100u);
  EXPECT_EQ(format_fixed(1'234'567'890'123'400, spec.qty_decimals), "12345678901234.00");
  EXPECT_EQ(format_fixed(generator.book().best(true)->price, spec.price_decimals).substr(0, 6),
            "0.0000");
}

TEST(SyntheticBook, BookBeforeRebuildsRecentPast) {
  SyntheticBook generator(symbol_spec(Market::usdm, "BTCUSDT"), Market::usdm, 3);
  std::vector<LevelBook> past;
  for (int i = 0; i < 100; ++i) {
    past.push_back(generator.book());
    generator.next();
  }
  for (std::size_t ago : {1u, 10u, 50u, 64u}) {
    const LevelBook rebuilt = generator.book_before(ago);
    const LevelBook& expected = past[past.size() - ago];
    EXPECT_EQ(rebuilt.top_bids(0), expected.top_bids(0)) << ago;
    EXPECT_EQ(rebuilt.top_asks(0), expected.top_asks(0)) << ago;
    EXPECT_EQ(rebuilt.last_update_id(), expected.last_update_id()) << ago;
  }
  // Beyond the kept history it clamps to the oldest book it can rebuild.
  EXPECT_EQ(generator.book_before(1000).last_update_id(), past[past.size() - 64].last_update_id());
}

// --level-flood: the flood's asks are in the update and in the truth, beyond every other ask; the
// top is the synthetic book's; book_before() still rebuilds the past (the undo records).
TEST(SyntheticBook, LevelFloodAddsFarAsksToTheUpdateAndTheTruth) {
  SyntheticBook generator(symbol_spec(Market::usdm, "BTCUSDT"), Market::usdm, 5);
  const LevelBook before = generator.book();
  std::size_t asks_before = before.size(false);
  for (int i = 0; i < 5; ++i) {
    BookUpdate update = generator.next();
    const std::size_t own_asks = update.asks.size();
    generator.add_far_levels(update, 1000);
    ASSERT_EQ(update.asks.size(), own_asks + 1000);
    for (std::size_t k = own_asks; k < update.asks.size(); ++k) {
      EXPECT_GT(update.asks[k].qty, 0);
      EXPECT_EQ(generator.book().qty_at(false, update.asks[k].price), update.asks[k].qty);
      if (k > own_asks) {
        EXPECT_GT(update.asks[k].price, update.asks[k - 1].price) << "best first";
      }
    }
    asks_before += 1000;
  }
  EXPECT_GE(generator.book().size(false), asks_before - 200);  // the synthetic side moves a little
  EXPECT_LT(generator.book().best(false)->price, generator.spec().start_price * 2) << "top unmoved";
  const LevelBook rebuilt = generator.book_before(5);
  EXPECT_EQ(rebuilt.top_asks(0), before.top_asks(0));
  EXPECT_EQ(rebuilt.top_bids(0), before.top_bids(0));
}

// --large-events: removals of levels the book never has, on both sides, best first; the book and
// the truth are unchanged.
TEST(SyntheticBook, LargeEventsCarryRemovalsOfAbsentLevels) {
  SyntheticBook generator(symbol_spec(Market::usdm, "BTCUSDT"), Market::usdm, 6);
  BookUpdate update = generator.next();
  const LevelBook after_next = generator.book();
  const std::size_t own_bids = update.bids.size(), own_asks = update.asks.size();
  generator.pad_with_absent_levels(update, 1001);
  ASSERT_EQ(update.bids.size(), own_bids + 500);
  ASSERT_EQ(update.asks.size(), own_asks + 501);
  for (std::size_t k = own_bids; k < update.bids.size(); ++k) {
    EXPECT_EQ(update.bids[k].qty, 0);
    EXPECT_EQ(after_next.qty_at(true, update.bids[k].price), 0);
    EXPECT_GT(update.bids[k].price, 0);
    if (k > 0) {
      EXPECT_LT(update.bids[k].price, update.bids[k - 1].price) << "best first";
    }
  }
  for (std::size_t k = own_asks; k < update.asks.size(); ++k) {
    EXPECT_EQ(update.asks[k].qty, 0);
    EXPECT_EQ(after_next.qty_at(false, update.asks[k].price), 0);
    if (k > 0) {
      EXPECT_GT(update.asks[k].price, update.asks[k - 1].price) << "best first";
    }
  }
  EXPECT_EQ(generator.book(), after_next);
}

TEST(SyntheticBook, RealisticGrid) {
  const SymbolSpec btc = symbol_spec(Market::usdm, "BTCUSDT");
  EXPECT_EQ(btc.price_decimals, 2);
  EXPECT_EQ(btc.tick, 10);
  EXPECT_EQ(format_fixed(btc.start_price, btc.price_decimals), "60000.00");
  EXPECT_EQ(format_fixed(0, 3), "0.000");
  EXPECT_EQ(format_fixed(6394390, 2), "63943.90");
  EXPECT_EQ(format_fixed(5, 8), "0.00000005");
  EXPECT_EQ(format_fixed(12, 0), "12");
}

}  // namespace
}  // namespace depthsim
