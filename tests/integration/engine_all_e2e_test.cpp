// `--symbols ALL` end to end (issue 12, item 2): depthrec takes the symbol list from depthsim's
// exchangeInfo at start and records every TRADING symbol, each book equal to /sim/truth and each
// stream verified alone by depthrec-replay; a named symbol the exchange does not list is logged
// and left out while the others go on; a malformed exchangeInfo is retried with backoff; a
// selection that resolves to nothing exits 1 with the reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <set>

#include "engine_e2e_support.hpp"

namespace itest::engine_all_e2e_test {
namespace {

// Every symbol of `symbols` recorded, at truth, verified alone; the aggregate is their sum.
// metrics.json's "symbols" figures are checked by `check_selection`.
void expect_every_symbol_recorded(
    const Simulator& sim, RecorderRun& run, const std::vector<SymbolUnderTest>& symbols,
    const std::string& figure,
    const std::function<void(const rapidjson::Value&)>& check_selection) {
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  ASSERT_TRUE(metrics->HasMember("symbols") && (*metrics)["symbols"].IsObject());
  EXPECT_EQ(u64((*metrics)["symbols"], "recorded"), symbols.size());
  check_selection((*metrics)["symbols"]);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0) << "the whole directory, stream by stream";
  EXPECT_EQ(whole.json["streams"].Size(), symbols.size());
  report_figure(figure, static_cast<double>(metrics->operator[]("streams").Size()));
}

// ALL on a market of 8 symbols, one of them halted (status BREAK) before the start: the 7
// TRADING ones are recorded, the halted one is not.
TEST(EngineAll, AllRecordsEveryTradingSymbolAndEachBookEqualsTruth) {
  Simulator sim(usdm_sim("51", 8));
  const std::vector<std::string> listed = trading_symbols(sim, "usdm");
  ASSERT_EQ(listed.size(), 8u);
  const std::string halted = listed[3];
  ASSERT_TRUE(sim.get("/sim/delist?symbol=" + halted));
  std::vector<std::string> trading = trading_symbols(sim, "usdm");
  ASSERT_EQ(trading.size(), 7u);
  RecorderRun run = start_recorder(sim, {"--symbols", "ALL", "--market", "usdm", "--depth", "full",
                                         "--book-ticker", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return log_has(run, "--symbols resolved to 7 symbols"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  const std::vector<SymbolUnderTest> symbols = usdm_symbols(trading);
  expect_every_symbol_recorded(sim, run, symbols, "ALL on 8 usdm symbols (1 halted): streams",
                               [](const rapidjson::Value& selection) {
                                 EXPECT_EQ(u64(selection, "not_recorded"), 0u);
                                 EXPECT_EQ(u64(selection, "exchange_info_failures"), 0u);
                               });
  EXPECT_EQ(events_sent(sim, {"usdm", halted}), 0u) << "the halted " << halted;
  const std::vector<std::string> segments = segment_files(run.data_dir());
  ASSERT_FALSE(segments.empty());
  EXPECT_NE(segments.front().find("/multi_depth."), std::string::npos) << segments.front();
}

// usdm:ALL beside named spot symbols, one of which spot does not list: one clear error for it,
// every other symbol recorded on its own market.
TEST(EngineAll, AllBesideNamedSymbolsLeavesOutAnUnlistedNameWithOneError) {
  Simulator sim(engine_sim_args({"--symbols", "usdm:BTCUSDT,usdm:ETHUSDT,spot:SOLUSDT"}, "52"));
  const int usdm = sim.market_port("usdm"), spot = sim.market_port("spot");
  ASSERT_GT(usdm, 0);
  ASSERT_GT(spot, 0);
  RecorderRun run = start_recorder(
      sim, {"--symbols", "usdm:ALL,spot:SOLUSDT,spot:NOPEUSDT", "--depth", "full", "--book-ticker",
            "--print-interval", "1", "--market-endpoint", "spot=" + sim.ws_endpoint("spot"),
            "--market-rest-endpoint", "spot=" + sim.rest_endpoint("spot"), "--market-endpoint",
            "usdm=" + sim.ws_endpoint("usdm"), "--market-rest-endpoint",
            "usdm=" + sim.rest_endpoint("usdm")});
  ASSERT_TRUE(wait_until([&] { return log_has(run, "--symbols resolved to 3 symbols"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  EXPECT_TRUE(log_has(run, "spot:NOPEUSDT is not recorded: not listed on spot")) << log_text(run);
  const std::vector<SymbolUnderTest> symbols{
      {"spot", "SOLUSDT", spot}, {"usdm", "BTCUSDT", usdm}, {"usdm", "ETHUSDT", usdm}};
  expect_every_symbol_recorded(
      sim, run, symbols, "usdm:ALL + 2 named spot (1 unlisted): streams",
      [](const rapidjson::Value& selection) { EXPECT_EQ(u64(selection, "not_recorded"), 1u); });
}

// The first two exchangeInfo answers are cut in half: each is a clear error, retried with
// backoff, and the third resolves ALL as if nothing happened.
TEST(EngineAll, AMalformedExchangeInfoAtStartIsRetriedWithBackoff) {
  Simulator sim(usdm_sim("53", 3, {"--rest-fault", "info_malformed:2"}));
  RecorderRun run = start_recorder(
      sim, {"--symbols", "ALL", "--depth", "full", "--book-ticker", "--print-interval", "1"});
  ASSERT_TRUE(wait_until([&] { return log_has(run, "--symbols resolved to 3 symbols"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  const std::string output = log_text(run);
  std::size_t failures = 0;
  for (std::size_t at = output.find("exchangeInfo of usdm failed: malformed answer");
       at != std::string::npos;
       at = output.find("exchangeInfo of usdm failed: malformed answer", at + 1))
    ++failures;
  EXPECT_EQ(failures, 2u) << output;
  EXPECT_NE(output.find("retrying in"), std::string::npos) << output;
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(u64(stats["faults"], "rest_info_malformed"), 2u);
  expect_every_symbol_recorded(sim, run, usdm_symbols(trading_symbols(sim, "usdm")),
                               "ALL after 2 malformed exchangeInfo answers: streams",
                               [](const rapidjson::Value& selection) {
                                 EXPECT_EQ(u64(selection, "exchange_info_failures"), 2u);
                               });
  report_figure("malformed exchangeInfo answers retried at start", static_cast<double>(failures));
}

// ALL that matches nothing (--quote of an asset no symbol is quoted in) records nothing: exit 1
// with the reason, before any connection is opened.
TEST(EngineAll, ASelectionThatResolvesToNothingExitsWithTheReason) {
  Simulator sim(usdm_sim("54", 3));
  RecorderRun run = start_recorder(sim, {"--symbols", "ALL", "--quote", "XYZ", "--depth", "full"});
  const auto code = run.process->wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_NE(run.process->output().find(
                "depthrec: --symbols resolved to no symbol to record (no TRADING symbol matches)"),
            std::string::npos)
      << run.process->output();
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 0u);
}

// SIGTERM while the start waits for exchangeInfo (retrying a malformed answer): the recorder
// resolves, opens nothing and exits 0 instead of going on to record.
TEST(EngineAll, AStopDuringTheStartsExchangeInfoRetriesEndsTheRun) {
  Simulator sim(usdm_sim("55", 3, {"--rest-fault", "info_malformed:3"}));
  RecorderRun run = start_recorder(sim, {"--symbols", "ALL", "--depth", "full"});
  ASSERT_TRUE(wait_until([&] { return log_has(run, "exchangeInfo of usdm failed"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  ASSERT_TRUE(run.process->signal(SIGTERM));
  const auto code = run.process->wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "still running after SIGTERM: " << log_text(run);
  EXPECT_EQ(*code, 0) << run.process->output();
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 0u) << "nothing recorded after the stop";
}

}  // namespace
}  // namespace itest::engine_all_e2e_test
