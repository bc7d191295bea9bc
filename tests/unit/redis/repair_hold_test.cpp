// The trade-repair hold in front of the entry planner (--repair-trades with --redis): an aggTrade
// key's lines after an id gap wait for its gap_fill, then go in id order (repaired trades, the
// gap_fill, the live trades held); bounds (lines, time) give a gap up, and what its repair brings
// later becomes one redis_drop gap entry; other keys never wait.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "redis/repair_hold.hpp"
#include "redis/repair_ordered_planner.hpp"

namespace depthrec::redis {
namespace {

const std::string kHoldStream = "ethusdt@aggTrade";
const std::string kHoldKey = "depthrec:usdm:ETHUSDT:aggTrade";

std::string hold_trade_line(std::uint64_t id, bool rest = false,
                            const std::string& symbol = "ETHUSDT") {
  return R"({"type":"aggTrade","symbol":")" + symbol +
         R"(","market":"usdm","stream":"x","conn_id":1,"recv_ns":1,"id":)" + std::to_string(id) +
         (rest ? R"(,"E":null,"T":5,"latency_event_ms":null,"source":"rest")"
               : R"(,"E":7,"T":5,"latency_event_ms":1.0)") +
         R"(,"data":{"a":)" + std::to_string(id) + R"(,"from":1,"to":2}})";
}

std::string hold_gap_line(std::uint64_t from, std::uint64_t to) {
  return R"({"type":"gap","symbol":"ETHUSDT","market":"usdm","stream":"x","conn_id":1,"recv_ns":1,"reason":"id_gap","from":)" +
         std::to_string(from) + R"(,"to":)" + std::to_string(to) + R"(,"missing":)" +
         std::to_string(to - from + 1) + "}";
}

std::string hold_fill_line(std::uint64_t from, std::uint64_t to, const std::string& status) {
  return R"({"type":"gap_fill","symbol":"ETHUSDT","market":"usdm","stream":"x","conn_id":1,"recv_ns":1,"reason":"id_gap","from":)" +
         std::to_string(from) + R"(,"to":)" + std::to_string(to) + R"(,"missing":)" +
         std::to_string(to - from + 1) + R"(,"status":")" + status + R"(","filled":0})";
}

// The entries planned, as PlannedEntry (a line's own entry converted: planned_entry()).
struct HoldEntries final : EntryOutput {
  void add(PlannedEntry&& entry) override { entries.push_back(std::move(entry)); }
  void add_line(const LineEntry& entry) override { entries.push_back(planned_entry(entry)); }
  std::vector<PlannedEntry> entries;
};

// Plans lines of ethusdt@aggTrade, keeping "<id> <type>" of every entry planned.
struct HoldHarness {
  explicit HoldHarness(std::optional<RepairHoldLimits> limits = RepairHoldLimits{})
      : planner(KeyOptions{}, 0, limits) {}
  std::vector<std::string> line(const std::string& text, std::int64_t now_ms = 0,
                                const std::string& stream = kHoldStream) {
    HoldEntries out;
    planner.plan_line(text, planner.stream_slot(stream), now_ms, out);
    return described(out.entries);
  }
  static std::vector<std::string> described(const std::vector<PlannedEntry>& entries) {
    std::vector<std::string> ids;
    for (const PlannedEntry& e : entries) {
      std::string type;
      for (const auto& [name, value] : e.fields)
        if (name == "type") type = value;
      ids.push_back(e.id + " " + type);
    }
    return ids;
  }
  RepairOrderedPlanner planner;
};

using Ids = std::vector<std::string>;

TEST(RepairHold, LinesAfterAGapWaitForItsGapFillThenGoInIdOrder) {
  HoldHarness h;
  EXPECT_EQ(h.line(hold_trade_line(10)), Ids{"10-0 aggTrade"});
  EXPECT_EQ(h.line(hold_gap_line(11, 12)), Ids{"10-1 gap"}) << "the gap is published at once";
  EXPECT_TRUE(h.line(hold_trade_line(13)).empty()) << "held";
  EXPECT_TRUE(h.line(hold_trade_line(14)).empty());
  EXPECT_TRUE(h.line(hold_trade_line(11, true)).empty());
  EXPECT_TRUE(h.line(hold_trade_line(12, true)).empty());
  EXPECT_EQ(h.planner.hold_counts().holding, 4u);
  EXPECT_EQ(
      h.line(hold_fill_line(11, 12, "filled")),
      (Ids{"11-0 aggTrade", "12-0 aggTrade", "12-1 gap_fill", "13-0 aggTrade", "14-0 aggTrade"}));
  EXPECT_EQ(h.line(hold_trade_line(15)), Ids{"15-0 aggTrade"}) << "no hold once filled";
  const RepairHoldCounts counts = h.planner.hold_counts();
  EXPECT_EQ(counts.lines_held, 5u);
  EXPECT_EQ(counts.gaps_released, 1u);
  EXPECT_EQ(counts.gaps_given_up, 0u);
  EXPECT_EQ(counts.holding, 0u);
}

