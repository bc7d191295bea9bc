// The many-stream engine (issue 12) end to end: one depthrec process records several symbols
// from depthsim; per symbol, every event depthsim generated is recorded, the book at the end
// equals /sim/truth (depthrec-replay verifies each stream alone: exit 0). Gaps and a dropped
// connection at 40 symbols: engine_market_faults_e2e_test.cpp. depthsim generates a fixed number
// of events per symbol (--events) so "every event" is a number both sides know.
#include <gtest/gtest.h>

#include "engine_e2e_support.hpp"

namespace itest::engine_e2e_test {
namespace {

constexpr std::uint64_t kEvents = kEngineEvents;

// depthrec-check on a many-stream run (issue 12, item 6) where a gap was injected on ETHUSDT: its
// stream broke (the seed's limit: any break is CRITICAL), and the check names that stream, and
// only that one, with the exit status of its worst alert. Staleness is left out: depthsim stops
// after kEvents, so how old each stream's last message is depends on the machine's pace.
void expect_depthrec_check_names_only_ethusdt(const RecorderRun& run) {
  ChildProcess check(binary("depthrec-check"), {"--stale-intervals", "0", run.metrics_path()},
                     make_temp_dir("check") + "/check.txt");
  const auto exit_code = check.wait_exit(std::chrono::seconds(30));
  const std::string output = check.output();
  ASSERT_TRUE(exit_code) << output;
  EXPECT_EQ(*exit_code, 2) << output;
  EXPECT_NE(output.find("CRITICAL stream=ethusdt@depth@100ms market=usdm symbol=ETHUSDT "
                        "breaks=1 (crit >0)\n"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("symbol=BTCUSDT"), std::string::npos) << output;
  EXPECT_EQ(output.find("symbol=SOLUSDT"), std::string::npos) << output;
  EXPECT_NE(output.find("streams: 1 of 3 failing"), std::string::npos) << output;
  std::size_t stream_lines = 0;
  for (std::size_t at = output.find("stream="); at != std::string::npos;
       at = output.find("stream=", at + 1))
    ++stream_lines;
  report_figure("depthrec-check, gap on ETHUSDT of 3 symbols: failing streams named / lines / exit",
                "ETHUSDT / " + std::to_string(stream_lines) + " / " + std::to_string(*exit_code));
}

// depthsim with BTCUSDT, ETHUSDT and SOLUSDT on USD-M, kEvents each, and `extra` arguments.
std::vector<std::string> three_usdm_symbols_sim(const std::string& seed,
                                                std::vector<std::string> extra = {}) {
  return engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT"}, seed, extra);
}

// depthrec recording the three symbols' diff depth and bookTickers, with `extra` flags.
RecorderRun record_three_usdm_symbols(const Simulator& sim, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{
      "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--market",         "usdm", "--depth",
      "full",      "--book-ticker",           "--print-interval", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_recorder(sim, args);
}

const std::vector<SymbolUnderTest> kThreeUsdmSymbols{
    {"usdm", "BTCUSDT"}, {"usdm", "ETHUSDT"}, {"usdm", "SOLUSDT"}};

TEST(EngineE2E, ThreeUsdmSymbolsOnOneConnectionRecordEveryEventAndEveryBookEqualsTruth) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("31"));
  RecorderRun run = record_three_usdm_symbols(sim);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols, kEvents);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);

  // One connection carried the three symbols (the planner's limit is 200 streams).
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 1u);
  const std::vector<std::string> segments = segment_files(run.data_dir());
  ASSERT_FALSE(segments.empty());
  EXPECT_NE(segments.front().find("/multi_depth."), std::string::npos) << segments.front();
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  const auto whole = run_replay({run.data_dir()});
  EXPECT_EQ(whole.exit_code, 0) << "the whole directory, stream by stream";
  report_figure("connections used for 3 symbols (6 streams)", 1.0);
}

// Binance's streams-per-connection limit, enforced by depthsim (5): 3 symbols with their
// bookTickers (6 streams) need two connections, and a symbol's depth and bookTicker share one
// (key order would put SOLUSDT's depth in the first connection's last slot and its bookTicker
// alone on the second: its FeedSession would never see it).
TEST(EngineE2E, StreamsBeyondOneConnectionsLimitGoOnASecondConnection) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("34", {"--max-streams-per-connection", "5"}));
  RecorderRun run = record_three_usdm_symbols(sim, {"--futures-streams-per-connection", "5"});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols, kEvents);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 2u);
  for (const auto& connection : stats["connections"].GetArray())
    EXPECT_LE(connection["streams"].Size(), 5u);
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  report_figure("connections for 6 streams at 5 per connection",
                static_cast<double>(stats["connections"].Size()));
}

