// Fault matrix, hostile protocol input (issue 18, items 1, 4, 5, 10): what a server that does not
// play by the rules sends, through the real recorder and simulator. Every record stays one line
// whatever whitespace the source had; a refused frame that carried an event leaves a parse_error
// gap; a bogus update id or a snapshot far ahead cannot freeze the sync; a lying server clock is
// not believed. Suites are named FaultHostile* so CI also runs them under ASan+UBSan.
#include <cmath>
#include <limits>
#include <string>

#include "faults_support.hpp"

namespace itest::faults_hostile_protocol {
namespace {

using std::chrono::seconds;

// Every line of the recording: how many, how many are not one JSON object, how many hold a CR.
struct LineCheck {
  std::uint64_t lines = 0;
  std::uint64_t unparsable = 0;
  std::uint64_t with_cr = 0;
};
LineCheck check_lines(const std::string& dir) {
  LineCheck check;
  for (const std::string& file : segment_files(dir)) {
    std::string text;
    EXPECT_TRUE(gunzip_file(file, text)) << file;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(start, end - start);
      ++check.lines;
      if (line.find('\r') != std::string::npos) ++check.with_cr;
      rapidjson::Document doc;
      doc.Parse(line.c_str(), line.size());
      if (doc.HasParseError() || !doc.IsObject()) ++check.unparsable;
      start = end + 1;
    }
  }
  return check;
}

rapidjson::Document replay_report(const std::string& data_dir, int& exit_code) {
  const ToolRun replay = run_tool("depthrec-replay", {"--json", data_dir});
  exit_code = replay.exit_code;
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  EXPECT_TRUE(report.IsObject()) << replay.output;
  if (report.IsObject() && !report.HasMember("synced_at_end")) report.SetObject();
  return report;
}

// Item 1. Two depth events spaced out with CR LF, tabs and spaces between every token, and a
// pretty-printed snapshot (hundreds of lines as sent): all applied, all recorded one line each,
// no CR anywhere, the snapshot usable, and depthrec-replay agrees with the recorder.
class FaultHostileWhitespace : public FaultTest {};

TEST_F(FaultHostileWhitespace, SpacedEventsAndAPrettySnapshotAreRecordedOneLineEach) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "300",
                 "--start-on-subscribe", "--fault", "spaced@150", "--fault", "spaced@151",
                 "--rest-fault", "pretty"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == 300; }, seconds(30)));
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "total_messages") == 300 && metric_flag(m, {"book", "synced"});
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto stats = sim.stats();
  EXPECT_EQ(sim_fault_count(stats, "spaced"), 2u);
  EXPECT_EQ(sim_fault_count(stats, "rest_pretty"), 1u);

  const LineCheck lines = check_lines(run.data_dir());
  report_figure("events sent / lines / unparsable lines / lines with CR",
                std::to_string(sim_depth_sent(stats, 1)) + " / " + std::to_string(lines.lines) +
                    " / " + std::to_string(lines.unparsable) + " / " +
                    std::to_string(lines.with_cr));
  EXPECT_EQ(lines.with_cr, 0u);
  // (read_records would take a stray line like  "1.000"  for a record: stop here if any.)
  ASSERT_EQ(lines.unparsable, 0u);
  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  EXPECT_EQ(depth.size(), 300u) << "every event recorded, the spaced ones too";
  EXPECT_EQ(futures_breaks(depth), 0);
  const auto snapshots = records_of_type(records, "snapshot");
  ASSERT_EQ(snapshots.size(), 1u);
  ASSERT_TRUE(snapshots[0]->HasMember("bids") && (*snapshots[0])["bids"].IsArray());
  EXPECT_GT((*snapshots[0])["bids"].Size(), 0u);
  EXPECT_TRUE(records_of_type(records, "gap").empty());
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_at(metrics, {"parse_errors", "total"}), 0u);

  int exit_code = -1;
  const auto report = replay_report(run.data_dir(), exit_code);
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(u64(report, "events"), 300u);
  EXPECT_EQ(u64(report, "breaks"), 0u);
  EXPECT_EQ(u64(report, "snapshots_used"), 1u);
  ASSERT_TRUE(report.HasMember("synced_at_end"));
  EXPECT_TRUE(report["synced_at_end"].GetBool());
}

// Item 5 (and the duplicated "u" of item 4). The 150th event itself arrives in a frame the
// recorder must refuse: cut in half, with "s":"", with "stream":"", or with "u" twice (the second
// 10^18 ahead). It is counted under its parse error, the gap it leaves is marked parse_error (not
// pu_mismatch), the book resyncs, and the other 299 events are recorded.
class FaultHostileRefusedFrame : public FaultTest {
 protected:
  // `fault` at the 150th of 300 events; `parse_error`: the parse_errors key that counts it.
  void expect_refused_and_marked(const std::string& fault, const char* parse_error);
};

