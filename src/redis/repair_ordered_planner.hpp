// The live sink's planning (EntryPlanner) behind the trade-repair hold (RepairHold, with
// --repair-trades): lines go through the hold, and what it passes or releases is planned in the
// order it gives. Without the hold it is the EntryPlanner alone. Pure: no I/O; the sink's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/entry_planner.hpp"
#include "redis/repair_hold.hpp"

namespace depthrec::redis {

class RepairOrderedPlanner {
 public:
  // `limits` empty: no hold (every line planned as it comes).
  RepairOrderedPlanner(KeyOptions keys, std::int64_t max_age_ms,
                       std::optional<RepairHoldLimits> limits);

  // Each returns the number of record lines it planned (a line held plans none; a release, many).
  std::size_t plan_line(std::string_view line, std::string_view stream, std::int64_t now_ms,
                        std::vector<PlannedEntry>& out);
  // What `key` lost (its gap entry), after the lines its hold releases (their ids come first).
  std::size_t plan_skipped(const std::string& key, const SkippedRange& range,
                           std::vector<PlannedEntry>& out);
  // Keys held too long give their gaps up.
  std::size_t expire(std::int64_t now_ms, std::vector<PlannedEntry>& out);
  // Everything held goes (at stop).
  std::size_t release_all(std::vector<PlannedEntry>& out);

  bool holding() const { return hold_ && hold_->holding(); }
  RepairHoldCounts hold_counts() const { return hold_ ? hold_->counts() : RepairHoldCounts{}; }
  EntryPlanner& planner() { return planner_; }

 private:
  std::size_t plan_released(std::vector<PlannedEntry>& out);

  EntryPlanner planner_;
  std::optional<RepairHold> hold_;
  std::vector<ReleasedLine> released_;  // capacity reused
};

}  // namespace depthrec::redis