// Make-before-break per connection: at its age a successor opens, every book on it joins the
// successor, and only then is the old connection retired: no gap, no resync, every event once.
TEST(EngineE2E, ConnectionsRollOverWithEveryBookJoiningTheSuccessor) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("36"));
  RecorderRun run = record_three_usdm_symbols(sim, {"--max-connection-age-sec", "1.5"});
  // Every book synced at the truth's last update id, never resynced.
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols, kEvents);
  ASSERT_TRUE(metrics);
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64((*entry)["continuity"], "breaks"), 0u) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), 0u) << s.symbol;
  }
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_GE(stats["connections"].Size(), 2u) << "at least one rollover in the run";
  // During a rollover both connections are sent the same events: each is recorded once.
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0);
  ASSERT_EQ(whole.json["streams"].Size(), 3u);
  for (const auto& stream : whole.json["streams"].GetArray()) {
    EXPECT_EQ(u64(stream, "events"), kEvents) << str(stream, "symbol");
    EXPECT_EQ(u64(stream, "breaks"), 0u) << str(stream, "symbol");
  }
  report_figure("connections opened in the run (1.5 s age) / breaks",
                std::to_string(stats["connections"].Size()) + " / 0");
}

// A gap on ETHUSDT: only its book resyncs, every stream replays to the truth, and depthrec-check
// on the run's metrics.json names ETHUSDT's stream, and no other.
TEST(EngineE2E, AGapOnOneSymbolResyncsThatSymbolOnly) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("32", {"--fault", "gap@200/ETHUSDT"}));
  RecorderRun run = record_three_usdm_symbols(sim);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), s.symbol == "ETHUSDT" ? 1u : 0u) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "breaks"), s.symbol == "ETHUSDT" ? 1u : 0u) << s.symbol;
    EXPECT_EQ(u64(*entry, "total_messages"), events_sent(sim, s)) << s.symbol;
    report_figure("gap on ETHUSDT: " + s.symbol + " resyncs",
                  static_cast<double>(u64((*entry)["continuity"], "resyncs")));
  }
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 1u) << "the aggregate";
  for (const SymbolUnderTest& s : symbols)
    expect_stream_replays_to_truth(sim, run, s, s.symbol == "ETHUSDT" ? 1u : 0u);
  expect_depthrec_check_names_only_ethusdt(run);
}

// Two markets in one run, BTCUSDT on both (two books under one stream name, told apart by the
// records' market) and ETHUSDT on spot; each market has its own depthsim listener.
TEST(EngineE2E, SpotAndUsdmInOneRunWithTheSameSymbolOnBoth) {
  Simulator sim(engine_sim_args({"--symbols", "usdm:BTCUSDT,spot:BTCUSDT,spot:ETHUSDT"}, "33"));
  const int usdm = sim.market_port("usdm"), spot = sim.market_port("spot");
  ASSERT_GT(usdm, 0);
  ASSERT_GT(spot, 0);
  const std::vector<SymbolUnderTest> symbols{
      {"usdm", "BTCUSDT", usdm}, {"spot", "BTCUSDT", spot}, {"spot", "ETHUSDT", spot}};
  RecorderRun run =
      start_recorder(sim, {"--symbols", "usdm:BTCUSDT,spot:BTCUSDT,spot:ETHUSDT", "--depth", "full",
                           "--book-ticker", "--print-interval", "1", "--market-endpoint",
                           "spot=" + sim.ws_endpoint("spot"), "--market-rest-endpoint",
                           "spot=" + sim.rest_endpoint("spot"), "--market-endpoint",
                           "usdm=" + sim.ws_endpoint("usdm"), "--market-rest-endpoint",
                           "usdm=" + sim.rest_endpoint("usdm")});
  // Every book at its market's truth (last update id, synced): metrics.json per stream.
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols, kEvents);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  // ETHUSDT is the only book of its stream name: its replayed book is compared with the truth.
  expect_stream_replays_to_truth(sim, run, symbols[2], 0);
  // The whole directory: the two BTCUSDT books are verified apart, each with its own rules.
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0);
  ASSERT_EQ(whole.json["streams"].Size(), 3u);
  for (const auto& stream : whole.json["streams"].GetArray()) {
    const SymbolUnderTest s{str(stream, "market"), str(stream, "symbol"),
                            str(stream, "market") == "usdm" ? usdm : spot};
    EXPECT_EQ(u64(stream, "events"), events_sent(sim, s)) << s.market << ":" << s.symbol;
    EXPECT_EQ(u64(stream, "unmarked_breaks"), 0u) << s.market << ":" << s.symbol;
    EXPECT_TRUE(stream["consistent"].GetBool()) << s.market << ":" << s.symbol;
    report_figure(s.market + ":" + s.symbol + " events verified (whole directory)",
                  static_cast<double>(u64(stream, "events")));
  }
}

}  // namespace
}  // namespace itest::engine_e2e_test
