// depthrec against depthsim on loopback: the acceptance tests of the recorder end to end.
#include <gtest/gtest.h>

#include <sstream>

#include "e2e_support.hpp"

namespace itest::recorder_e2e_test {
namespace {

class RecorderEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!binary_exists("depthsim") || !binary_exists("depthrec")) GTEST_FAIL() << "tools not built";
  }
};

// The figures each acceptance test reports (FIGURE lines): events the simulator sent against
// depth lines recorded, the continuity counters, and pipeline latency at the test's rate.
void report_run(const rapidjson::Document& metrics, std::uint64_t sent, std::size_t recorded,
                const std::string& rate, const std::string& sent_name = "events sent") {
  report_figure(sent_name + " / recorded", std::to_string(sent) + " / " + std::to_string(recorded));
  report_figure("breaks / resyncs / reconnects",
                std::to_string(metric_u64(metrics, "continuity", "breaks")) + " / " +
                    std::to_string(metric_u64(metrics, "continuity", "resyncs")) + " / " +
                    std::to_string(metric_u64(metrics, "continuity", "reconnects")));
  const auto& pipeline = metrics["pipeline_latency_us"];
  if (pipeline.IsObject() && pipeline["p50"].IsNumber() && pipeline["p99"].IsNumber()) {
    std::ostringstream text;
    text << pipeline["p50"].GetDouble() << " / " << pipeline["p99"].GetDouble();
    report_figure("pipeline latency p50 / p99 us at " + rate, text.str());
  }
}

// Every depth event depthsim sent on its first connection is recorded: as many as
// `events`, from its first U to its last u. Returns how many it sent (0 after a failure).
std::uint64_t expect_every_sent_event_recorded(const Simulator& sim,
                                               const std::vector<const rapidjson::Document*>& depth,
                                               std::size_t events) {
  const auto stats = sim.stats();
  const auto* connection = sim_connection(stats, 1);
  EXPECT_NE(connection, nullptr);
  EXPECT_EQ(depth.size(), events);
  if (connection == nullptr || depth.empty()) return 0;
  EXPECT_EQ(depth.size(), u64(*connection, "depth_events_sent"));
  EXPECT_EQ(u64(*depth.front(), "U"), u64(*connection, "first_U"));
  EXPECT_EQ(u64(*depth.back(), "u"), u64(*connection, "last_u"));
  return u64(*connection, "depth_events_sent");
}

TEST_F(RecorderEndToEnd, CleanRunRecordsEveryEventTheSimulatorSent) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "1000", "--events", "400",
                 "--start-on-subscribe"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, 400)) << run.process->output();
  stop_recorder(run);

  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  const std::uint64_t sent = expect_every_sent_event_recorded(sim, depth, 400);
  ASSERT_EQ(sent, 400u);
  EXPECT_EQ(futures_breaks(depth), 0);
  EXPECT_EQ(records_of_type(records, "snapshot").size(), 1u);
  const auto resyncs = records_of_type(records, "resync");
  ASSERT_EQ(resyncs.size(), 1u);
  EXPECT_EQ(str(*resyncs[0], "reason"), "initial");
  EXPECT_TRUE(records_of_type(records, "gap").empty());

  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), 400u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "reconnects"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "log_queue", "drops"), 0u);
  report_run(*metrics, sent, depth.size(), "1,000 ev/s");
}

TEST_F(RecorderEndToEnd, InjectedGapIsOneBreakFollowedByAResyncOfThatBook) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "400",
                 "--start-on-subscribe", "--fault", "gap@200"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  // The gap fault skips the ids of one event: the simulator says how many it sent.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto stats = sim.stats();
        const auto* connection = sim_connection(stats, 1);
        return connection && u64(*connection, "depth_events_sent") == 399;
      },
      std::chrono::seconds(30)));
  ASSERT_TRUE(wait_for_messages(run, 399)) << run.process->output();
  ASSERT_TRUE(wait_until(
      [&] {
        auto m = read_metrics(run.metrics_path());
        return m && metric_u64(*m, "continuity", "resyncs") >= 1;
      },
      std::chrono::seconds(20)));
  stop_recorder(run);

  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 1u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 1u);
  const auto records = read_records(run.data_dir());
  const auto gaps = records_of_type(records, "gap");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(str(*gaps[0], "reason"), "pu_mismatch");
  const auto resyncs = records_of_type(records, "resync");
  ASSERT_EQ(resyncs.size(), 2u);
  EXPECT_EQ(str(*resyncs[1], "reason"), "pu_mismatch");
  EXPECT_EQ(records_of_type(records, "snapshot").size(), 2u);
  EXPECT_EQ(depth_records(records).size(), 399u);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), 399u);
  report_run(*metrics, 399, depth_records(records).size(), "500 ev/s");
  report_figure("gap records / resync records",
                std::to_string(gaps.size()) + " / " + std::to_string(resyncs.size()));
}