TEST(RepairHold, AHeldKeyNeverDelaysOtherKeysOrChannels) {
  HoldHarness h;
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 11));
  EXPECT_TRUE(h.line(hold_trade_line(12)).empty());
  EXPECT_EQ(h.line(hold_trade_line(500, false, "BTCUSDT"), 0, "btcusdt@aggTrade"),
            Ids{"500-0 aggTrade"});
  const std::string depth =
      R"({"type":"depth","symbol":"ETHUSDT","market":"usdm","stream":"x","recv_ns":1,"u":77,"b":[]})";
  EXPECT_EQ(h.line(depth, 0, "ethusdt@depth@100ms"), Ids{"77-0 depth"});
}

TEST(RepairHold, AFailedRepairReleasesTheHeldLinesAfterItsGapFill) {
  HoldHarness h;
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 12));
  h.line(hold_trade_line(13));
  // No REST trade: the gap_fill (failed) goes before the live trades past the gap.
  EXPECT_EQ(h.line(hold_fill_line(11, 12, "failed")), (Ids{"10-2 gap_fill", "13-0 aggTrade"}));
}

TEST(RepairHold, ASecondGapKeepsHoldingWhatIsBeyondIt) {
  HoldHarness h;
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 12));
  h.line(hold_trade_line(13));
  EXPECT_TRUE(h.line(hold_gap_line(14, 14)).empty()) << "the second gap waits its turn";
  h.line(hold_trade_line(15));
  h.line(hold_trade_line(11, true));
  h.line(hold_trade_line(12, true));
  EXPECT_EQ(h.line(hold_fill_line(11, 12, "filled")),
            (Ids{"11-0 aggTrade", "12-0 aggTrade", "12-1 gap_fill", "13-0 aggTrade", "13-1 gap"}));
  h.line(hold_trade_line(14, true));
  EXPECT_EQ(h.line(hold_fill_line(14, 14, "filled")),
            (Ids{"14-0 aggTrade", "14-1 gap_fill", "15-0 aggTrade"}));
  EXPECT_EQ(h.planner.hold_counts().gaps_released, 2u);
}

TEST(RepairHold, TheLineBoundGivesTheGapUpAndItsLateTradesBecomeOneGapEntry) {
  HoldHarness h(RepairHoldLimits{3, 10'000});
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 12));
  h.line(hold_trade_line(13));
  h.line(hold_trade_line(14));
  h.line(hold_trade_line(15));
  EXPECT_EQ(h.line(hold_trade_line(16)),
            (Ids{"13-0 aggTrade", "14-0 aggTrade", "15-0 aggTrade", "16-0 aggTrade"}))
      << "a 4th line held is one too many: released as they are";
  EXPECT_TRUE(h.line(hold_trade_line(11, true)).empty()) << "late: below the stream's top";
  EXPECT_TRUE(h.line(hold_trade_line(12, true)).empty());
  HoldEntries out;
  h.planner.plan_line(hold_fill_line(11, 12, "filled"), h.planner.stream_slot(kHoldStream), 0, out);
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_TRUE(out.entries[0].gap);
  EXPECT_EQ(out.entries[0].id, "16-1");
  EXPECT_EQ(out.entries[0].gap_first, 11u);
  EXPECT_EQ(out.entries[0].gap_last, 12u);
  EXPECT_EQ(out.entries[0].gap_count, 3u) << "two trades and the gap_fill not published";
  const RepairHoldCounts counts = h.planner.hold_counts();
  EXPECT_EQ(counts.gaps_given_up, 1u);
  EXPECT_EQ(counts.late_lines, 3u);
  EXPECT_EQ(h.line(hold_trade_line(17)), Ids{"17-0 aggTrade"});
}

