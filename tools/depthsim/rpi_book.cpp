#include "rpi_book.hpp"

#include <vector>

namespace depthsim {
namespace {

// RPI ids start far from the normal book's, so a recorder mixing the two books up breaks at once.
constexpr std::uint64_t kFirstRpiId = 7'000'000'000ULL;
// The RPI quantity changes among the normal book's best levels.
constexpr std::size_t kRpiLevels = 20;

}  // namespace

RpiBook::RpiBook(const LevelBook& normal, std::uint64_t seed) : random_(seed), book_(normal) {
  book_.set_last_update_id(kFirstRpiId);
}

void RpiBook::set_combined(bool is_bid, std::int64_t price, const LevelBook& normal,
                           BookUpdate& out) {
  std::vector<PriceLevel>& side = is_bid ? out.bids : out.asks;
  // The update's own prices are distinct: only the RPI change, pushed first, can repeat one.
  if (!side.empty() && side.front().price == price) return;
  const std::int64_t normal_qty = normal.qty_at(is_bid, price);
  if (normal_qty == 0) extra_.set_level(is_bid, price, 0);  // RPI quantity goes with its level
  const std::int64_t combined = normal_qty == 0 ? 0 : normal_qty + extra_.qty_at(is_bid, price);
  book_.set_level(is_bid, price, combined);
  side.push_back({price, combined});
}

BookUpdate RpiBook::next(const BookUpdate& update, const LevelBook& normal) {
  BookUpdate out;
  out.prev_last_id = book_.last_update_id();
  out.first_id = out.prev_last_id + 1;
  // One RPI change at a level among the normal book's best: new or changed quantity, or (one
  // time in four) withdrawn.
  const bool is_bid = random_.percent(50);
  const std::vector<PriceLevel> top =
      is_bid ? normal.top_bids(kRpiLevels) : normal.top_asks(kRpiLevels);
  if (!top.empty()) {
    const PriceLevel& level = top[random_.below(top.size())];
    extra_.set_level(is_bid, level.price, random_.percent(25) ? 0 : random_.between(1, 500));
    set_combined(is_bid, level.price, normal, out);
  }
  for (const PriceLevel& level : update.bids) set_combined(true, level.price, normal, out);
  for (const PriceLevel& level : update.asks) set_combined(false, level.price, normal, out);
  out.last_id = out.first_id + out.bids.size() + out.asks.size();
  book_.set_last_update_id(out.last_id);
  return out;
}

}  // namespace depthsim
