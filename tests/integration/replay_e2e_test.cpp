// A book you can prove, end to end: depthsim serves a recording (real or synthetic), depthrec
// records it live, depthrec-replay verifies what was recorded against ground truth.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <utility>

#include "e2e_support.hpp"

namespace itest::replay_e2e_test {
namespace {

// Waits until `run` has recorded `messages` events and resynced `resyncs` times, stops it and
// returns its final metrics.json (nullopt, with a failure reported, if either never happened).
std::optional<rapidjson::Document> stop_once_resynced(RecorderRun& run, std::uint64_t messages,
                                                      std::uint64_t resyncs) {
  const bool recorded = wait_for_messages(run, messages);
  EXPECT_TRUE(recorded) << run.process->output();
  const bool resynced =
      recorded && wait_until(
                      [&] {
                        auto m = read_metrics(run.metrics_path());
                        return m && metric_u64(*m, "continuity", "resyncs") >= resyncs;
                      },
                      std::chrono::seconds(30));
  EXPECT_TRUE(resynced);
  stop_recorder(run);
  if (!resynced) return std::nullopt;
  return read_metrics(run.metrics_path());
}

// The book depthrec-replay rebuilds from the recording at the simulator's last update id,
// checked against /sim/truth: exit 0, `breaks` breaks all marked, both sides equal. Returns the
// truth's sides (canonical text) for the caller's own checks; empty on a failure.
std::pair<std::map<std::string, std::string>, std::map<std::string, std::string>>
expect_replayed_book_equals_truth(const Simulator& sim, const std::string& symbol,
                                  const RecorderRun& run, std::uint64_t breaks) {
  const rapidjson::Document truth = sim_truth(sim, symbol);
  EXPECT_TRUE(truth.IsObject());
  if (!truth.IsObject()) return {};
  const std::uint64_t last_id = u64(truth, "lastUpdateId");
  const auto report =
      run_replay({"--at", "u:" + std::to_string(last_id), "--levels", "5000", run.data_dir()});
  EXPECT_TRUE(report.json.IsObject());
  if (!report.json.IsObject()) return {};
  EXPECT_EQ(report.exit_code, 0) << "every break in the recording is marked and resynced";
  EXPECT_EQ(u64(report.json, "breaks"), breaks);
  EXPECT_EQ(u64(report.json, "unmarked_breaks"), 0u);
  const auto& at = report.json["at"];
  EXPECT_TRUE(at["reached"].GetBool());
  EXPECT_EQ(u64(at, "u"), last_id);
  auto truth_sides = std::make_pair(side(truth["bids"]), side(truth["asks"]));
  EXPECT_EQ(side(at["bids"]), truth_sides.first);
  EXPECT_EQ(side(at["asks"]), truth_sides.second);
  report_figure(symbol + " events verified / breaks (all marked)",
                std::to_string(u64(report.json, "events")) + " / " +
                    std::to_string(u64(report.json, "breaks")));
  report_figure(symbol + " bid / ask levels equal to ground truth",
                std::to_string(at["bids"].Size()) + " / " + std::to_string(at["asks"].Size()));
  return truth_sides;
}

void record_real_file(const std::string& market, const std::string& file, const std::string& speed,
                      std::uint64_t depth_events) {
  // 25x the original pace (USD-M ~7 s, spot ~14 s): flat out, the whole capture could be sent
  // before the snapshot arrives, and tickers seen before the sync cannot be checked.
  Simulator sim({"--market", market, "--replay", std::string(DEPTHREC_REAL_DATA_DIR) + "/" + file,
                 "--speed", "25"});
  RecorderRun run =
      start_recorder(sim, {"--market", market, "--symbol", "BTCUSDT", "--depth", "full", "--speed",
                           speed, "--book-ticker", "--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, depth_events)) << run.process->output();
  stop_recorder(run);

  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), depth_events);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "reconnects"), 0u);