TEST(RepairHold, TheTimeBoundGivesTheGapUp) {
  HoldHarness h(RepairHoldLimits{100, 1000});
  h.line(hold_trade_line(10), 0);
  h.line(hold_gap_line(11, 11), 0);
  EXPECT_TRUE(h.line(hold_trade_line(12), 600).empty());
  HoldEntries out;
  EXPECT_EQ(h.planner.expire(1000, out), 0u) << "not older than the bound yet";
  EXPECT_EQ(h.planner.expire(1001, out), 1u);
  EXPECT_EQ(HoldHarness::described(out.entries), Ids{"12-0 aggTrade"});
  EXPECT_EQ(h.planner.hold_counts().gaps_given_up, 1u);
}

TEST(RepairHold, LinesSkippedByTheSinkReleaseTheirKeyFirst) {
  HoldHarness h;
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 11));
  h.line(hold_trade_line(12));
  SkippedRange range;
  range.count = 1;
  range.first_sequence = range.last_sequence = 13;
  range.market = "usdm";
  range.symbol = "ETHUSDT";
  range.stream = kHoldStream;
  HoldEntries out;
  EXPECT_EQ(h.planner.plan_skipped(kHoldKey, range, out), 1u);
  EXPECT_EQ(HoldHarness::described(out.entries), (Ids{"12-0 aggTrade", "13-1 gap"}));
}

TEST(RepairHold, AtStopEverythingHeldIsReleased) {
  HoldHarness h;
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 11));
  h.line(hold_trade_line(12));
  HoldEntries out;
  EXPECT_TRUE(h.planner.holding());
  EXPECT_EQ(h.planner.release_all(out), 1u);
  EXPECT_EQ(HoldHarness::described(out.entries), Ids{"12-0 aggTrade"});
  EXPECT_FALSE(h.planner.holding());
}

TEST(RepairHold, WithoutTheHoldRepairedTradesArePlannedWhereTheyCome) {
  HoldHarness h(std::nullopt);
  h.line(hold_trade_line(10));
  h.line(hold_gap_line(11, 11));
  EXPECT_EQ(h.line(hold_trade_line(12)), Ids{"12-0 aggTrade"});
  EXPECT_EQ(h.line(hold_trade_line(11, true)), Ids{"11-0 aggTrade"}) << "below the top";
}

TEST(RepairHold, PassModeHandsLateLinesOnWithTheCallersFlag) {
  RepairHold hold(KeyOptions{}, RepairHoldLimits{1, 10'000}, LateLines::pass);
  std::vector<ReleasedLine> out;
  EXPECT_TRUE(hold.offer(hold_gap_line(11, 11), kHoldStream, true, 0, out));
  EXPECT_FALSE(hold.offer(hold_trade_line(12), kHoldStream, false, 0, out));
  EXPECT_FALSE(hold.offer(hold_trade_line(13), kHoldStream, true, 0, out));
  ASSERT_EQ(out.size(), 2u) << "the bound (1 line) gave the gap up";
  EXPECT_FALSE(out[0].publish);
  EXPECT_TRUE(out[1].publish);
  out.clear();
  EXPECT_FALSE(hold.offer(hold_trade_line(11, true), kHoldStream, true, 0, out));
  ASSERT_EQ(out.size(), 1u) << "late, handed on: the replay's fill puts it in its place";
  EXPECT_EQ(out[0].line, hold_trade_line(11, true));
  EXPECT_EQ(hold.counts().late_lines, 1u);
}

TEST(RepairHold, MalformedGapLinesAreNotHeldFor) {
  HoldHarness h;
  h.line(hold_trade_line(10));
  const std::string no_range =
      R"({"type":"gap","symbol":"ETHUSDT","market":"usdm","recv_ns":1,"reason":"id_gap","from":"x"})";
  EXPECT_EQ(h.line(no_range).size(), 1u);
  EXPECT_EQ(h.line(hold_gap_line(12, 11)).size(), 1u) << "from above to";
  EXPECT_EQ(h.line(hold_trade_line(13)), Ids{"13-0 aggTrade"});
  EXPECT_FALSE(h.planner.holding());
}

}  // namespace
}  // namespace depthrec::redis
