// Fault matrix, event sequence: a missed event (gap), a duplicate, two events swapped (reorder)
// and an old event sent again (stale), on USD-M futures (pu chains) and spot (U = last u + 1).
#include <ostream>

#include "faults_support.hpp"

namespace itest::faults_sequence {
namespace {

using std::chrono::seconds;

struct SequenceCase {
  const char* name;
  const char* market;
  const char* fault;            // KIND, injected at the 200th of 400 events
  std::uint64_t sent;           // depth events the simulator sends (it counts each copy)
  std::uint64_t breaks;         // continuity breaks: gap records + resyncs of the book
  const char* gap_reason;       // the gap record's reason when breaks > 0
  std::uint64_t duplicates;     // the last applied event received again: ignored
  std::uint64_t stale_dropped;  // events older than the book: ignored
};

void PrintTo(const SequenceCase& c, std::ostream* out) {
  *out << c.name;
}

class FaultSequence : public FaultTest, public ::testing::WithParamInterface<SequenceCase> {};

// Depth events recorded after a snapshot record and before the resync that joins it: the sync
// dropped them as older than that snapshot (they count in integrity.stale_dropped too; how many
// there are depends on how far the snapshot was ahead of the stream when it arrived).
std::uint64_t dropped_while_joining(const std::vector<rapidjson::Document>& records, bool spot) {
  bool joining = false;  // between a snapshot record and its resync record
  std::uint64_t snapshot_id = 0;
  std::uint64_t count = 0;
  for (const auto& record : records) {
    const std::string type = str(record, "type");
    if (type == "snapshot") {
      joining = true;
      snapshot_id = u64(record, "lastUpdateId");
    } else if (type == "resync") {
      joining = false;
    } else if (type == "depth" && joining) {
      ++count;
      const std::uint64_t u = u64(record, "u");
      EXPECT_TRUE(spot ? u <= snapshot_id : u < snapshot_id)
          << "u=" << u << " was not older than snapshot " << snapshot_id;
    }
  }
  return count;
}

// Proves, for each sequence fault: every event received is recorded as received (the raw
// stream), the fault is counted exactly (breaks, stale_dropped, gaps by reason), a break is
// followed by a resync of that book on the same connection (no reconnect), a duplicate or stale
// event is not a break, and depthrec-replay agrees and finds every break marked.
TEST_P(FaultSequence, IsCountedExactlyAndHandledByTheSyncRules) {
  const SequenceCase& c = GetParam();
  Simulator sim({"--market", c.market, "--symbols", "BTCUSDT", "--rate", "500", "--events", "400",
                 "--start-on-subscribe", "--fault", std::string(c.fault) + "@200"});
  RecorderRun run = start_recorder(sim, {"--market", c.market, "--symbol", "BTCUSDT", "--depth",
                                         "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == c.sent; }, seconds(30)))
      << "the simulator sent " << sim_depth_sent(sim.stats(), 1);
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "total_messages") == c.sent &&
           metric_u64(m, "continuity", "resyncs") == c.breaks && metric_flag(m, {"book", "synced"});
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto stats = sim.stats();
  EXPECT_EQ(sim_fault_count(stats, c.fault), 1u);

  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), c.breaks);
  EXPECT_EQ(metric_u64(metrics, "continuity", "resyncs"), c.breaks);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  const auto records = read_records(run.data_dir());
  const std::uint64_t joining = dropped_while_joining(records, std::string(c.market) == "spot");
  EXPECT_EQ(metric_at(metrics, {"integrity", "duplicates"}), c.duplicates);
  EXPECT_EQ(metric_at(metrics, {"integrity", "stale_dropped"}), c.stale_dropped + joining);
  report_figure("breaks / duplicates / stale_dropped (of which while joining a snapshot)",
                std::to_string(metric_u64(metrics, "continuity", "breaks")) + " / " +
                    std::to_string(metric_at(metrics, {"integrity", "duplicates"})) + " / " +
                    std::to_string(metric_at(metrics, {"integrity", "stale_dropped"})) + " (" +
                    std::to_string(joining) + ")");

  EXPECT_EQ(depth_records(records).size(), c.sent) << "every event received is recorded";
  const auto gaps = records_of_type(records, "gap");
  ASSERT_EQ(gaps.size(), c.breaks);
  const auto resyncs = records_of_type(records, "resync");
  ASSERT_EQ(resyncs.size(), c.breaks + 1);
  EXPECT_EQ(records_of_type(records, "snapshot").size(), c.breaks + 1);
  if (c.breaks > 0) {
    EXPECT_EQ(str(*gaps[0], "reason"), c.gap_reason);
    EXPECT_EQ(str(*resyncs[1], "reason"), c.gap_reason);
    EXPECT_EQ(metric_at(metrics, {"integrity", "gaps", c.gap_reason}), c.breaks);
  }
  EXPECT_EQ(records_of_type(records, "connect").size(), 1u);

  const ToolRun replay = run_tool("depthrec-replay", {"--json", run.data_dir()});
  ASSERT_EQ(replay.exit_code, 0) << replay.output;
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  ASSERT_TRUE(report.IsObject()) << replay.output;
  EXPECT_EQ(u64(report, "events"), c.sent);
  EXPECT_EQ(u64(report, "breaks"), c.breaks);
  EXPECT_EQ(u64(report, "unmarked_breaks"), 0u);
  EXPECT_TRUE(report["synced_at_end"].GetBool());
}

INSTANTIATE_TEST_SUITE_P(
    Sequence, FaultSequence,
    ::testing::Values(SequenceCase{"usdm_gap", "usdm", "gap", 399, 1, "pu_mismatch", 0, 0},
                      SequenceCase{"usdm_duplicate", "usdm", "duplicate", 401, 0, "", 1, 0},
                      SequenceCase{"usdm_reorder", "usdm", "reorder", 400, 1, "pu_mismatch", 0, 1},
                      SequenceCase{"usdm_stale", "usdm", "stale", 401, 0, "", 0, 1},
                      SequenceCase{"spot_gap", "spot", "gap", 399, 1, "u_gap", 0, 0},
                      SequenceCase{"spot_duplicate", "spot", "duplicate", 401, 0, "", 1, 0},
                      SequenceCase{"spot_reorder", "spot", "reorder", 400, 1, "u_gap", 0, 1},
                      SequenceCase{"spot_stale", "spot", "stale", 401, 0, "", 0, 1}),
    [](const ::testing::TestParamInfo<SequenceCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace itest::faults_sequence
