// One side of an order book (all bids or all asks) as a blocked sorted array: levels live in
// fixed-capacity blocks, sorted from the worst to the best price within and across blocks, and a
// small index holds each block's worst price. A change costs a search of the index, a search of one
// block and a shift of at most one block's levels, however deep the book is; a full block splits
// in two, an emptied block is freed and a nearly empty one merges into a neighbour.
// Freed blocks stay in a pool owned by the side, so a book that has reached its working size
// changes, clears and reloads without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "depthrec/decimal.hpp"
#include "depthrec/depth_event.hpp"

namespace depthrec {

class BookSide {
 public:
  // Levels a block holds by default. On the real captures (callgrind, hot path) 32 gave 18,026
  // instructions/event on USD-M against 18,107 for 64 and 18,272 for 128 (spot: 31,477, 31,818,
  // 32,731), and book_apply timed the same or 1-3 % faster: larger blocks shift more per insert and
  // erase, smaller ones lengthen the index search by as much as they shorten the block search.
  static constexpr std::size_t kDefaultBlockCapacity = 32;

  // A capacity below 4 is raised to 4. Tests use small blocks to split and merge often.
  explicit BookSide(Side side, std::size_t block_capacity = kDefaultBlockCapacity);

  // Removes every level; the blocks go back to the pool.
  void clear();
  // Replaces the content with levels given best first (Binance's order). An unordered or
  // duplicated input is accepted: the last occurrence of a price wins, zero quantities are dropped.
  void load(const std::vector<PriceLevel>& best_first);
  // Asks for the cache lines of the blocks that setting these levels will read and change (their
  // ranks and quantities), without changing anything: OrderBook::set_prefetch_blocks.
  void prefetch(const std::vector<PriceLevel>& levels) const;
  // Sets one level; a zero quantity removes it (removing an absent level is ignored).
  // Precondition (load too): fits_book_price(price), which the parsers enforce.
  void set(Decimal price, Decimal qty);
  // Removes the worst levels (farthest from the top) until at most `keep` remain; returns how many.
  std::size_t drop_worst(std::size_t keep);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The i-th best level (0 = best), walking blocks from the top: O(1 + i / block size).
  // Precondition: i < size().
  PriceLevel level(std::size_t i) const;
  std::optional<PriceLevel> best() const;
  // Appends the n best levels (fewer if the side is shorter) to `out`, best first.
  void append_top(std::size_t n, std::vector<PriceLevel>& out) const;

  // Shape, for tests: how many blocks hold levels and how many are pooled for reuse.
  std::size_t block_count() const { return index_.size(); }
  std::size_t pooled_block_count() const { return free_blocks_.size(); }

 private:
  // A price as a rank that grows towards the top of this side (bids: the price, asks: its
  // negation), so one ascending order serves both sides. 64-bit: prices fit (fits_book_price), so
  // the searches, which read only ranks, cost what they did before quantities were widened.
  using Rank = std::int64_t;
  // Quantities have Decimal's whole range (1e13 and more on low-priced symbols): 16 bytes each.
  using Quantity = DecimalUnits;

  struct BlockEntry {
    Rank floor;           // the worst rank held by the block
    std::uint32_t block;  // block number in the storage
    std::uint32_t size;   // levels held, 1..capacity
  };

  Rank rank_of(Decimal price) const {
    const auto units = static_cast<Rank>(price.units);
    return bid_side_ ? units : -units;
  }
  Decimal price_of(Rank rank) const { return Decimal{bid_side_ ? rank : -rank}; }
  Rank* ranks(std::uint32_t block) { return &ranks_[block * capacity_]; }
  Quantity* quantities(std::uint32_t block) { return &quantities_[block * capacity_]; }
  const Rank* ranks(std::uint32_t block) const { return &ranks_[block * capacity_]; }
  const Quantity* quantities(std::uint32_t block) const { return &quantities_[block * capacity_]; }
  PriceLevel level_at(const BlockEntry& entry, std::size_t pos) const;

  // Index entry of the block where `rank` is or would be inserted. Precondition: !index_.empty().
  std::size_t find_entry(Rank rank) const;
  // Position of the first level of the block not below `rank`.
  std::size_t lower_bound_in(const BlockEntry& entry, Rank rank) const;
  void insert_at(std::size_t entry, std::size_t pos, Rank rank, Quantity qty);
  void erase_at(std::size_t entry, std::size_t pos);
  // Moves the upper half of a full block into a new block placed after it in the index.
  void split(std::size_t entry);
  // Empties a nearly empty block into a neighbour with room, then frees it.
  void merge_if_sparse(std::size_t entry);
  // Appends a level better than every held level (the load of a sorted input).
  void append_best(Rank rank, Quantity qty);

  std::uint32_t acquire_block();
  void release_block(std::uint32_t block);

  bool bid_side_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  std::vector<BlockEntry> index_;     // ascending floors: worst block first, best block last
  std::vector<Rank> ranks_;           // storage: block b holds [b * capacity_, (b + 1) * capacity_)
  std::vector<Quantity> quantities_;  // in units of Decimal, parallel to ranks_
  std::vector<std::uint32_t> free_blocks_;
};

}  // namespace depthrec
