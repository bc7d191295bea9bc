#include "symbol_feed.hpp"

#include <algorithm>
#include <cmath>

namespace depthsim {

namespace {
constexpr std::size_t kRecentUpdates = 32;

std::uint64_t symbol_seed(std::uint64_t seed, const std::string& symbol) {
  std::uint64_t hash = 1469598103934665603ULL ^ seed;
  for (unsigned char c : symbol) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}
}  // namespace

SymbolFeed::SymbolFeed(Market market, const std::string& symbol, std::uint64_t seed, double rate,
                       std::size_t trade_history)
    : book_(symbol_spec(market, symbol), market, symbol_seed(seed, symbol)),
      rpi_seed_(symbol_seed(seed ^ 0x5250490000000000ULL, symbol)),  // "RPI"
      trades_(symbol, seed),
      agg_history_(trade_history),
      rate_(rate) {}

const char* SymbolFeed::status_name(Status status) {
  switch (status) {
    case Status::trading:
      return "TRADING";
    case Status::halted:
      return "BREAK";
    case Status::removed:
      return "REMOVED";
  }
  return "TRADING";
}

RpiBook& SymbolFeed::rpi() {
  if (!rpi_) rpi_.emplace(book_.book(), rpi_seed_);
  return *rpi_;
}

void SymbolFeed::start(Clock::time_point now) {
  if (started_) return;
  started_ = true;
  rebase(now);
}

void SymbolFeed::rebase(Clock::time_point now) {
  rate_base_time_ = now;
  rate_base_count_ = book_.events_generated();
}

std::uint64_t SymbolFeed::events_due(Clock::time_point now, double rate) const {
  if (!started_ || now < rate_base_time_) return rate_base_count_;
  const double elapsed = std::chrono::duration<double>(now - rate_base_time_).count();
  return rate_base_count_ + static_cast<std::uint64_t>(std::floor(elapsed * rate));
}

SymbolFeed::Clock::time_point SymbolFeed::next_due_time(double rate) const {
  const double seconds =
      static_cast<double>(book_.events_generated() + 1 - rate_base_count_) / rate;
  return rate_base_time_ +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::optional<StreamFault> SymbolFeed::next_queued_fault() {
  if (queued_faults_.empty()) return std::nullopt;
  StreamFault fault = queued_faults_.front();
  queued_faults_.pop_front();
  return fault;
}

void SymbolFeed::remember(const BookUpdate& update) {
  recent_.push_back(update);
  if (recent_.size() > kRecentUpdates) recent_.pop_front();
}

std::optional<BookUpdate> SymbolFeed::update_from(std::size_t events_ago) const {
  if (recent_.empty()) return std::nullopt;
  const std::size_t back = std::min(events_ago, recent_.size() - 1);
  return recent_[recent_.size() - 1 - back];
}

bool SymbolFeed::top_changed_since_last_ticker() {
  const PriceLevel bid = book_.book().best(true).value_or(PriceLevel{});
  const PriceLevel ask = book_.book().best(false).value_or(PriceLevel{});
  if (bid == last_ticker_bid_ && ask == last_ticker_ask_) return false;
  last_ticker_bid_ = bid;
  last_ticker_ask_ = ask;
  return true;
}

KlineTape& SymbolFeed::kline_tape(const std::string& interval, std::int64_t interval_ms) {
  for (KlineTape& tape : kline_tapes_) {
    if (tape.interval() == interval) return tape;
  }
  return kline_tapes_.emplace_back(interval, interval_ms);
}

}  // namespace depthsim
