#include "trade_id_check.hpp"

namespace depthrec::replay {

TradeStreamReport& TradeIdCheck::report_of(const ReplayItem& item) {
  TradeStreamReport& report = streams_[market_stream_key(item)];
  if (report.stream.empty()) {
    report.stream = std::string(item.stream);
    report.market = item.market ? std::string(to_string(*item.market)) : std::string();
  }
  if (report.channel.empty()) report.channel = std::string(item.other_type);
  return report;
}

bool TradeIdCheck::take(const ReplayItem& item) {
  if (item.type == ReplayItemType::marker && item.marker.type == MarkerType::gap &&
      item.marker.reason == "id_gap") {
    if (item.marker.id_from && item.marker.id_to) {
      const std::string stream = market_stream_key(item);
      pending_gaps_[stream] = {*item.marker.id_from, *item.marker.id_to};
      open_gaps_[stream][*item.marker.id_from] = OpenGap{*item.marker.id_to, 0, std::nullopt};
    }
    return true;
  }
  if (item.type == ReplayItemType::other && item.gap_fill) {
    take_gap_fill(item, *item.gap_fill);
    return true;
  }
  if (item.type != ReplayItemType::other || !item.event_id) return false;
  const std::string stream = market_stream_key(item);
  TradeStreamReport& report = report_of(item);
  const std::uint64_t id = *item.event_id;
  if (item.from_rest) {
    take_rest_trade(report, stream, id);
    return true;
  }
  const auto pending = pending_gaps_.find(stream);
  if (report.last_id) {
    const std::uint64_t last = *report.last_id;
    if (id <= last) {
      ++report.out_of_order;
    } else if (id != last + 1) {
      const bool marked = pending != pending_gaps_.end() && pending->second.from == last + 1 &&
                          pending->second.to == id - 1;
      if (marked) {
        ++report.marked_gaps;
        report.missing_ids += id - last - 1;
      } else {
        ++report.unmarked_gaps;
      }
    }
  }
  if (pending != pending_gaps_.end()) pending_gaps_.erase(pending);
  ++report.events;
  if (!report.first_id) report.first_id = id;
  if (!report.last_id || id > *report.last_id) report.last_id = id;
  return true;
}

void TradeIdCheck::take_rest_trade(TradeStreamReport& report, const std::string& stream,
                                   std::uint64_t id) {
  ++report.rest_trades;
  std::map<std::uint64_t, OpenGap>& gaps = open_gaps_[stream];
  auto gap = gaps.upper_bound(id);  // the first gap beginning after id; the one before may hold it
  if (gap == gaps.begin()) {
    ++report.bad_repairs;  // no gap begins at or before it
    return;
  }
  --gap;
  OpenGap& open = gap->second;
  if (id > open.to || (open.last_rest_id && id <= *open.last_rest_id)) {
    ++report.bad_repairs;  // outside the gap, or twice
    return;
  }
  open.last_rest_id = id;
  ++open.filled;
}

void TradeIdCheck::take_gap_fill(const ReplayItem& item, const ReplayGapFill& fill) {
  const std::string stream = market_stream_key(item);
  TradeStreamReport& report = streams_[stream];
  if (report.stream.empty()) {
    report.stream = std::string(item.stream);
    report.market = item.market ? std::string(to_string(*item.market)) : std::string();
  }
  std::map<std::uint64_t, OpenGap>& gaps = open_gaps_[stream];
  const auto gap = gaps.find(fill.from);
  if (gap == gaps.end() || gap->second.to != fill.to) {
    ++report.bad_repairs;  // closes no gap the recording marked
    return;
  }
  const std::uint64_t missing = fill.to - fill.from + 1;
  const bool says_filled = fill.status == "filled";
  // What it claims must be what was recorded: every id for "filled", `filled` of them otherwise.
  if (gap->second.filled != fill.filled || (says_filled && fill.filled != missing)) {
    ++report.bad_repairs;
  } else if (says_filled) {
    ++report.filled_gaps;
  }
  gaps.erase(gap);
}

std::vector<TradeStreamReport> TradeIdCheck::reports() const {
  std::vector<TradeStreamReport> out;
  for (const auto& [stream, report] : streams_) {
    out.push_back(report);
    TradeStreamReport& r = out.back();
    r.unfilled_gaps = r.marked_gaps > r.filled_gaps ? r.marked_gaps - r.filled_gaps : 0;
  }
  return out;
}

bool TradeIdCheck::consistent() const {
  for (const auto& [stream, report] : streams_) {
    if (!report.consistent()) return false;
  }
  return true;
}

}  // namespace depthrec::replay
