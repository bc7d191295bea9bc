// depthrec --config (issue 13 item 4) end to end: seed 003's example config files, unchanged
// (tests/data/config/), run against depthsim with the simulator's endpoints on the command line
// (which overrides the file's output_directory). Every depth, aggTrade and kline_1m stream the
// file lists is recorded, every depth event depthsim sent, each book equal to /sim/truth; each
// key depthrec cannot honour is said; --status reads the run's metrics.json. A stream depthrec
// does not record yet (miniTicker) is refused before connecting.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "engine_e2e_support.hpp"

namespace itest::config_e2e_test {
namespace {

const std::string kConfigDir = std::string(DEPTHREC_SOURCE_DIR) + "/tests/data/config";

const std::vector<SymbolUnderTest> kSeedSymbols{{"usdm", "BTCUSDT", 0, "depth@0ms"},
                                                {"usdm", "ETHUSDT", 0, "depth@0ms"}};

// Runs `config_file` against depthsim until both books are at truth, and checks the recording.
void expect_seed_config_records_every_depth_stream(
    const std::string& config_file, const std::string& seed,
    const std::vector<std::string>& expected_warnings, const std::vector<std::string>& extra = {}) {
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT"}, seed));
  std::vector<std::string> args{"--config", config_file, "--print-interval", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  RecorderRun run = start_recorder(sim, args);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, kSeedSymbols);
  ASSERT_TRUE(metrics);
  ASSERT_EQ((*metrics)["streams"].Size(), kSeedSymbols.size());
  std::uint64_t recorded = 0;
  for (const SymbolUnderTest& s : kSeedSymbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr) << s.symbol;
    EXPECT_EQ(str(*entry, "stream"), s.stream());
    EXPECT_EQ(u64(*entry, "total_messages"), events_sent(sim, s)) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "breaks"), 0u) << s.symbol;
    recorded += u64(*entry, "total_messages");
    expect_stream_replays_to_truth(sim, run, s, 0);
  }
  // aggTrade of both symbols recorded, each event depthsim sent (none is refused any more).
  ASSERT_TRUE(metrics->HasMember("channel_streams"));
  std::uint64_t agg_recorded = 0, kline_recorded = 0;
  for (const SymbolUnderTest& s : kSeedSymbols) {
    const auto stats = sim.get("/sim/stats?symbol=" + s.symbol);
    rapidjson::Document doc;
    if (stats) doc.Parse(stats->c_str());
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("symbol")) << s.symbol;
    const rapidjson::Value* agg = nullptr;
    for (const auto& entry : (*metrics)["channel_streams"].GetArray()) {
      if (str(entry, "stream") == SymbolUnderTest::to_lower(s.symbol) + "@aggTrade") agg = &entry;
    }
    ASSERT_NE(agg, nullptr) << s.symbol;
    const std::uint64_t sent = u64(doc["symbol"], "agg_trade_events_sent");
    EXPECT_GT(sent, 0u) << s.symbol;
    // Sent before the recorder stopped: at most the last frames in flight are not counted.
    EXPECT_LE(u64(*agg, "events"), sent) << s.symbol;
    EXPECT_EQ(u64(*agg, "gaps"), 0u) << s.symbol;
    agg_recorded += u64(*agg, "events");
    // kline_1m: the open candle's updates depthsim sent (a minute does not end in the run).
    const rapidjson::Value* kline =
        channel_stream_entry(*metrics, SymbolUnderTest::to_lower(s.symbol) + "@kline_1m");
    ASSERT_NE(kline, nullptr) << s.symbol;
    EXPECT_GT(u64(*kline, "events"), 0u) << s.symbol;
    EXPECT_LE(u64(*kline, "events"), u64(doc["symbol"], "kline_events_sent")) << s.symbol;
    EXPECT_EQ(u64((*kline)["parse_errors"], "total"), 0u) << s.symbol;
    kline_recorded += u64(*kline, "events");
  }
  EXPECT_EQ(run.process->output().find("'aggTrade'"), std::string::npos)
      << "aggTrade is recorded, not skipped";
  // --status (seed 003's command) reads the recorder's metrics.json: both streams in it.
  ChildProcess status(binary("depthrec"),
                      {"--config", config_file, "--data-dir", run.data_dir(), "--status"},
                      run.dir + "/status.txt");
  const auto status_exit = status.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(status_exit);
  EXPECT_EQ(*status_exit, 0) << status.output();
  EXPECT_NE(status.output().find("metrics: " + run.metrics_path()), std::string::npos)
      << status.output();
  EXPECT_NE(status.output().find("of 2 failing"), std::string::npos) << status.output();

  const std::string output = run.process->output();
  for (const std::string& warning : expected_warnings)
    EXPECT_NE(output.find(warning), std::string::npos) << warning << "\n" << output;
  report_figure(config_file.substr(config_file.rfind('/') + 1) +
                    ": depth streams recorded / events recorded (= sent) / aggTrade events "
                    "recorded / kline_1m updates recorded / warnings",
                std::to_string((*metrics)["streams"].Size()) + " / " + std::to_string(recorded) +
                    " / " + std::to_string(agg_recorded) + " / " + std::to_string(kline_recorded) +
                    " / " + std::to_string(expected_warnings.size()));
}

