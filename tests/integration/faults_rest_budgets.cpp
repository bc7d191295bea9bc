// Fault matrix, REST budgets are independent (issue 12: "the futures budget sent 0 requests in
// 140 s while spot's first syncs were being throttled"): every spot snapshot request of one
// depthrec process times out while a USD-M book syncs in the same process. Spot's REST answers
// come from a second depthsim that holds every snapshot for a minute (`--rest-fault timeout`),
// the USD-M book's from the market simulator (spot's over plain HTTP: the recorder trusts one CA);
// the USD-M book must sync without waiting for any spot timeout (with one REST worker for every
// budget it waited behind them, one at a time).
#include "engine_e2e_support.hpp"
#include "faults_support.hpp"

namespace itest::faults_rest_budgets {
namespace {

constexpr int kRestTimeoutMs = 3000;

class FaultRestBudgets : public FaultTest {};

TEST_F(FaultRestBudgets, AUsdmBookSyncsWhileEverySpotSnapshotTimesOut) {
  const std::string symbols = "usdm:BTCUSDT,spot:ETHUSDT,spot:SOLUSDT,spot:XRPUSDT";
  Simulator sim({"--symbols", symbols, "--rate", "50"});
  Simulator spot_rest({"--market", "spot", "--symbols", "ETHUSDT,SOLUSDT,XRPUSDT", "--rest-fault",
                       "timeout:1000", "--rest-delay-ms", "60000"},
                      /*tls=*/false);
  RecorderRun run = start_recorder(
      sim, {"--symbols", symbols, "--depth", "full", "--print-interval", "1", "--rest-timeout-ms",
            std::to_string(kRestTimeoutMs), "--market-endpoint", "usdm=" + sim.ws_endpoint("usdm"),
            "--market-rest-endpoint", "usdm=" + sim.rest_endpoint("usdm"), "--market-endpoint",
            "spot=" + sim.ws_endpoint("spot"), "--market-rest-endpoint",
            "spot=" + spot_rest.rest_endpoint()});
  double usdm_sync_ms = -1;
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    const rapidjson::Value* usdm = stream_entry(m, "usdm", "BTCUSDT");
    if (usdm == nullptr || !metric_flag(*usdm, {"book", "synced"})) return false;
    usdm_sync_ms = metric_number(*usdm, {"sync", "initial_sync_ms"});
    return true;
  })) << run.process->output();
  // Spot keeps timing out meanwhile: wait for its second failed snapshot, then stop.
  std::uint64_t spot_failed = 0;
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    spot_failed = 0;
    for (const char* symbol : {"ETHUSDT", "SOLUSDT", "XRPUSDT"}) {
      if (const rapidjson::Value* spot = stream_entry(m, "spot", symbol))
        spot_failed += metric_at(*spot, {"snapshots", "failed"});
    }
    return spot_failed >= 2;
  })) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  // The spot requests failed by the timeout (not refused at once): depthsim held them.
  EXPECT_GE(sim_fault_count(spot_rest.stats(), "rest_timeout"), 2u);
  const rapidjson::Value* usdm = stream_entry(metrics, "usdm", "BTCUSDT");
  ASSERT_NE(usdm, nullptr);
  EXPECT_EQ(metric_at(*usdm, {"snapshots", "failed"}), 0u);
  EXPECT_GE(usdm_sync_ms, 0.0);
  EXPECT_LT(usdm_sync_ms, kRestTimeoutMs);  // never behind one spot timeout
  for (const char* symbol : {"ETHUSDT", "SOLUSDT", "XRPUSDT"}) {
    const rapidjson::Value* spot = stream_entry(metrics, "spot", symbol);
    ASSERT_NE(spot, nullptr) << symbol;
    EXPECT_FALSE(metric_flag(*spot, {"book", "synced"})) << symbol;  // its snapshots never came
  }
  report_figure("usdm initial sync ms while every spot snapshot times out (timeout 3000 ms)",
                usdm_sync_ms);
  report_figure("spot snapshots timed out by the time the recorder stopped", spot_failed);
}

}  // namespace
}  // namespace itest::faults_rest_budgets