void FaultHostileRefusedFrame::expect_refused_and_marked(const std::string& fault,
                                                         const char* parse_error) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "300",
                 "--start-on-subscribe", "--fault", fault + "@150"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == 300; }, seconds(30)));
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "frames") == 300 && metric_u64(m, "continuity", "resyncs") == 1 &&
           metric_flag(m, {"book", "synced"});
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(sim_fault_count(sim.stats(), fault.c_str()), 1u);

  EXPECT_EQ(metric_at(metrics, {"parse_errors", parse_error}), 1u);
  EXPECT_EQ(metric_at(metrics, {"parse_errors", "total"}), 1u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 1u);
  EXPECT_EQ(metric_at(metrics, {"integrity", "gaps", "parse_error"}), 1u);
  EXPECT_EQ(metric_at(metrics, {"integrity", "gaps", "pu_mismatch"}), 0u);
  const auto records = read_records(run.data_dir());
  const auto gaps = records_of_type(records, "gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(str(*gaps[0], "reason"), "parse_error");
  EXPECT_EQ(depth_records(records).size(), 299u);
  report_figure("events sent / recorded / marked",
                "300 / " + std::to_string(depth_records(records).size()) + " / " +
                    std::to_string(gaps.size()));
  int exit_code = -1;
  const auto report = replay_report(run.data_dir(), exit_code);
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(u64(report, "breaks"), 1u);
  EXPECT_EQ(u64(report, "unmarked_breaks"), 0u);
}

TEST_F(FaultHostileRefusedFrame, CutInHalf) {
  expect_refused_and_marked("refused_event", "malformed_json");
}

TEST_F(FaultHostileRefusedFrame, EmptySymbol) {
  expect_refused_and_marked("empty_symbol", "missing_field");
}

TEST_F(FaultHostileRefusedFrame, EmptyStream) {
  expect_refused_and_marked("empty_stream", "missing_field");
}

TEST_F(FaultHostileRefusedFrame, DuplicatedFinalIdLeapingAhead) {
  expect_refused_and_marked("duplicate_u", "duplicate_key");
}

// Item 4. The 150th event carries u = 10^18 with a valid pu: it is applied and every later event
// is stale. After 100 of them the stream is a break (gap stale_stream), the book resyncs and the
// rest of the stream is applied; nothing is lost from the recording.
class FaultHostileUpdateId : public FaultTest {};

TEST_F(FaultHostileUpdateId, AnIdFarAheadIsABreakAfterTheStaleRunNotAFrozenBook) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "400",
                 "--start-on-subscribe", "--fault", "huge_u@150"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == 400; }, seconds(30)));
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "total_messages") == 400 &&
           metric_u64(m, "continuity", "resyncs") == 1 && metric_flag(m, {"book", "synced"});
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto stats = sim.stats();
  EXPECT_EQ(sim_fault_count(stats, "huge_u"), 1u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 1u);
  EXPECT_EQ(metric_at(metrics, {"integrity", "gaps", "stale_stream"}), 1u);
  const std::uint64_t stale = metric_at(metrics, {"integrity", "stale_dropped"});
  report_figure("integrity.stale_dropped (99 before the break, the rest older than the snapshot)",
                static_cast<double>(stale));
  EXPECT_GE(stale, 99u);
  const auto records = read_records(run.data_dir());
  EXPECT_EQ(depth_records(records).size(), 400u);
  const auto gaps = records_with_reason(records, "gap", "stale_stream");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(u64(*gaps[0], "last_u"), 1'000'000'000'000'000'000ULL);
  const auto* connection = sim_connection(stats, 1);
  ASSERT_TRUE(connection != nullptr && !depth_records(records).empty());
  EXPECT_EQ(u64(*depth_records(records).back(), "u"), u64(*connection, "last_u"));
  EXPECT_NE(run.process->output().find("stale_stream"), std::string::npos)
      << "the break is logged (WARNING goes to stderr)";
  int exit_code = -1;
  const auto report = replay_report(run.data_dir(), exit_code);
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(u64(report, "unmarked_breaks"), 0u);
  ASSERT_TRUE(report.HasMember("synced_at_end"));
  EXPECT_TRUE(report["synced_at_end"].GetBool());
}

