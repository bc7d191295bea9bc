#include "ofi_calculator.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

namespace depthrec::ofi {
namespace {

// Absent levels: a bid below every price, an ask above every price, both with no quantity.
constexpr Decimal kNoBid{std::numeric_limits<std::int64_t>::min()};
constexpr Decimal kNoAsk{std::numeric_limits<std::int64_t>::max()};

// Floor division, so that negative clock values (never expected) still bucket consistently.
std::int64_t bucket_start(std::int64_t clock_ms, std::int64_t width) {
  std::int64_t q = clock_ms / width;
  if (clock_ms % width != 0 && clock_ms < 0) --q;
  return q * width;
}

}  // namespace

std::string validate(const OfiConfig& config) {
  if (config.levels == 0 || config.levels > kMaxLevels)
    return "levels must be 1.." + std::to_string(kMaxLevels);
  if ((config.window_ms > 0) == (config.window_events > 0))
    return "exactly one of window_ms and window_events must be > 0";
  if (config.window_ms < 0) return "window_ms must not be negative";
  return {};
}

OfiCalculator::OfiCalculator(OfiConfig config, WindowSink sink)
    : config_(config), sink_(std::move(sink)) {
  if (std::string error = validate(config_); !error.empty()) throw std::invalid_argument(error);
  for (State* state : {&previous_, &current_}) {
    state->bids.resize(config_.levels);
    state->asks.resize(config_.levels);
  }
  window_.mlofi.assign(config_.levels, 0.0);
}

void OfiCalculator::on_book(const BookUpdate& update) {
  StateInfo info;
  info.first_id = update.update.first_id;
  info.final_id = update.update.final_id;
  info.prev_final_id = update.update.prev_final_id;
  info.has_prev_final_id = update.update.has_prev_final_id;
  info.kind = update.update.kind;
  info.synced = update.book_synced;
  if (config_.clock == WindowClock::event_time) {
    info.clock_ms = update.update.event_time_ms;
    info.has_clock = update.update.event_time_ms > 0;
  } else {
    info.clock_ms = update.recv_ns / 1'000'000;
    info.has_clock = true;
  }
  if (!begin_state(info)) return;
  clear_level_sentinels();
  const OrderBook& book = update.book;
  const std::size_t bids = std::min(config_.levels, book.bid_count());
  const std::size_t asks = std::min(config_.levels, book.ask_count());
  for (std::size_t i = 0; i < bids; ++i) {
    const PriceLevel level = book.bid(i);
    current_.bids[i] = Quote{level.price, to_double(level.qty)};
  }
  for (std::size_t i = 0; i < asks; ++i) {
    const PriceLevel level = book.ask(i);
    current_.asks[i] = Quote{level.price, to_double(level.qty)};
  }
  end_state(info);
}

void OfiCalculator::on_top(const TopOfBook& top) {
  StateInfo info;
  info.first_id = top.first_id;
  info.final_id = top.final_id;
  info.prev_final_id = top.prev_final_id;
  info.has_prev_final_id = top.has_prev_final_id;
  info.kind = top.kind;
  info.synced = top.synced;
  if (config_.clock == WindowClock::event_time) {
    info.clock_ms = top.event_time_ms;
    info.has_clock = top.event_time_ms > 0;
  } else {
    info.clock_ms = top.recv_ns / 1'000'000;
    info.has_clock = true;
  }
  if (!begin_state(info)) return;
  clear_level_sentinels();
  const std::size_t bids = std::min(config_.levels, top.bids.size());
  const std::size_t asks = std::min(config_.levels, top.asks.size());
  for (std::size_t i = 0; i < bids; ++i)
    current_.bids[i] = Quote{top.bids[i].price, to_double(top.bids[i].qty)};
  for (std::size_t i = 0; i < asks; ++i)
    current_.asks[i] = Quote{top.asks[i].price, to_double(top.asks[i].qty)};
  end_state(info);
}

void OfiCalculator::clear_level_sentinels() {
  for (std::size_t m = 0; m < config_.levels; ++m) {
    current_.bids[m] = Quote{kNoBid, 0.0};
    current_.asks[m] = Quote{kNoAsk, 0.0};
  }
}

bool OfiCalculator::begin_state(const StateInfo& info) {
  roll_window(info);
  if (info.synced) return true;
  // The book is waiting for a snapshot: its state is not the market's. Forget the chain so the
  // next synced state starts a new one, and say so in this window.
  ++counters_.skipped;
  ++window_.skipped;
  window_.gap = true;
  chain_broken_ = chain_broken_ || has_previous_;
  has_previous_ = false;
  return false;
}

bool OfiCalculator::continues(const StateInfo& info) const {
  if (info.has_prev_final_id) return info.prev_final_id == previous_.final_id;
  if (info.kind == DepthKind::diff) return info.first_id == previous_.final_id + 1;
  // Spot partial depth carries one id and no link to the previous frame: only order is known.
  return info.final_id > previous_.final_id;
}

void OfiCalculator::end_state(const StateInfo& info) {
  current_.final_id = info.final_id;
  ++counters_.states;
  ++window_.events;
  if (window_.first_id == 0) window_.first_id = info.first_id;
  window_.last_id = info.final_id;

  if (has_previous_ && continues(info)) {
    for (std::size_t m = 0; m < config_.levels; ++m) {
      const Quote& bid = current_.bids[m];
      const Quote& bid_before = previous_.bids[m];
      const Quote& ask = current_.asks[m];
      const Quote& ask_before = previous_.asks[m];
      double e = 0.0;
      if (bid.price >= bid_before.price) e += bid.qty;
      if (bid.price <= bid_before.price) e -= bid_before.qty;
      if (ask.price <= ask_before.price) e -= ask.qty;
      if (ask.price >= ask_before.price) e += ask_before.qty;
      window_.mlofi[m] += e;
    }
    ++counters_.transitions;
    ++window_.transitions;
  } else if (has_previous_ || chain_broken_) {
    ++counters_.breaks;
    ++window_.gaps;
    window_.gap = true;
  }
  chain_broken_ = false;
  double depth = 0.0;
  for (std::size_t m = 0; m < config_.levels; ++m)
    depth += current_.bids[m].qty + current_.asks[m].qty;
  depth_sum_ += depth / (2.0 * static_cast<double>(config_.levels));

  std::swap(previous_, current_);
  has_previous_ = true;
  if (config_.window_events > 0 && window_.events >= config_.window_events) {
    window_.end_ms = info.has_clock ? info.clock_ms : window_.end_ms;
    emit(true);
  }
}

void OfiCalculator::roll_window(const StateInfo& info) {
  if (config_.window_events > 0) {
    // A count window spans its synced states: until the first one arrives, the start follows
    // the unsynced states skipped in it, so start_ms and first_id name the same state.
    if (!window_open_) open_window(info.has_clock ? info.clock_ms : 0);
    if (info.has_clock && window_.events == 0) window_.start_ms = info.clock_ms;
    if (info.has_clock) window_.end_ms = info.clock_ms;
    return;
  }
  // A state without a clock value (spot partial depth on the event clock) and a clock that
  // goes back both stay in the open window: windows never reopen.
  if (!window_open_) {
    if (!info.has_clock) return;  // nothing to anchor the first window on yet: counted below
    open_window(bucket_start(info.clock_ms, config_.window_ms));
    return;
  }
  if (info.has_clock && info.clock_ms >= window_.end_ms) {
    emit(true);
    open_window(bucket_start(info.clock_ms, config_.window_ms));
  }
}

void OfiCalculator::open_window(std::int64_t start_ms) {
  window_open_ = true;
  window_.start_ms = start_ms;
  window_.end_ms = config_.window_ms > 0 ? start_ms + config_.window_ms : start_ms;
}

void OfiCalculator::emit(bool complete) {
  OfiWindow& w = window_;
  w.complete = complete;
  w.ofi = w.mlofi.empty() ? 0.0 : w.mlofi[0];
  w.avg_depth = w.events > 0 ? depth_sum_ / static_cast<double>(w.events) : 0.0;
  w.mlofi_normalized.clear();
  if (config_.normalize && w.avg_depth > 0.0) {
    for (double value : w.mlofi) w.mlofi_normalized.push_back(value / w.avg_depth);
  }
  w.best_bid.reset();
  w.best_ask.reset();
  w.mid.reset();
  if (w.events > 0) {
    // The last synced state of the window is `previous_` (states are swapped in at their end).
    const Quote& bid = previous_.bids[0];
    const Quote& ask = previous_.asks[0];
    if (bid.price != kNoBid) w.best_bid = bid.price;
    if (ask.price != kNoAsk) w.best_ask = ask.price;
    if (w.best_bid && w.best_ask) w.mid = (to_double(bid.price) + to_double(ask.price)) / 2.0;
  }
  ++counters_.windows;
  if (sink_) sink_(w);

  window_open_ = false;
  window_ = OfiWindow{};
  window_.mlofi.assign(config_.levels, 0.0);
  depth_sum_ = 0.0;
}

void OfiCalculator::finish() {
  if (window_.events > 0 || window_.skipped > 0) emit(false);
}

}  // namespace depthrec::ofi
