#include "kline_check.hpp"

namespace depthrec::replay {
namespace {

bool is_kline_gap(const ReplayItem& item) {
  return item.type == ReplayItemType::marker && item.marker.type == MarkerType::gap &&
         (item.marker.reason == "kline_gap" || item.marker.reason == "kline_unclosed");
}

}  // namespace

bool KlineCheck::take(const ReplayItem& item) {
  if (is_kline_gap(item)) {
    streams_[market_stream_key(item)].pending = item.marker;
    return true;
  }
  if (item.type != ReplayItemType::other || !item.kline_open_time) return false;
  Stream& stream = streams_[market_stream_key(item)];
  if (stream.report.stream.empty()) {
    stream.report.stream = std::string(item.stream);
    stream.report.market = item.market ? std::string(to_string(*item.market)) : std::string();
    stream.report.channel = "kline_" + std::string(item.kline_interval);
    stream.interval = parse_kline_interval(item.kline_interval).value_or(KlineInterval::none);
  }
  step(stream, static_cast<std::int64_t>(*item.kline_open_time), item.kline_closed);
  return true;
}

void KlineCheck::step(Stream& stream, std::int64_t open, bool closed) {
  TradeStreamReport& report = stream.report;
  const std::optional<ReplayMarker> pending = std::move(stream.pending);
  stream.pending.reset();
  ++report.events;
  if (!report.last_id) {
    report.first_id = report.last_id = static_cast<std::uint64_t>(open);
    stream.last_closed = closed;
    return;
  }
  const auto last = static_cast<std::int64_t>(*report.last_id);
  if (open < last || (open == last && stream.last_closed)) {
    ++report.out_of_order;
    return;
  }
  if (open == last) {
    stream.last_closed = closed;
    return;
  }
  const bool next = open == next_kline_open_ms(stream.interval, last);
  const bool marked = pending && pending->got_open_time &&
                      static_cast<std::int64_t>(*pending->got_open_time) == open &&
                      pending->last_open_time &&
                      static_cast<std::int64_t>(*pending->last_open_time) == last;
  if (next && stream.last_closed) {
    // The next candle after a closed one: continuous.
  } else if (marked) {
    ++report.marked_gaps;
    report.missing_ids += pending->missing.value_or(0);
  } else {
    ++report.unmarked_gaps;
  }
  report.last_id = static_cast<std::uint64_t>(open);
  stream.last_closed = closed;
}

std::vector<TradeStreamReport> KlineCheck::reports() const {
  std::vector<TradeStreamReport> out;
  for (const auto& [name, stream] : streams_) out.push_back(stream.report);
  return out;
}

bool KlineCheck::consistent() const {
  for (const auto& [name, stream] : streams_) {
    if (!stream.report.consistent()) return false;
  }
  return true;
}

}  // namespace depthrec::replay