// Item 4. The first snapshot's lastUpdateId is 10^12 ahead of the stream: no event can join it.
// After 1000 events older than it the snapshot is given up and fetched again; the book syncs.
TEST_F(FaultHostileUpdateId, ASnapshotNoEventJoinsIsFetchedAgain) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "1000", "--events", "1600",
                 "--start-on-subscribe", "--rest-fault", "ahead"});
  // The unjoined bound is the larger of 1000 and --max-buffered-events (default 20000).
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--max-buffered-events", "1000"});
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_flag(m, {"book", "synced"});
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(sim_fault_count(sim.stats(), "rest_ahead"), 1u);
  EXPECT_EQ(metric_at(metrics, {"snapshots", "unjoined"}), 1u);
  EXPECT_EQ(metric_at(metrics, {"snapshots", "ok"}), 2u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  const double sync_ms = metric_number(metrics, {"sync", "initial_ms"});
  report_figure("initial sync ms (1000 events at 1000/s waited on the bad snapshot)", sync_ms);
  const auto records = read_records(run.data_dir());
  EXPECT_EQ(records_of_type(records, "snapshot").size(), 2u);
  ASSERT_EQ(records_of_type(records, "resync").size(), 1u);
}

// Item 10. A server-time reply one hour ahead (spot: snapshots carry no time of their own), and
// single events whose E is an hour ahead: the offset stays the stream's, the REST sample is
// reported rejected, corrected latency stays real and depthrec-check raises no CRITICAL.
class FaultHostileClock : public FaultTest {};

TEST_F(FaultHostileClock, ALyingServerTimeAndEventOutliersDoNotMoveTheOffset) {
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "200", "--events", "600",
                 "--start-on-subscribe", "--rest-fault", "time_ahead", "--fault", "e_ahead@200",
                 "--fault", "e_ahead@300", "--fault", "e_ahead@400"});
  RecorderRun run = start_recorder(
      sim, {"--market", "spot", "--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == 600; }, seconds(30)));
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "total_messages") == 600 &&
           metric_at(m, {"clock", "rest_samples"}) == 1;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto stats = sim.stats();
  EXPECT_EQ(sim_fault_count(stats, "rest_time_ahead"), 1u);
  EXPECT_EQ(sim_fault_count(stats, "e_ahead"), 3u);
  const double offset = metric_number(metrics, {"clock_offset_ms"});
  report_figure("clock_offset_ms", offset);
  EXPECT_LT(std::fabs(offset), 1000.0);
  EXPECT_TRUE(metric_flag(metrics, {"clock", "rest_rejected"}));
  EXPECT_EQ(metric_at(metrics, {"clock", "stream_outliers"}), 3u);
  const double corrected_p50 = metric_number(metrics, {"event_latency_corrected_ms", "p50"});
  report_figure("corrected latency p50 ms", corrected_p50);
  EXPECT_GE(corrected_p50, 0.0);
  EXPECT_LT(corrected_p50, 1000.0);
  EXPECT_NE(run.process->output().find("contradicts the stream"), std::string::npos)
      << run.process->output();

  const ToolRun check = run_tool("depthrec-check", {run.metrics_path()});
  report_figure("depthrec-check exit", static_cast<double>(check.exit_code));
  EXPECT_NE(check.exit_code, 2) << check.output;
}

// Item 9. Two events with E = 2^63-1 (the largest time the parser accepts): scaled to ns it
// overflowed int64 (undefined behaviour; UBSan in CI). They are recorded, applied and counted, with
// no latency (null) and no clock sample; nothing else moves.
TEST_F(FaultHostileClock, EventTimesAtTheInt64MaximumAreRecordedWithoutLatency) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "300",
                 "--start-on-subscribe", "--fault", "e_max@100", "--fault", "e_max@101"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return sim_depth_sent(sim.stats(), 1) == 300; }, seconds(30)));
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_u64(m, nullptr, "total_messages") == 300;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(sim_fault_count(sim.stats(), "e_max"), 2u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  EXPECT_LT(std::fabs(metric_number(metrics, {"clock_offset_ms"})), 1000.0);
  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  ASSERT_EQ(depth.size(), 300u);
  std::uint64_t without_latency = 0;
  for (const auto* record : depth) {
    if (i64(*record, "E") == std::numeric_limits<std::int64_t>::max()) {
      EXPECT_TRUE((*record)["latency_event_ms"].IsNull());
      ++without_latency;
    }
  }
  report_figure("events with E = 2^63-1 recorded / without latency",
                "2 / " + std::to_string(without_latency));
  EXPECT_EQ(without_latency, 2u);
}

}  // namespace
}  // namespace itest::faults_hostile_protocol
