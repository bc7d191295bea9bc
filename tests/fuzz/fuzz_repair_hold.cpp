// The trade-repair hold in front of the Redis sink's planner (redis/repair_hold.hpp), fed the bytes
// as record lines of one aggTrade stream (split at '\n'), a line's time from its index and the
// first byte: never a crash; every line is planned once (as it comes, or released) or counted
// late, and nothing is held after release_all.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "redis/entry_batch.hpp"
#include "redis/repair_ordered_planner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace depthrec::redis;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::int64_t step_ms = size > 0 ? data[0] % 8 : 1;
  RepairOrderedPlanner planner(KeyOptions{}, 0, RepairHoldLimits{4, 20});
  EntryBatch entries;  // the sink's own output: the XADDs written as it writes them
  const std::uint32_t slot = planner.stream_slot("ethusdt@aggTrade");
  std::uint64_t offered = 0, planned = 0;
  for (std::int64_t now_ms = 0; !text.empty(); now_ms += step_ms) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++offered;
    planned += planner.expire(now_ms, entries);
    planned += planner.plan_line(line, slot, now_ms, entries);
    if (entries.size() > 4096) entries.clear();
  }
  planned += planner.release_all(entries);
  const RepairHoldCounts counts = planner.hold_counts();
  FUZZ_CHECK(counts.holding == 0);
  FUZZ_CHECK(planned + counts.late_lines == offered);
  return 0;
}
