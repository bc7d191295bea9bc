#include "redis/repair_ordered_planner.hpp"

namespace depthrec::redis {

RepairOrderedPlanner::RepairOrderedPlanner(KeyOptions keys, std::int64_t max_age_ms,
                                           std::optional<RepairHoldLimits> limits)
    : planner_(keys, max_age_ms) {
  if (limits) hold_.emplace(keys, *limits, LateLines::skip);
}

std::size_t RepairOrderedPlanner::plan_released(std::vector<PlannedEntry>& out) {
  std::size_t lines = 0;
  for (const ReleasedLine& released : released_) {
    if (!released.skipped_key.empty()) {
      planner_.plan_skipped(released.skipped_key, released.skipped, out);
    } else {
      planner_.plan_line(released.line, released.stream, out);
      ++lines;
    }
  }
  released_.clear();
  return lines;
}

std::size_t RepairOrderedPlanner::plan_line(std::string_view line, std::string_view stream,
                                            std::int64_t now_ms, std::vector<PlannedEntry>& out) {
  if (!hold_ || hold_->offer(line, stream, true, now_ms, released_)) {
    planner_.plan_line(line, stream, out);
    return 1;
  }
  return plan_released(out);
}

std::size_t RepairOrderedPlanner::plan_skipped(const std::string& key, const SkippedRange& range,
                                               std::vector<PlannedEntry>& out) {
  std::size_t lines = 0;
  if (hold_) {
    hold_->release_key(key, released_);
    lines = plan_released(out);
  }
  planner_.plan_skipped(key, range, out);
  return lines;
}

std::size_t RepairOrderedPlanner::expire(std::int64_t now_ms, std::vector<PlannedEntry>& out) {
  if (!hold_) return 0;
  hold_->expire(now_ms, released_);
  return plan_released(out);
}

std::size_t RepairOrderedPlanner::release_all(std::vector<PlannedEntry>& out) {
  if (!hold_) return 0;
  hold_->release_all(released_);
  return plan_released(out);
}

}  // namespace depthrec::redis
