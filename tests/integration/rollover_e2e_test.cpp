// Make-before-break rollover end to end: depthrec with --max-connection-age-sec 2 against
// depthsim (~200 ev/s, 1,500 events, its own cut at 3 s): every event recorded exactly once across
// the rollovers, no break, gap or resync, one snapshot; and the --no-rollover contrast, which
// leaves gaps.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "e2e_support.hpp"

namespace itest::rollover_e2e_test {
namespace {

constexpr std::uint64_t kEvents = 1500;

class RolloverEndToEnd : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!binary_exists("depthsim") || !binary_exists("depthrec")) GTEST_FAIL() << "tools not built";
  }
};

struct RolloverRun {
  std::vector<rapidjson::Document> records;
  rapidjson::Document metrics;
  std::uint64_t generated = 0;
  std::uint64_t first_U = 0;  // the first event the simulator sent (on connection 1)
  std::uint64_t last_u = 0;   // the simulator's last update id
  std::string data_dir;
};

// depthrec-replay --json over a recording: its exit code and report.
std::pair<int, rapidjson::Document> replay(const std::string& data_dir) {
  const std::string dir = make_temp_dir("rollover-replay");
  ChildProcess tool(binary("depthrec-replay"), {"--json", data_dir}, dir + "/report.json");
  const auto code = tool.wait_exit(std::chrono::seconds(60));
  rapidjson::Document report;
  report.Parse(tool.output().c_str());
  return {code ? *code : -1, std::move(report)};
}

