// A full price-level book in integer units plus the update record the simulator generates.
// It is the ground truth that snapshots, /sim/truth, partial depth and bookTicker are cut from.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace depthsim {

struct PriceLevel {
  std::int64_t price = 0;
  std::int64_t qty = 0;  // in an update, 0 removes the level
  friend bool operator==(const PriceLevel& a, const PriceLevel& b) {
    return a.price == b.price && a.qty == b.qty;
  }
};

// One depth event: ids as Binance numbers them (first U, final u, previous final pu), the
// changed levels best-first, and the exchange times.
struct BookUpdate {
  std::uint64_t first_id = 0;       // U
  std::uint64_t last_id = 0;        // u
  std::uint64_t prev_last_id = 0;   // pu
  std::int64_t event_ms = 0;        // E
  std::int64_t transaction_ms = 0;  // T
  std::vector<PriceLevel> bids;
  std::vector<PriceLevel> asks;
};

// What a change overwrote, so a recent past book can be rebuilt (stale snapshot fault).
struct LevelUndo {
  bool is_bid = true;
  std::int64_t price = 0;
  std::int64_t previous_qty = 0;  // 0 = the level was absent
};

class LevelBook {
 public:
  // Sets one level (qty 0 removes it); returns what it overwrote.
  LevelUndo set_level(bool is_bid, std::int64_t price, std::int64_t qty);
  void undo(const LevelUndo& change);
  // Adds `levels` (best first, all worse than the side's worst level) in one move: a flood of
  // far-away levels costs one shift of the side per event, not one per level.
  void add_beyond_worst(bool is_bid, const std::vector<PriceLevel>& levels);
  void apply(const BookUpdate& update);

  std::int64_t qty_at(bool is_bid, std::int64_t price) const;  // 0 when the level is absent
  std::size_t size(bool is_bid) const { return is_bid ? bids_.size() : asks_.size(); }
  std::optional<PriceLevel> best(bool is_bid) const;  // nullopt when the side is empty
  std::uint64_t last_update_id() const { return last_update_id_; }
  void set_last_update_id(std::uint64_t id) { last_update_id_ = id; }

  // The best `depth` levels per side, best first (depth 0 = all).
  std::vector<PriceLevel> top_bids(std::size_t depth) const;
  std::vector<PriceLevel> top_asks(std::size_t depth) const;
  bool is_crossed() const;

  friend bool operator==(const LevelBook& a, const LevelBook& b) {
    return a.last_update_id_ == b.last_update_id_ && a.bids_ == b.bids_ && a.asks_ == b.asks_;
  }

 private:
  // Each side is a contiguous vector sorted so that its best price is at the back: changes
  // cluster near the top, so inserts and removals move few elements, and binary searches stay
  // in cache (a std::map's scattered nodes cost a cache miss per step).
  std::vector<PriceLevel> bids_;  // ascending price: best bid last
  std::vector<PriceLevel> asks_;  // descending price: best ask last
  std::uint64_t last_update_id_ = 0;
};

}  // namespace depthsim