  const auto report = run_replay({run.data_dir()});
  ASSERT_TRUE(report.json.IsObject());
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_EQ(u64(report.json, "events"), depth_events);
  EXPECT_EQ(u64(report.json, "breaks"), 0u);
  const auto& tickers = report.json["tickers"];
  EXPECT_EQ(u64(tickers, "mismatched"), 0u);
  EXPECT_GT(u64(tickers, "matched"), 100u) << "the recorded book was checked against bookTicker";
  report_figure("events recorded live / verified",
                std::to_string(metric_u64(*metrics, nullptr, "total_messages")) + " / " +
                    std::to_string(u64(report.json, "events")));
  report_figure("breaks / bookTicker matches / mismatches",
                std::to_string(u64(report.json, "breaks")) + " / " +
                    std::to_string(u64(tickers, "matched")) + " / " +
                    std::to_string(u64(tickers, "mismatched")));
}

TEST(ReplayEndToEnd, RealUsdmRecordingServedLiveIsRecordedWithZeroBreaksAndMatchesBookTicker) {
  record_real_file("usdm", "usdm_btcusdt_20240718.gz", "0ms", 3326);
}

TEST(ReplayEndToEnd, RealSpotRecordingServedLiveIsRecordedWithZeroBreaksAndMatchesBookTicker) {
  record_real_file("spot", "spot_btcusdt_20240808.gz", "100ms", 3451);
}

// The stream object of `symbol` in a depthrec-replay --json report's "streams".
const rapidjson::Value* stream_of(const rapidjson::Document& report, const std::string& symbol) {
  if (!report.IsObject() || !report.HasMember("streams")) return nullptr;
  for (const auto& stream : report["streams"].GetArray()) {
    if (stream["symbol"].GetString() == symbol) return &stream;
  }
  return nullptr;
}

// A cryptofeed capture of one USD-M connection carrying BTCUSDT and ETHUSDT (built from the two
// real captures by tests/unit/data/make_cryptofeed_fixture.py), with its REST companion file:
// depthsim serves each symbol its own snapshot, depthrec records each symbol, and
// depthrec-replay verifies every symbol, recording by recording and both at once.
TEST(ReplayEndToEnd, MultiSymbolCryptofeedCaptureIsRecordedAndEverySymbolVerified) {
  const std::string data = DEPTHREC_TEST_DATA_DIR;
  const std::map<std::string, std::uint64_t> depth_events{{"BTCUSDT", 284}, {"ETHUSDT", 150}};
  std::vector<std::string> recordings;
  std::string figures;
  for (const auto& [symbol, events] : depth_events) {
    Simulator sim({"--market", "usdm", "--replay", data + "/cryptofeed_usdm_2sym.ws.gz",
                   "--replay-rest", data + "/cryptofeed_usdm_2sym.rest", "--speed", "10"});
    RecorderRun run =
        start_recorder(sim, {"--market", "usdm", "--symbol", symbol, "--depth", "full", "--speed",
                             "0ms", "--book-ticker", "--print-interval", "1"});
    ASSERT_TRUE(wait_for_messages(run, events)) << symbol << "\n" << run.process->output();
    stop_recorder(run);
    auto metrics = read_metrics(run.metrics_path());
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), events) << symbol;
    EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u) << symbol;
    EXPECT_EQ(metric_u64(*metrics, "snapshots", "ok"), 1u) << symbol << ": its own snapshot";

    const auto report = run_replay({run.data_dir()});
    ASSERT_TRUE(report.json.IsObject()) << symbol;
    EXPECT_EQ(report.exit_code, 0) << symbol;
    EXPECT_EQ(u64(report.json, "events"), events) << symbol;
    EXPECT_EQ(u64(report.json, "breaks"), 0u) << symbol;
    EXPECT_GT(u64(report.json, "verified"), events / 2) << symbol;
    EXPECT_EQ(u64(report.json, "unverified_unsynced"), 0u) << symbol;
    EXPECT_EQ(u64(report.json["tickers"], "mismatched"), 0u) << symbol;
    figures += (figures.empty() ? "" : "; ") + symbol + " " +
               std::to_string(u64(report.json, "verified")) + " verified / " +
               std::to_string(u64(report.json, "unverified_before_sync")) +
               " before sync, tickers matched " +
               std::to_string(u64(report.json["tickers"], "matched"));
    recordings.push_back(run.data_dir());
  }
  report_figure("recorded from the two-symbol replay, per symbol", figures);

  // Both recordings at once, merged by receive time: every symbol verified in one run.
  const auto both = run_replay(recordings);
  ASSERT_TRUE(both.json.IsObject());
  EXPECT_EQ(both.exit_code, 0);
  ASSERT_EQ(both.json["streams"].Size(), 2u);
  for (const auto& [symbol, events] : depth_events) {
    const rapidjson::Value* stream = stream_of(both.json, symbol);
    ASSERT_NE(stream, nullptr) << symbol;
    EXPECT_EQ(u64(*stream, "events"), events) << symbol;
    EXPECT_GT(u64(*stream, "verified"), events / 2) << symbol;
    EXPECT_TRUE((*stream)["verification_failure"].IsNull()) << symbol;
  }
}