TEST_F(RecorderEndToEnd, DroppedConnectionIsFollowedByAReconnectAndNoLostEventAfterIt) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200",
                 "--start-on-subscribe", "--fault", "drop@100"});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--backoff-max-ms", "500"});
  // Wait until the second connection has delivered a good number of events.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto stats = sim.stats();
        const auto* second = sim_connection(stats, 2);
        return second && u64(*second, "depth_events_sent") >= 100;
      },
      std::chrono::seconds(30)));
  ASSERT_TRUE(sim.get("/sim/pause"));
  const auto stats = sim.stats();
  const auto* second = sim_connection(stats, 2);
  ASSERT_NE(second, nullptr);
  const std::uint64_t sent_on_second = u64(*second, "depth_events_sent");
  // The open segment is flushed every second: wait until it holds the new connection's events.
  // (The abrupt drop may lose the last event the simulator wrote on the first connection:
  // that loss is what the reconnect gap marker records.)
  ASSERT_TRUE(wait_until(
      [&] { return count_depth_records(read_records(run.data_dir()), 2) >= sent_on_second; },
      std::chrono::seconds(20)));
  stop_recorder(run);

  const auto records = read_records(run.data_dir());
  const auto after = depth_records(records, 2);
  ASSERT_EQ(after.size(), sent_on_second) << "every event sent on the new connection is recorded";
  EXPECT_EQ(u64(*after.front(), "U"), u64(*second, "first_U"));
  EXPECT_EQ(u64(*after.back(), "u"), u64(*second, "last_u"));
  EXPECT_EQ(futures_breaks(after), 0);
  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "reconnects"), 1u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  const auto disconnects = records_of_type(records, "disconnect");
  ASSERT_EQ(disconnects.size(), 1u);
  bool reconnect_gap = false;
  for (const auto* gap : records_of_type(records, "gap"))
    reconnect_gap |= str(*gap, "reason") == "reconnect";
  EXPECT_TRUE(reconnect_gap);
  EXPECT_EQ(records_of_type(records, "connect").size(), 2u);
  const auto* first = sim_connection(stats, 1);
  ASSERT_NE(first, nullptr);
  report_run(*metrics, u64(*first, "depth_events_sent") + sent_on_second,
             depth_records(records).size(), "200 ev/s");
  report_figure("events sent / recorded on the new connection",
                std::to_string(sent_on_second) + " / " + std::to_string(after.size()));
}

TEST_F(RecorderEndToEnd, StalledStreamIsDetectedAndReconnected) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200",
                 "--start-on-subscribe", "--fault", "stall@100:30"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--stall-timeout-ms", "1000", "--backoff-max-ms", "500"});
  ASSERT_TRUE(wait_until(
      [&] {
        auto m = read_metrics(run.metrics_path());
        return m && metric_u64(*m, nullptr, "stalls") >= 1 &&
               metric_u64(*m, "continuity", "reconnects") >= 1;
      },
      std::chrono::seconds(30)))
      << run.process->output();
  const auto stats = sim.stats();
  ASSERT_NE(sim_connection(stats, 2), nullptr) << "the recorder opened a new connection";
  stop_recorder(run);
  const auto records = read_records(run.data_dir());
  ASSERT_FALSE(records_of_type(records, "disconnect").empty());
  const auto* disconnect = records_of_type(records, "disconnect")[0];
  EXPECT_NE(str(*disconnect, "reason").find("stalled"), std::string::npos);
  // Detection time: from the last depth event of the first connection to its disconnect record.
  const auto before = depth_records(records, 1);
  ASSERT_FALSE(before.empty());
  const double detected_ms =
      static_cast<double>(u64(*disconnect, "recv_ns") - u64(*before.back(), "recv_ns")) / 1e6;
  EXPECT_GE(detected_ms, 900.0) << "not before the stall timeout";
  EXPECT_LT(detected_ms, 3000.0);
  report_figure("stall detected after ms (--stall-timeout-ms 1000)", detected_ms);
  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  report_run(*metrics, u64(*sim_connection(stats, 1), "depth_events_sent"),
             depth_records(records, 1).size(), "200 ev/s (first connection)");
}

