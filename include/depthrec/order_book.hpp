// The local order book of one (market, symbol): exact prices, best-first views. Pure model: no I/O.
// Applying a diff of ~20 levels does not allocate once the book has grown to its working size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "depthrec/depth_event.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec {

class OrderBook {
 public:
  OrderBook();
  ~OrderBook();
  // Copies are deep; a move copies too, so that the source stays a valid book.
  OrderBook(const OrderBook& other);
  OrderBook& operator=(const OrderBook& other);

  void clear();
  // Replaces the whole book with the snapshot's levels; last_update_id() becomes its lastUpdateId.
  void load(const DepthSnapshot& snapshot);
  // Sets one level: a zero quantity removes it (removing an absent level is normal and ignored).
  void set_level(Side side, Decimal price, Decimal qty);
  // Applies every level of a diff and sets last_update_id() to its final id ("u").
  void apply(const DepthUpdate& update);
  // Replaces both sides with a partial-depth event's top-N levels.
  void replace(const DepthUpdate& partial);

  // A bound on the levels of each side (a hostile stream could add millions). After a load or an
  // update that takes a side past it, its levels farthest from the top are dropped and counted:
  // the top of the book stays exact, levels beyond the bound are not tracked. 0: no bound.
  // Survives clear().
  void set_max_levels_per_side(std::size_t max_levels) { max_levels_ = max_levels; }
  std::size_t max_levels_per_side() const { return max_levels_; }
  std::uint64_t levels_dropped() const { return levels_dropped_; }

  // A hint for a process that keeps many books (hundreds: more than the caches hold): apply()
  // first finds the blocks a diff changes and asks for their cache lines, so that a cold book's
  // misses overlap instead of following one another, then changes them. A book that stays in
  // cache (one symbol) pays the block searches twice for nothing: off by default. Survives clear().
  void set_prefetch_blocks(bool on) { prefetch_blocks_ = on; }
  bool prefetch_blocks() const { return prefetch_blocks_; }

  std::uint64_t last_update_id() const { return last_update_id_; }
  void set_last_update_id(std::uint64_t id) { last_update_id_ = id; }

  std::size_t bid_count() const;
  std::size_t ask_count() const;
  // i-th best level (0 = best). Precondition: i < count.
  PriceLevel bid(std::size_t i) const;
  PriceLevel ask(std::size_t i) const;
  std::optional<PriceLevel> best_bid() const;
  std::optional<PriceLevel> best_ask() const;
  bool crossed() const;  // best bid >= best ask: a sign of a broken book

  // Copies the top n levels of each side, best first, into the vectors (cleared first).
  void top(std::size_t n, std::vector<PriceLevel>& bids, std::vector<PriceLevel>& asks) const;

 private:
  // Each side is a blocked sorted array (src/model/book_side.hpp): an insert or erase moves at most
  // one block of levels, whatever the depth; spare blocks are pooled, so the steady state does not
  // allocate. Behind a pointer to keep that structure out of the public headers.
  struct Sides;
  std::unique_ptr<Sides> sides_;
  std::uint64_t last_update_id_ = 0;
  std::size_t max_levels_ = 0;
  std::uint64_t levels_dropped_ = 0;
  bool prefetch_blocks_ = false;

  void enforce_max_levels();
};

}  // namespace depthrec
