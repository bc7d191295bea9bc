#include "synthetic_book.hpp"

#include <algorithm>

namespace depthsim {

namespace {
constexpr std::size_t kInitialLevels = 300;
constexpr std::size_t kMaxLevels = 450;   // above this, changes lean towards removals
constexpr std::size_t kMinLevels = 150;   // below this, changes lean towards additions
constexpr std::size_t kFloorLevels = 20;  // a side never shrinks below this
}  // namespace

SyntheticBook::SyntheticBook(const SymbolSpec& spec, Market market, std::uint64_t seed)
    : spec_(spec), market_(market), random_(seed) {
  seed_levels();
}

std::int64_t SyntheticBook::random_qty() {
  // A profile's own range draws once, so the default below keeps its sequence for a seed.
  if (spec_.max_lots != 0) return random_.between(spec_.min_lots, spec_.max_lots) * spec_.qty_step;
  // Mostly small lots, sometimes a wall: a long-tailed size distribution like real books.
  const std::int64_t lots =
      random_.percent(10) ? random_.between(500, 50000) : random_.between(1, 400);
  return lots * spec_.qty_step;
}

void SyntheticBook::seed_levels() {
  const std::int64_t mid = spec_.start_price;
  std::int64_t bid = mid - spec_.tick;
  std::int64_t ask = mid;
  for (std::size_t i = 0; i < kInitialLevels; ++i) {
    book_.set_level(true, bid, random_qty());
    book_.set_level(false, ask, random_qty());
    bid -= spec_.tick * random_.between(1, 3);
    ask += spec_.tick * random_.between(1, 3);
  }
  // Binance ids are large; futures ids are shared by all symbols, so they start far apart.
  book_.set_last_update_id(1'000'000'000'000ULL + random_.below(1'000'000'000'000ULL));
}

void SyntheticBook::change_side(bool is_bid, std::vector<LevelUndo>& undo) {
  // Both sides keep at least kFloorLevels levels, so best() always has a value here.
  const std::size_t side_size = book_.size(is_bid);
  const std::int64_t best_bid = book_.best(true)->price;
  const std::int64_t best_ask = book_.best(false)->price;
  const std::int64_t best = is_bid ? best_bid : best_ask;
  const std::int64_t toward_far = is_bid ? -spec_.tick : spec_.tick;
  const std::int64_t spread_ticks = (best_ask - best_bid) / spec_.tick;
  const unsigned roll = static_cast<unsigned>(random_.below(100));

  if (roll < 8 && spread_ticks > 1) {
    // A new order inside the spread improves this side without crossing.
    const std::int64_t steps = random_.between(1, std::min<std::int64_t>(3, spread_ticks - 1));
    undo.push_back(book_.set_level(is_bid, best - toward_far * steps, random_qty()));
    return;
  }
  if (roll < 14 && side_size > kFloorLevels) {
    // The best level is taken out (a trade sweeping it): the spread widens.
    undo.push_back(book_.set_level(is_bid, best, 0));
    return;
  }
  // Activity concentrates near the top: a distance that is usually small, sometimes hundreds.
  const std::int64_t distance = static_cast<std::int64_t>(random_.below(random_.below(400) + 1));
  const std::int64_t price = best + toward_far * distance;
  if (price <= 0) return;
  const bool exists = book_.qty_at(is_bid, price) > 0;
  std::int64_t qty = 0;
  if (exists) {
    const unsigned remove_chance = side_size > kMaxLevels ? 60 : side_size <= kFloorLevels ? 0 : 35;
    qty = random_.percent(remove_chance) ? 0 : random_qty();
  } else {
    const unsigned add_chance = side_size < kMinLevels ? 98 : side_size > kMaxLevels ? 40 : 85;
    qty = random_.percent(add_chance) ? random_qty() : 0;  // 0 here removes an absent level
  }
  undo.push_back(book_.set_level(is_bid, price, qty));
}

BookUpdate SyntheticBook::next() {
  const unsigned size_roll = static_cast<unsigned>(random_.below(100));
  const std::int64_t change_count = size_roll < 70   ? random_.between(1, 8)
                                    : size_roll < 95 ? random_.between(9, 20)
                                                     : random_.between(21, 40);
  const bool one_sided = random_.percent(10);
  const bool only_bids = random_.percent(50);

  // The oldest history record is recycled, so steady-state generation does not allocate for it.
  UndoRecord record;
  if (history_.size() >= history_depth()) {
    record = std::move(history_.front());
    history_.pop_front();
    record.changes.clear();
  }
  record.previous_last_id = book_.last_update_id();
  if (pending_take_) {
    if (const std::optional<PriceLevel> top = book_.best(pending_take_->is_bid)) {
      record.changes.push_back(
          book_.set_level(pending_take_->is_bid, top->price,
                          std::max<std::int64_t>(0, top->qty - pending_take_->qty)));
    }
    pending_take_.reset();
  }
  for (std::int64_t i = 0; i < change_count; ++i) {
    const bool is_bid = one_sided ? only_bids : random_.percent(50);
    change_side(is_bid, record.changes);
  }

  // The event lists each touched price once, best first, with its final quantity (Binance
  // aggregates changes within an event).
  BookUpdate update;
  for (const LevelUndo& change : record.changes) {
    (change.is_bid ? update.bids : update.asks).push_back({change.price, 0});
  }
  auto by_price = [](const PriceLevel& a, const PriceLevel& b) { return a.price < b.price; };
  auto same_price = [](const PriceLevel& a, const PriceLevel& b) { return a.price == b.price; };
  std::sort(update.bids.begin(), update.bids.end(),
            [](const PriceLevel& a, const PriceLevel& b) { return a.price > b.price; });
  update.bids.erase(std::unique(update.bids.begin(), update.bids.end(), same_price),
                    update.bids.end());
  std::sort(update.asks.begin(), update.asks.end(), by_price);
  update.asks.erase(std::unique(update.asks.begin(), update.asks.end(), same_price),
                    update.asks.end());
  for (PriceLevel& level : update.bids) level.qty = book_.qty_at(true, level.price);
  for (PriceLevel& level : update.asks) level.qty = book_.qty_at(false, level.price);

  const std::uint64_t previous = book_.last_update_id();
  const std::uint64_t id_jump = is_futures(market_) ? random_.below(40) : 0;
  const std::uint64_t id_span =
      static_cast<std::uint64_t>(change_count) + random_.below(4 * change_count);
  update.prev_last_id = previous;
  update.first_id = previous + 1 + id_jump;
  update.last_id = update.first_id + id_span;
  book_.set_last_update_id(update.last_id);

  history_.push_back(std::move(record));
  ++events_generated_;
  return update;
}

void SyntheticBook::pad_with_absent_levels(BookUpdate& update, std::size_t count) const {
  // Bids from half the start price down, asks from 100,000 x the start price up (long numbers,
  // so the frames are large): far from the synthetic top and from the level flood, so these
  // levels are never present. Best first.
  const std::size_t bids = count / 2;
  const std::int64_t bid_base = spec_.start_price / 2;
  for (std::size_t i = 0; i < bids; ++i) {
    update.bids.push_back({bid_base - spec_.tick * static_cast<std::int64_t>(i), 0});
  }
  const std::int64_t ask_base = spec_.start_price * 100'000;
  for (std::size_t i = 0; i < count - bids; ++i) {
    update.asks.push_back({ask_base + spec_.tick * static_cast<std::int64_t>(i), 0});
  }
}

void SyntheticBook::add_far_levels(BookUpdate& update, std::size_t count) {
  if (next_flood_ask_ == 0) next_flood_ask_ = spec_.start_price * 10;
  std::vector<PriceLevel> levels;
  levels.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    levels.push_back({next_flood_ask_, random_qty()});
    next_flood_ask_ += spec_.tick;
  }
  book_.add_beyond_worst(false, levels);
  // Undo records keep book_before() exact (the stale snapshot fault).
  std::vector<LevelUndo>& undo = history_.back().changes;
  for (const PriceLevel& level : levels) undo.push_back({false, level.price, 0});
  update.asks.insert(update.asks.end(), levels.begin(), levels.end());
}

LevelBook SyntheticBook::book_before(std::size_t events_ago) const {
  LevelBook past = book_;
  const std::size_t steps = std::min(events_ago, history_.size());
  for (std::size_t i = 0; i < steps; ++i) {
    const UndoRecord& record = history_[history_.size() - 1 - i];
    for (auto change = record.changes.rbegin(); change != record.changes.rend(); ++change) {
      past.undo(*change);
    }
    past.set_last_update_id(record.previous_last_id);
  }
  return past;
}

}  // namespace depthsim
