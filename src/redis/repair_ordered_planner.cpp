#include "redis/repair_ordered_planner.hpp"

namespace depthrec::redis {

RepairOrderedPlanner::RepairOrderedPlanner(KeyOptions keys, std::int64_t max_age_ms,
                                           std::optional<RepairHoldLimits> limits)
    : planner_(keys, max_age_ms) {
  if (limits) hold_.emplace(keys, *limits, LateLines::skip);
}

std::size_t RepairOrderedPlanner::plan_released(EntryOutput& out) {
  std::size_t lines = 0;
  for (const ReleasedLine& released : released_) {
    if (!released.skipped_key.empty()) {
      planner_.plan_skipped(released.skipped_key, released.skipped, out);
    } else {
      planner_.plan_line(released.line, planner_.stream_slot(released.stream), out);
      ++lines;
    }
  }
  released_.clear();
  return lines;
}

std::size_t RepairOrderedPlanner::plan_line(std::string_view line, std::uint32_t slot,
                                            std::int64_t now_ms, EntryOutput& out) {
  if (!hold_ || hold_->offer(line, planner_.slot_stream(slot), true, now_ms, released_)) {
    planner_.plan_line(line, slot, out);
    return 1;
  }
  return plan_released(out);
}

std::size_t RepairOrderedPlanner::plan_skipped(const std::string& key, const SkippedRange& range,
                                               EntryOutput& out) {
  std::size_t lines = 0;
  if (hold_) {
    hold_->release_key(key, released_);
    lines = plan_released(out);
  }
  planner_.plan_skipped(key, range, out);
  return lines;
}

std::size_t RepairOrderedPlanner::expire(std::int64_t now_ms, EntryOutput& out) {
  if (!hold_) return 0;
  hold_->expire(now_ms, released_);
  return plan_released(out);
}

std::size_t RepairOrderedPlanner::release_all(EntryOutput& out) {
  if (!hold_) return 0;
  hold_->release_all(released_);
  return plan_released(out);
}

std::size_t RepairOrderedPlanner::drop_held() {
  if (!hold_) return 0;
  hold_->release_all(released_);
  std::size_t lines = 0;
  for (const ReleasedLine& released : released_)
    if (released.skipped_key.empty()) ++lines;
  released_.clear();
  return lines;
}

}  // namespace depthrec::redis
