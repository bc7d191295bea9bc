#include "trade_id_check.hpp"

namespace depthrec::replay {

bool TradeIdCheck::take(const ReplayItem& item) {
  if (item.type == ReplayItemType::marker && item.marker.type == MarkerType::gap &&
      item.marker.reason == "id_gap") {
    if (item.marker.id_from && item.marker.id_to)
      pending_gaps_[std::string(item.stream)] = {*item.marker.id_from, *item.marker.id_to};
    return true;
  }
  if (item.type != ReplayItemType::other || !item.event_id) return false;
  const std::string stream(item.stream);
  TradeStreamReport& report = streams_[stream];
  if (report.stream.empty()) {
    report.stream = stream;
    report.channel = std::string(item.other_type);
  }
  const std::uint64_t id = *item.event_id;
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

std::vector<TradeStreamReport> TradeIdCheck::reports() const {
  std::vector<TradeStreamReport> out;
  for (const auto& [stream, report] : streams_) out.push_back(report);
  return out;
}

bool TradeIdCheck::consistent() const {
  for (const auto& [stream, report] : streams_) {
    if (!report.consistent()) return false;
  }
  return true;
}

}  // namespace depthrec::replay
