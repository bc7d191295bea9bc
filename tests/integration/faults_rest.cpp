// Fault matrix, REST snapshots: the first snapshot request of a full book fails (429 with
// Retry-After, 418, 500, a timeout, a truncated body) or returns a stale book; or 30 in a
// row fail (depthrec-check's unsynced and failing-snapshot alerts); or a burst of requests goes
// beyond the REST weight budget (the scheduler paces it: no 429).
#include <cmath>
#include <ostream>

#include "faults_support.hpp"

namespace itest::faults_rest {
namespace {

using std::chrono::seconds;

struct RestCase {
  const char* name;
  const char* fault;           // --rest-fault KIND (the first snapshot request)
  const char* sim_fault_key;   // how /sim/stats counts it
  const char* counter;         // metrics.json snapshots.<counter> counts it once
  std::uint64_t snapshots_ok;  // snapshots that parsed (the stale one included)
  double min_sync_ms;          // the initial sync cannot be quicker (Retry-After, timeout)
  double max_sync_ms;          // ... and must not wait longer than this
};

void PrintTo(const RestCase& c, std::ostream* out) {
  *out << c.name;
}

class FaultRest : public FaultTest, public ::testing::WithParamInterface<RestCase> {};

// Proves, for each REST failure: it is counted in metrics.json (snapshots{...}), the retry
// honours Retry-After (429: 1 s, 418: 2 s) and --rest-timeout-ms, a stale snapshot is not used
// (it is recorded, then a newer one is fetched), and the book syncs after it: one initial resync,
// every recorded break marked (depthrec-replay exit 0), no reconnect.
TEST_P(FaultRest, IsCountedAndTheBookStillSyncs) {
  const RestCase& c = GetParam();
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--rest-fault",
                 c.fault, "--rest-delay-ms", "3000"});
  // The stale fault serves the book of 50 events ago: let some history exist first.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto stats = sim.stats();
        return stats.IsObject() && stats.HasMember("symbols") &&
               u64(stats["symbols"][0], "events_generated") >= 100;
      },
      seconds(20)));
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--rest-timeout-ms", "300"});
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_flag(m, {"book", "synced"}) &&
           metric_at(m, {"snapshots", "ok"}) >= c.snapshots_ok;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(sim_fault_count(sim.stats(), c.sim_fault_key), 1u);

  EXPECT_EQ(metric_at(metrics, {"snapshots", c.counter}), 1u);
  if (std::string(c.counter) != "too_old") {
    EXPECT_EQ(metric_at(metrics, {"snapshots", "too_old"}), 0u);
  }
  EXPECT_EQ(metric_at(metrics, {"snapshots", "ok"}), c.snapshots_ok);
  const std::uint64_t failures = metric_at(metrics, {"snapshots", "failed"}) +
                                 metric_at(metrics, {"snapshots", "rate_limited_429"}) +
                                 metric_at(metrics, {"snapshots", "banned_418"});
  EXPECT_EQ(failures, c.snapshots_ok == 1 ? 1u : 0u);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  const double sync_ms = metric_number(metrics, {"sync", "initial_ms"});
  report_figure("initial sync ms", sync_ms);
  EXPECT_GE(sync_ms, c.min_sync_ms);
  EXPECT_LE(sync_ms, c.max_sync_ms);

  const auto records = read_records(run.data_dir());
  EXPECT_EQ(records_of_type(records, "snapshot").size(), c.snapshots_ok);
  const auto resyncs = records_of_type(records, "resync");
  ASSERT_EQ(resyncs.size(), 1u);
  EXPECT_EQ(str(*resyncs[0], "reason"), "initial");
  EXPECT_TRUE(records_of_type(records, "gap").empty());
  const ToolRun replay = run_tool("depthrec-replay", {"--json", run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  ASSERT_TRUE(report.IsObject()) << replay.output;
  EXPECT_EQ(u64(report, "snapshots_used"), 1u);
  EXPECT_EQ(u64(report, "snapshots_rejected"), c.snapshots_ok - 1);
}

INSTANTIATE_TEST_SUITE_P(
    Rest, FaultRest,
    // Minimum sync times: Retry-After (1 s, 2 s), the session's first retry delay (400 ms),
    // --rest-timeout-ms (300) + that delay, the 100 ms re-fetch after a stale snapshot.
    ::testing::Values(RestCase{"http_429", "429", "rest_429", "rate_limited_429", 1, 1000, 3000},
                      RestCase{"http_418", "418", "rest_418", "banned_418", 1, 2000, 4000},
                      RestCase{"http_500", "500", "rest_500", "failed", 1, 400, 2000},
                      RestCase{"timeout", "timeout", "rest_timeout", "failed", 1, 700, 2500},
                      RestCase{"truncated", "truncated", "rest_truncated", "failed", 1, 400, 2000},
                      RestCase{"stale", "stale", "rest_stale", "too_old", 2, 100, 2000}),
    [](const ::testing::TestParamInfo<RestCase>& info) { return std::string(info.param.name); });

class FaultRestNeverSyncs : public FaultTest {};

// Every snapshot request fails (500): depthrec records every depth event it receives, and none
// is ever applied to a synced book. depthrec-replay must not call that recording OK: it exits 1
// naming the stream and the reason (it said "result OK" and exited 0).
TEST_F(FaultRestNeverSyncs, RecordingWithNoSnapshotIsNotVerified) {
  Simulator sim(
      {"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--rest-fault", "500:1000000"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--backoff-max-ms", "500"});
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_at(m, {"snapshots", "failed"}) >= 3 && metric_at(m, {"total_messages"}) >= 300;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_FALSE(metric_flag(metrics, {"book", "synced"}));
  EXPECT_EQ(metric_at(metrics, {"snapshots", "ok"}), 0u);

  const ToolRun replay = run_tool("depthrec-replay", {"--json", run.data_dir()});
  EXPECT_EQ(replay.exit_code, 1) << replay.output;
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  ASSERT_TRUE(report.IsObject()) << replay.output;
  const std::uint64_t events = u64(report, "events");
  EXPECT_GE(events, 300u);
  EXPECT_EQ(u64(report, "verified"), 0u);
  EXPECT_EQ(u64(report, "unverified_before_sync"), events);
  ASSERT_TRUE(report["verification_failure"].IsString());
  const std::string failure = report["verification_failure"].GetString();
  EXPECT_NE(failure.find("verified: no snapshot"), std::string::npos) << failure;
  report_figure("depth events recorded / verified / snapshots failed",
                std::to_string(events) + " / " + std::to_string(u64(report, "verified")) + " / " +
                    std::to_string(metric_at(metrics, {"snapshots", "failed"})));
  report_figure("depthrec-replay exit code", replay.exit_code);
}

class FaultRestPersistent : public FaultTest {};

// Issue 17: snapshots that keep failing leave the book unsynced while every seed figure looks
// healthy (rate, latency, no break or reconnect), and depthrec-check said STATUS OK. Proves: with
// 30 snapshot requests answered 500 in a row, metrics.json counts them in a row
// (snapshots.consecutive_failures) and the unsynced time (book.unsynced_ms), depthrec-check is
// CRITICAL on exactly those two; once a snapshot succeeds both return to 0 and the check is OK.
TEST_F(FaultRestPersistent, FailingSnapshotsAndAnUnsyncedBookAreCriticalUntilTheBookSyncs) {
  Simulator sim(
      {"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100", "--rest-fault", "500:30"});
  // --backoff-max-ms 250 caps the retry delay: 30 failures in about 7 s.
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--backoff-max-ms", "250"});
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_at(m, {"snapshots", "consecutive_failures"}) >= 6 &&
           metric_number(m, {"book", "unsynced_ms"}) >= 1500;
  })) << run.process->output();
  const ToolRun failing = run_tool("depthrec-check", {"--unsynced-crit", "1", run.metrics_path()});
  EXPECT_EQ(failing.exit_code, 2) << failing.output;
  EXPECT_NE(failing.output.find("CRITICAL unsynced="), std::string::npos) << failing.output;
  EXPECT_NE(failing.output.find("CRITICAL snapshot_failures="), std::string::npos)
      << failing.output;
  EXPECT_NE(failing.output.find("STATUS CRITICAL: 0 warning, 2 critical"), std::string::npos)
      << failing.output;  // nothing else would have told
  const auto alert = read_metrics(run.metrics_path());
  ASSERT_TRUE(alert);

  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_flag(m, {"book", "synced"}) && metric_at(m, {"snapshots", "ok"}) == 1;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(metric_at(metrics, {"snapshots", "failed"}), 30u);
  EXPECT_EQ(metric_at(metrics, {"snapshots", "consecutive_failures"}), 0u);
  EXPECT_EQ(metric_number(metrics, {"book", "unsynced_ms"}), 0.0);
  const ToolRun synced = run_tool("depthrec-check", {"--unsynced-crit", "1", run.metrics_path()});
  EXPECT_EQ(synced.exit_code, 0) << synced.output;
  report_figure("at the alert: snapshots failed in a row / unsynced ms",
                std::to_string(metric_at(*alert, {"snapshots", "consecutive_failures"})) + " / " +
                    std::to_string(std::llround(metric_number(*alert, {"book", "unsynced_ms"}))));
  report_figure("initial sync ms (30 failures first)",
                metric_number(metrics, {"sync", "initial_ms"}));
}