// The development file asks for CSV (storage.file_format: csv): the command line's --format both
// adds the NDJSON segments this test reads (csv_e2e_test.cpp runs the file alone).
TEST(ConfigE2E, SeedDevelopmentConfigRecordsEveryDepthStreamItLists) {
  expect_seed_config_records_every_depth_stream(
      kConfigDir + "/seed003_development.yaml", "51",
      {"warning: " + kConfigDir + "/seed003_development.yaml:10: modes.development.max_workers:"},
      {"--format", "both"});
}

TEST(ConfigE2E, SeedProductionConfigRecordsEveryDepthStreamItLists) {
  expect_seed_config_records_every_depth_stream(
      kConfigDir + "/seed003_production.yaml", "52",
      {"modes.production.max_workers: not applied", "performance.process_priority: not applied"});
}

// Without --skip-unsupported-streams a stream depthrec does not record yet (the seed's file with
// miniTicker for kline_1m) is refused before connecting: exit 2, each stream named at its
// line, nothing written.
TEST(ConfigE2E, UnsupportedStreamsRefusedBeforeConnecting) {
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT"}, "53"));
  const std::string dir = make_temp_dir("config_unsupported");
  std::ifstream seed_file(kConfigDir + "/seed003_development.yaml");
  std::string text((std::istreambuf_iterator<char>(seed_file)), std::istreambuf_iterator<char>());
  for (std::size_t at = text.find("kline_1m"); at != std::string::npos; at = text.find("kline_1m"))
    text.replace(at, 8, "miniTicker");
  std::ofstream(dir + "/seed003_development.yaml") << text;
  RecorderRun run = start_recorder(sim, {"--config", dir + "/seed003_development.yaml"});
  const auto exit_code = run.process->wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(exit_code);
  EXPECT_EQ(*exit_code, 2);
  const std::string output = run.process->output();
  EXPECT_NE(output.find("seed003_development.yaml:16: modes.development.symbols[0].streams[2]: "
                        "'miniTicker'"),
            std::string::npos)
      << output;
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 0u) << "no connection was opened";
  EXPECT_TRUE(segment_files(run.data_dir()).empty());

  // --status where no recorder writes: says so, exit 2.
  ChildProcess status(binary("depthrec"), {"--data-dir", run.dir + "/nothing-here", "--status"},
                      run.dir + "/status.txt");
  const auto status_exit = status.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(status_exit);
  EXPECT_EQ(*status_exit, 2) << status.output();
  EXPECT_NE(status.output().find("STATUS CRITICAL"), std::string::npos) << status.output();
}

}  // namespace
}  // namespace itest::config_e2e_test