TEST(ReplayEndToEnd, BookAfterEachResyncEqualsTheSimulatorsGroundTruth) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "400", "--events", "600",
                 "--start-on-subscribe", "--fault", "gap@150", "--fault", "gap@350", "--fault",
                 "gap@598"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  // Three gaps each skip one event: 597 are sent. The last gap is revealed by the very last
  // event, so the final book is right only if that last resync worked.
  const auto metrics = stop_once_resynced(run, 597, 3);
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 3u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 3u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "reconnects"), 0u)
      << "a gap resyncs on the same connection";
  const auto records = read_records(run.data_dir());
  EXPECT_EQ(records_of_type(records, "gap").size(), 3u) << "the recording marks every gap";
  EXPECT_EQ(records_of_type(records, "connect").size(), 1u);
  std::string durations;
  for (const auto* resync : records_of_type(records, "resync")) {
    if (str(*resync, "reason") == "initial") continue;
    const auto& duration = (*resync)["duration_ms"];
    ASSERT_TRUE(duration.IsNumber());
    EXPECT_GT(duration.GetDouble(), 0.0);
    durations += (durations.empty() ? "" : ", ") + std::to_string(duration.GetDouble());
  }
  report_figure("resync durations ms (gap -> synced, same connection)", durations);

  expect_replayed_book_equals_truth(sim, "BTCUSDT", run, 3);
}

// Issue 12 (item 4): a low-priced spot symbol whose levels hold 1e11..1e13 units (depthsim's
// PEPEUSDT profile: "12345678901234.00"-shaped quantities, 0.00000001 ticks). Before quantities
// were widened every frame and the snapshot were refused as bad_decimal and the book never
// synced. Now: recorded, a gap resynced (a second snapshot), verified with 0 unmarked breaks, and
// the final book equal to /sim/truth digit for digit.
TEST(ReplayEndToEnd, WideQuantitiesOfALowPricedSymbolAreExactFromTheWireToTheVerifiedBook) {
  Simulator sim({"--market", "spot", "--symbols", "PEPEUSDT", "--rate", "400", "--events", "600",
                 "--start-on-subscribe", "--fault", "gap@300"});
  RecorderRun run = start_recorder(sim, {"--market", "spot", "--symbol", "PEPEUSDT", "--depth",
                                         "full", "--print-interval", "1"});
  const auto metrics = stop_once_resynced(run, 599, 1);
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), 599u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 1u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 1u);
  const auto records = read_records(run.data_dir());
  EXPECT_EQ(records_of_type(records, "snapshot").size(), 2u);
  EXPECT_EQ(records_of_type(records, "depth").size(), 599u);

  const auto [truth_bids, truth_asks] = expect_replayed_book_equals_truth(sim, "PEPEUSDT", run, 1);
  ASSERT_FALSE(testing::Test::HasFailure());

  // The quantities compared are wide: every one 12..14 integer digits (1e11..1e13 units).
  std::size_t shortest = 99;
  std::size_t longest = 0;
  for (const auto* levels : {&truth_bids, &truth_asks}) {
    for (const auto& [price, qty] : *levels) {
      EXPECT_EQ(qty.find('.'), std::string::npos) << "whole units: " << qty;
      shortest = std::min(shortest, qty.size());
      longest = std::max(longest, qty.size());
    }
  }
  EXPECT_GE(shortest, 12u);
  EXPECT_LE(longest, 14u);
  EXPECT_GT(truth_bids.size() + truth_asks.size(), 200u);
  report_figure("PEPEUSDT quantity integer digits",
                std::to_string(shortest) + ".." + std::to_string(longest));
}

}  // namespace
}  // namespace itest::replay_e2e_test