TEST_F(RecorderEndToEnd, SigtermLeavesValidGzipAndFinalMetrics) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "2000"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--rotate", "size", "--max-bytes", "200000"});
  ASSERT_TRUE(wait_for_messages(run, 1000)) << run.process->output();
  stop_recorder(run);
  const auto files = segment_files(run.data_dir());
  ASSERT_GE(files.size(), 2u) << "size rotation closed at least one segment";
  for (const auto& file : files) {
    std::string text;
    EXPECT_TRUE(gunzip_file(file, text)) << file;
    EXPECT_EQ(text.back(), '\n') << file;
  }
  const auto records = read_records(run.data_dir());
  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), depth_records(records).size())
      << "the final metrics.json was written after the writer drained";
  report_figure("segments, all valid gzip", static_cast<double>(files.size()));
  report_run(*metrics, metric_u64(*metrics, nullptr, "total_messages"),
             depth_records(records).size(), "2,000 ev/s", "events received (total_messages)");
}

TEST_F(RecorderEndToEnd, DefaultPartialDepthStreamIsRecordedWithContinuityChecked) {
  Simulator sim({"--market", "usdm", "--symbols", "ETHUSDT", "--rate", "500", "--events", "300",
                 "--start-on-subscribe", "--fault", "gap@150"});
  // The seed's defaults: ETHUSDT, --depth 5 (partial depth, 5 levels), no snapshot needed.
  RecorderRun run = start_recorder(sim, {"--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, 299)) << run.process->output();
  stop_recorder(run);

  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  ASSERT_EQ(depth.size(), 299u);
  for (const auto* record : depth) {
    EXPECT_EQ(str(*record, "kind"), "partial");
    EXPECT_EQ(str(*record, "stream"), "ethusdt@depth5@100ms");
    EXPECT_LE((*record)["b"].Size(), 5u);
    EXPECT_LE((*record)["a"].Size(), 5u);
  }
  EXPECT_EQ(futures_breaks(depth), 1) << "the injected gap, and only it";
  EXPECT_TRUE(records_of_type(records, "snapshot").empty()) << "partial depth needs no snapshot";
  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 1u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 1u);
  EXPECT_EQ(str(*metrics, "symbol"), "ETHUSDT");
}

TEST_F(RecorderEndToEnd, SpotPartialDepthIsRecordedFromItsLastUpdateId) {
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "500", "--events", "200",
                 "--start-on-subscribe"});
  RecorderRun run = start_recorder(
      sim, {"--market", "spot", "--symbol", "BTCUSDT", "--depth", "10", "--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, 200)) << run.process->output();
  stop_recorder(run);
  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  ASSERT_EQ(depth.size(), 200u);
  for (size_t i = 0; i < depth.size(); ++i) {
    EXPECT_EQ(u64(*depth[i], "U"), u64(*depth[i], "u")) << "U = u = lastUpdateId";
    if (i > 0) {
      EXPECT_GT(u64(*depth[i], "u"), u64(*depth[i - 1], "u"));
    }
    EXPECT_LE((*depth[i])["b"].Size(), 10u);
  }
  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
}

// `--symbols spot:BTCUSDT` is `--symbol BTCUSDT --market spot` (issue 12's selection, one symbol):
// the same stream, the same records, continuity checked the same way.
TEST_F(RecorderEndToEnd, SymbolsWithOneSymbolRecordsLikeTheSeedsSymbol) {
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "500", "--events", "200",
                 "--start-on-subscribe"});
  RecorderRun run = start_recorder(
      sim, {"--symbols", "spot:btcusdt", "--depth", "full", "--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, 200)) << run.process->output();
  stop_recorder(run);
  const auto records = read_records(run.data_dir());
  const auto depth = depth_records(records);
  const std::uint64_t sent = expect_every_sent_event_recorded(sim, depth, 200);
  ASSERT_EQ(sent, 200u);
  for (const auto* record : depth) {
    EXPECT_EQ(str(*record, "symbol"), "BTCUSDT");
    EXPECT_EQ(str(*record, "market"), "spot");
    EXPECT_EQ(str(*record, "stream"), "btcusdt@depth@100ms");
  }
  EXPECT_EQ(records_of_type(records, "snapshot").size(), 1u);
  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(str(*metrics, "symbol"), "BTCUSDT");
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  report_run(*metrics, sent, depth.size(), "500 ev/s");
}

}  // namespace
}  // namespace itest::recorder_e2e_test