// Records `kEvents` events of `market` with `extra` flags until the simulator has generated them
// all and depthrec has recorded `expect_recorded` of them (and, with rollover, done 2 rollovers).
RolloverRun record(const std::string& market, const std::vector<std::string>& extra,
                   bool rollover) {
  RolloverRun out;
  // The simulator cuts connections at 3 s (the exchange's 24 h cut, scaled): depthrec, at 2 s,
  // must have replaced each one before that.
  Simulator sim({"--market", market, "--symbols", "BTCUSDT", "--rate", "200", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--max-connection-age-sec", "3"});
  std::vector<std::string> args{"--market",
                                market,
                                "--symbol",
                                "BTCUSDT",
                                "--depth",
                                "full",
                                "--print-interval",
                                "1",
                                "--max-connection-age-sec",
                                "2",
                                "--backoff-max-ms",
                                "500"};
  args.insert(args.end(), extra.begin(), extra.end());
  RecorderRun run = start_recorder(sim, args);
  auto generated = [&] {
    const auto stats = sim.stats();
    if (!stats.IsObject() || !stats.HasMember("symbols")) return std::uint64_t{0};
    return u64(stats["symbols"][0], "events_generated");
  };
  EXPECT_TRUE(wait_until([&] { return generated() >= kEvents; }, std::chrono::seconds(60)));
  // The last event has been generated: wait until depthrec has applied up to it.
  const auto stats = sim.stats();
  out.generated = u64(stats["symbols"][0], "events_generated");
  out.last_u = u64(stats["symbols"][0], "last_update_id");
  if (const auto* first = sim_connection(stats, 1)) out.first_U = u64(*first, "first_U");
  // With rollover: until the book has applied the last event (and 2 rollovers are done).
  // Without: until depthrec has reconnected once more after the last event was generated (a
  // connection the simulator saw open since then): every event sent before had arrived or was
  // lost with its connection; the book itself may wait for a join that no further event brings.
  const std::size_t connections = stats["connections"].Size();
  if (!rollover) {
    EXPECT_TRUE(wait_until([&] { return sim.stats()["connections"].Size() > connections; },
                           std::chrono::seconds(30)));
  }
  EXPECT_TRUE(wait_until(
      [&] {
        auto m = read_metrics(run.metrics_path());
        if (!m || !(*m)["book"].IsObject()) return false;
        if (!rollover) return metric_u64(*m, "continuity", "reconnects") >= connections;
        return u64((*m)["book"], "last_update_id") >= out.last_u &&
               metric_u64(*m, "rollover", "completed") >= 2;
      },
      std::chrono::seconds(30)))
      << run.process->output();
  stop_recorder(run);
  out.data_dir = run.data_dir();
  out.records = read_records(run.data_dir());
  auto metrics = read_metrics(run.metrics_path());
  EXPECT_TRUE(metrics);
  if (metrics) out.metrics = std::move(*metrics);
  return out;
}

std::size_t count_reason(const std::vector<const rapidjson::Document*>& records,
                         const std::string& reason) {
  return static_cast<std::size_t>(std::count_if(
      records.begin(), records.end(), [&](auto* r) { return str(*r, "reason") == reason; }));
}

TEST_P(RolloverEndToEnd, EveryEventIsRecordedExactlyOnceAcrossRollovers) {
  const std::string market = GetParam();
  const bool spot = market == "spot";
  const RolloverRun run = record(market, {}, true);
  ASSERT_EQ(run.generated, kEvents);
  const auto depth = depth_records(run.records);

  // Ids compared: one line per event, each u once, continuous from the first event sent to the
  // last, so nothing is missing and nothing doubled.
  std::set<std::uint64_t> seen;
  std::size_t duplicates = 0, discontinuities = 0;
  for (std::size_t i = 0; i < depth.size(); ++i) {
    if (!seen.insert(u64(*depth[i], "u")).second) ++duplicates;
    if (i == 0) continue;
    const std::uint64_t prev_u = u64(*depth[i - 1], "u");
    if (spot ? u64(*depth[i], "U") != prev_u + 1 : u64(*depth[i], "pu") != prev_u)
      ++discontinuities;
  }
  EXPECT_EQ(depth.size(), kEvents);
  EXPECT_EQ(duplicates, 0u);
  EXPECT_EQ(discontinuities, 0u);
  ASSERT_FALSE(depth.empty());
  EXPECT_EQ(u64(*depth.front(), "U"), run.first_U);
  EXPECT_EQ(u64(*depth.back(), "u"), run.last_u);

  // Records: one snapshot and one (initial) resync, no gap; each rollover's connect says so.
  EXPECT_EQ(records_of_type(run.records, "snapshot").size(), 1u);
  const auto resyncs = records_of_type(run.records, "resync");
  ASSERT_EQ(resyncs.size(), 1u);
  EXPECT_EQ(str(*resyncs[0], "reason"), "initial");
  EXPECT_TRUE(records_of_type(run.records, "gap").empty());
  const auto connects = records_of_type(run.records, "connect");
  std::uint64_t rollover_connects = 0, overlap = 0;
  double max_wait_ms = 0;
  std::set<std::uint64_t> conn_ids;
  for (const auto* connect : connects) {
    conn_ids.insert(u64(*connect, "conn_id"));
    if (!connect->HasMember("rollover_from")) continue;
    ++rollover_connects;
    EXPECT_EQ(u64(*connect, "rollover_from") + 1, u64(*connect, "conn_id"));
    overlap += u64(*connect, "overlap_events");
    max_wait_ms = std::max(max_wait_ms, (*connect)["rollover_wait_ms"].GetDouble());
  }
  EXPECT_EQ(conn_ids.size(), connects.size());
  const auto disconnects = records_of_type(run.records, "disconnect");
  const std::size_t rolled_over = count_reason(disconnects, "rolled_over");
  EXPECT_EQ(disconnects.size(), rolled_over) << "no other disconnect";
  // The last old connection may still be closing when depthrec stops.
  EXPECT_GE(rolled_over + 1, rollover_connects);
  EXPECT_LE(rolled_over, rollover_connects);

  const auto& m = run.metrics;
  const std::uint64_t completed = metric_u64(m, "rollover", "completed");
  EXPECT_GE(completed, 2u);
  EXPECT_EQ(completed, rollover_connects);
  EXPECT_EQ(metric_u64(m, "rollover", "fallbacks"), 0u);
  EXPECT_EQ(metric_u64(m, "rollover", "overlap_events"), overlap);
  EXPECT_EQ(metric_u64(m, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_u64(m, "continuity", "resyncs"), 0u);
  EXPECT_EQ(metric_u64(m, "continuity", "reconnects"), 0u);
  EXPECT_EQ(metric_u64(m, "integrity", "gaps"), 0u);
  EXPECT_EQ(metric_u64(m, nullptr, "total_messages"), kEvents);

  // depthrec-replay re-runs the sync over the recording: consistent, the rollovers counted.
  const auto [replay_exit, report] = replay(run.data_dir);
  EXPECT_EQ(replay_exit, 0);
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(report["breaks"].GetUint64(), 0u);
  EXPECT_EQ(report["rollover_connects"].GetUint64(), rollover_connects);
  EXPECT_EQ(report["events"].GetUint64(), kEvents);

  report_figure(market + " rollovers", static_cast<double>(completed));
  report_figure(market + " events sent / recorded",
                std::to_string(run.generated) + " / " + std::to_string(depth.size()));
  report_figure(market + " overlap events (seen on both, dropped)", static_cast<double>(overlap));
  report_figure(market + " max switch time ms (successor open -> takeover)", max_wait_ms);
  report_figure(market + " breaks / gaps / resyncs / snapshots",
                std::to_string(metric_u64(m, "continuity", "breaks")) + " / " +
                    std::to_string(records_of_type(run.records, "gap").size()) + " / " +
                    std::to_string(metric_u64(m, "continuity", "resyncs")) + " / " +
                    std::to_string(records_of_type(run.records, "snapshot").size()));
}

TEST_P(RolloverEndToEnd, WithoutRolloverEachAgeCutIsAGapAndAResync) {
  const std::string market = GetParam();
  const RolloverRun run = record(market, {"--no-rollover"}, false);
  ASSERT_EQ(run.generated, kEvents);
  const auto depth = depth_records(run.records);
  const auto& m = run.metrics;
  const std::uint64_t reconnects = metric_u64(m, "continuity", "reconnects");
  EXPECT_GE(reconnects, 2u);
  EXPECT_EQ(metric_u64(m, "rollover", "completed"), 0u);
  const auto gaps = records_of_type(run.records, "gap");
  EXPECT_GE(count_reason(gaps, "reconnect"), 2u);
  EXPECT_GE(metric_u64(m, "continuity", "resyncs"), 2u);
  EXPECT_GE(records_of_type(run.records, "snapshot").size(), 3u);
  const auto disconnects = records_of_type(run.records, "disconnect");
  EXPECT_GE(disconnects.size(), 2u);
  for (const auto* d : disconnects) EXPECT_EQ(str(*d, "reason").rfind("max_age", 0), 0u);
  // Events sent while reconnecting are not recorded.
  EXPECT_LT(depth.size(), kEvents);
  report_figure(market + " --no-rollover: events sent / recorded",
                std::to_string(run.generated) + " / " + std::to_string(depth.size()));
  report_figure(market + " --no-rollover: reconnects / gap records / resyncs / snapshots",
                std::to_string(reconnects) + " / " + std::to_string(gaps.size()) + " / " +
                    std::to_string(metric_u64(m, "continuity", "resyncs")) + " / " +
                    std::to_string(records_of_type(run.records, "snapshot").size()));
}

// The flags are documented in --help with their defaults; an age of 0 is refused.
TEST(RolloverCommandLine, HelpDocumentsTheFlagsAndZeroAgeIsRefused) {
  const std::string dir = make_temp_dir("rollover-cli");
  ChildProcess help(binary("depthrec"), {"--help"}, dir + "/help.txt");
  const auto help_exit = help.wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(help_exit);
  EXPECT_EQ(*help_exit, 0);
  EXPECT_NE(help.output().find("--max-connection-age-sec"), std::string::npos) << help.output();
  EXPECT_NE(help.output().find("85800"), std::string::npos);
  EXPECT_NE(help.output().find("--no-rollover"), std::string::npos);
  ChildProcess zero(binary("depthrec"), {"--max-connection-age-sec", "0"}, dir + "/zero.txt");
  const auto zero_exit = zero.wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(zero_exit);
  EXPECT_EQ(*zero_exit, 2);
  EXPECT_NE(zero.output().find("--max-connection-age-sec must be positive"), std::string::npos)
      << zero.output();
}

INSTANTIATE_TEST_SUITE_P(Markets, RolloverEndToEnd, ::testing::Values("usdm", "spot"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace itest::rollover_e2e_test
