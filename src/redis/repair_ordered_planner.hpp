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

  // The planner's slot of a stream name (EntryPlanner::stream_slot).
  std::uint32_t stream_slot(std::string_view stream) { return planner_.stream_slot(stream); }

  // Each returns the number of record lines it planned (a line held plans none; a release, many).
  // `slot`: stream_slot() of the line's stream.
  std::size_t plan_line(std::string_view line, std::uint32_t slot, std::int64_t now_ms,
                        EntryOutput& out);
  // What `key` lost (its gap entry), after the lines its hold releases (their ids come first).
  std::size_t plan_skipped(const std::string& key, const SkippedRange& range, EntryOutput& out);
  // Keys held too long give their gaps up.
  std::size_t expire(std::int64_t now_ms, EntryOutput& out);
  // Everything held goes (at stop).
  std::size_t release_all(EntryOutput& out);
  // Everything held is given up unpublished (Redis unreachable at stop): the lines it held.
  std::size_t drop_held();

  bool holding() const { return hold_ && hold_->holding(); }
  RepairHoldCounts hold_counts() const { return hold_ ? hold_->counts() : RepairHoldCounts{}; }
  std::uint64_t markers_abandoned() const { return planner_.markers_abandoned(); }
  void abandon_held() { planner_.abandon_held(); }

 private:
  std::size_t plan_released(EntryOutput& out);

  EntryPlanner planner_;
  std::optional<RepairHold> hold_;
  std::vector<ReleasedLine> released_;  // capacity reused
};

}  // namespace depthrec::redis