class FaultRestBudget : public FaultTest {};

// Issue 12 (REST weight scheduler): snapshot requests beyond the weight budget are paced, never
// answered 429. depthsim counts REST weight as Binance does (100 per 1 s window here; over it:
// 429 + Retry-After). 12 snapshots answered 500 with a 100 ms retry make the recorder ask for 13
// snapshots of weight 20 (limit 1000) within about 1.3 s: 260 weight, more than twice the budget.
// The scheduler plans at most 80 per window for initial syncs (--rest-initial-share 0.8): 4
// snapshots a window, so the 13th cannot go before 3 windows (sync_time_lower_bound).
TEST_F(FaultRestBudget, ABurstBeyondTheBudgetIsPacedWithoutA429) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100", "--rest-fault",
                 "500:12", "--rest-weight-futures", "100", "--rest-weight-window-ms", "1000"});
  RecorderRun run = start_recorder(
      sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1", "--backoff-max-ms",
            "100", "--rest-weight-per-minute", "100", "--rest-weight-window-ms", "1000"});
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return metric_flag(m, {"book", "synced"}) && metric_at(m, {"snapshots", "ok"}) == 1;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject() && stats.HasMember("limits") && stats["limits"].HasMember("rest"));
  const auto& weight = stats["limits"]["rest"];
  EXPECT_EQ(u64(weight, "rejected_429"), 0u);
  EXPECT_LE(u64(weight, "max_used"), 100u);
  EXPECT_EQ(sim_fault_count(stats, "rest_500"), 12u);
  EXPECT_EQ(metric_at(metrics, {"snapshots", "failed"}), 12u);
  EXPECT_EQ(metric_at(metrics, {"snapshots", "rate_limited_429"}), 0u);
  EXPECT_EQ(metric_at(metrics, {"rest", "http_429"}), 0u);
  EXPECT_EQ(metric_at(metrics, {"rest", "http_418"}), 0u);
  EXPECT_GE(metric_at(metrics, {"rest", "requests"}), 14u);  // 13 snapshots, server time
  EXPECT_EQ(metric_at(metrics, {"rest", "weight_initial_limit"}), 80u);
  EXPECT_EQ(metric_at(metrics, {"rest", "weight_planned_limit"}), 90u);
  const double sync_ms = metric_number(metrics, {"sync", "initial_ms"});
  EXPECT_GE(sync_ms, 3000.0);  // paced: 4 snapshots a window at most
  EXPECT_LE(sync_ms, 8000.0);  // and not held longer than the budget needs
  report_figure("snapshot requests / REST weight used per window, most (limit 100) / HTTP 429",
                std::to_string(metric_at(metrics, {"snapshots", "failed"}) + 1) + " / " +
                    std::to_string(u64(weight, "max_used")) + " / " +
                    std::to_string(u64(weight, "rejected_429")));
  report_figure("initial sync ms (budget's lower bound 3000)", sync_ms);
}

}  // namespace
}  // namespace itest::faults_rest
