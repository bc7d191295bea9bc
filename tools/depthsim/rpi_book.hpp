// USD-M's RPI book (binance-protocol.md, "RPI book") as depthsim keeps it: the normal book's
// levels, with Retail Price Improvement quantity added at some of them. RPI quantity sits only at
// a price the normal book has (it goes when that level goes), so the RPI book never crosses where
// the normal one does not. It has its own update ids, and its events are derived from the normal
// book's: one RPI event per normal event, carrying each level that event changed (normal plus
// RPI quantity) and one change of RPI quantity near the top.
#pragma once

#include <cstdint>

#include "level_book.hpp"
#include "seeded_random.hpp"

namespace depthsim {

class RpiBook {
 public:
  // Starts as `normal` (no RPI quantity yet) with ids of its own.
  RpiBook(const LevelBook& normal, std::uint64_t seed);

  // The RPI event of normal `update`, already applied to `normal`; applied to book() too (E/T
  // left at 0: the caller stamps them).
  BookUpdate next(const BookUpdate& update, const LevelBook& normal);

  const LevelBook& book() const { return book_; }  // the truth: /sim/truth?book=rpi, snapshots

 private:
  void set_combined(bool is_bid, std::int64_t price, const LevelBook& normal, BookUpdate& out);

  SeededRandom random_;
  LevelBook book_;   // normal quantity plus RPI quantity, level by level
  LevelBook extra_;  // the RPI quantity alone
};

}  // namespace depthsim
