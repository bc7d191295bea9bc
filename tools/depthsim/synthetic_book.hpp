// A seeded synthetic order book for one symbol that produces Binance-like depth updates:
// a few hundred levels a side, 1-40 changed levels per event, levels appearing and vanishing
// (including removals of absent levels), occasional one-sided events, a moving top of book that
// never crosses, and update ids that advance by many per event like Binance's.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "level_book.hpp"
#include "market_spec.hpp"
#include "seeded_random.hpp"

namespace depthsim {

class SyntheticBook {
 public:
  // The same (spec, seed, market) always yields the same sequence of updates.
  SyntheticBook(const SymbolSpec& spec, Market market, std::uint64_t seed);

  // Generates the next update, applies it to the book and returns it (E/T left at 0: the
  // caller stamps exchange time). Futures ids jump between events (pu chains them), spot ids
  // are contiguous (U == previous u + 1).
  BookUpdate next();

  // Hostile volumes (--large-events, --level-flood), appended to an update next() returned.
  // Large events: `count` removals of absent levels far from the top (half bids, half asks):
  // a big frame that leaves the book as it is (depthrec refuses more than 10,000 a side). Level
  // flood: `count` new asks beyond every ask so far, kept in the book (the truth grows by `count`
  // levels per event).
  void pad_with_absent_levels(BookUpdate& update, std::size_t count) const;
  // A trade took `qty` at the top of a side (is_bid: a seller hit the best bid): the next update
  // lowers that level by it (removes it when nothing is left), as the exchange's depth event
  // following a trade does.
  void take_at_top(bool is_bid, std::int64_t qty) { pending_take_ = {is_bid, qty}; }
  void add_far_levels(BookUpdate& update, std::size_t count);

  const LevelBook& book() const { return book_; }
  const SymbolSpec& spec() const { return spec_; }
  std::uint64_t events_generated() const { return events_generated_; }

  // The book as it was `events_ago` updates back (at most history_depth()); clamps to the oldest.
  LevelBook book_before(std::size_t events_ago) const;
  static constexpr std::size_t history_depth() { return 64; }

 private:
  void seed_levels();
  void change_side(bool is_bid, std::vector<LevelUndo>& undo);
  std::int64_t random_qty();

  SymbolSpec spec_;
  Market market_;
  SeededRandom random_;
  LevelBook book_;
  std::uint64_t events_generated_ = 0;
  struct UndoRecord {
    std::uint64_t previous_last_id = 0;
    std::vector<LevelUndo> changes;
  };
  std::deque<UndoRecord> history_;
  std::int64_t next_flood_ask_ = 0;
  struct Take {
    bool is_bid = true;
    std::int64_t qty = 0;
  };
  std::optional<Take> pending_take_;  // 0: not started (10 x the start price)
};

}  // namespace depthsim
