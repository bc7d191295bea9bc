#include "depthrec/channel_metrics.hpp"

namespace depthrec {

ChannelMetrics::ChannelMetrics(Market market, std::string symbol, std::string stream,
                               std::string channel)
    : market_(market),
      symbol_(std::move(symbol)),
      stream_(std::move(stream)),
      channel_(std::move(channel)) {}

void ChannelMetrics::record_frame(std::size_t bytes) {
  frames_.fetch_add(1, std::memory_order_relaxed);
  bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

void ChannelMetrics::record_event(std::uint64_t id, std::int64_t event_time_ms) {
  events_.fetch_add(1, std::memory_order_relaxed);
  last_id_.store(id, std::memory_order_relaxed);
  has_last_id_.store(true, std::memory_order_relaxed);
  last_event_time_ms_.store(event_time_ms, std::memory_order_relaxed);
}

void ChannelMetrics::record_gap(std::uint64_t missing) {
  gaps_.fetch_add(1, std::memory_order_relaxed);
  missing_ids_.fetch_add(missing, std::memory_order_relaxed);
}

void ChannelMetrics::record_parse_error(ParseError error) {
  const auto index = static_cast<std::size_t>(error);
  if (index < parse_errors_.size()) parse_errors_[index].fetch_add(1, std::memory_order_relaxed);
}

ChannelFigures ChannelMetrics::figures() const {
  ChannelFigures f;
  f.market = market_;
  f.symbol = symbol_;
  f.stream = stream_;
  f.channel = channel_;
  f.frames = frames_.load(std::memory_order_relaxed);
  f.bytes = bytes_.load(std::memory_order_relaxed);
  f.events = events_.load(std::memory_order_relaxed);
  f.gaps = gaps_.load(std::memory_order_relaxed);
  f.missing_ids = missing_ids_.load(std::memory_order_relaxed);
  f.duplicates = duplicates_.load(std::memory_order_relaxed);
  f.backwards = backwards_.load(std::memory_order_relaxed);
  f.other_symbol = other_symbol_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < parse_errors_.size(); ++i) {
    f.parse_errors_by_kind[i] = parse_errors_[i].load(std::memory_order_relaxed);
    f.parse_errors += f.parse_errors_by_kind[i];
  }
  RepairFigures& r = f.repairs;
  r.requested = repair_requested_.load(std::memory_order_relaxed);
  r.filled = repair_filled_.load(std::memory_order_relaxed);
  r.partial = repair_partial_.load(std::memory_order_relaxed);
  r.failed = repair_failed_.load(std::memory_order_relaxed);
  r.requests = repair_requests_.load(std::memory_order_relaxed);
  r.trades = repair_trades_.load(std::memory_order_relaxed);
  r.answer_errors = repair_answer_errors_.load(std::memory_order_relaxed);
  r.ignored_ids = repair_ignored_ids_.load(std::memory_order_relaxed);
  if (has_last_id_.load(std::memory_order_relaxed))
    f.last_id = last_id_.load(std::memory_order_relaxed);
  f.last_event_time_ms = last_event_time_ms_.load(std::memory_order_relaxed);
  return f;
}

}  // namespace depthrec
