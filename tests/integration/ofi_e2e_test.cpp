// depthrec-ofi against depthsim: the OFI it computes live, on the Recorder's callback or queue,
// equals the OFI recomputed independently from the recording it wrote, window by window; with
// several symbols, each symbol's windows equal the OFI of that symbol's own recorded events.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include "e2e_support.hpp"
#include "ofi_reference.hpp"

namespace itest::ofi_e2e_test {
namespace {

constexpr std::size_t kLevels = 5;

// Starts depthrec-ofi against `sim`, recording into <dir>/data and writing windows to
// <dir>/ofi.ndjson.
RecorderRun start_ofi(const Simulator& sim, const std::vector<std::string>& extra,
                      const std::vector<std::string>& symbols = {"--symbol", "BTCUSDT"}) {
  RecorderRun run;
  run.dir = make_temp_dir("depthrec-ofi");
  std::vector<std::string> args = symbols;
  args.insert(args.end(), {"--market",
                           "usdm",
                           "--depth",
                           "full",
                           "--endpoint",
                           sim.ws_endpoint(),
                           "--rest-endpoint",
                           sim.rest_endpoint(),
                           "--ca-file",
                           sim.ca_file(),
                           "--record",
                           "--data-dir",
                           run.data_dir(),
                           "--log-dir",
                           run.dir + "/logs",
                           "--print-interval",
                           "1",
                           "--levels",
                           std::to_string(kLevels),
                           "--out",
                           run.dir + "/ofi.ndjson"});
  args.insert(args.end(), extra.begin(), extra.end());
  run.process =
      std::make_unique<ChildProcess>(binary("depthrec-ofi"), args, run.dir + "/output.txt");
  return run;
}

std::vector<rapidjson::Document> read_windows(const std::string& path) {
  std::vector<rapidjson::Document> windows;
  const std::string text = read_file(path);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    rapidjson::Document doc;
    // Full precision: the default parser may be one ulp off the 17 digits written.
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str() + start, end - start);
    EXPECT_FALSE(doc.HasParseError()) << text.substr(start, end - start);
    windows.push_back(std::move(doc));
    start = end + 1;
  }
  return windows;
}

bool close_enough(double live, double reference) {
  return std::fabs(live - reference) <=
         1e-9 * std::max({std::fabs(live), std::fabs(reference), 1e-3});
}

// Window by window: same bounds, counts and ids, OFI within 1e-9 relative, same best prices.
// `breaks`: the recorder publishes each break of the book once as an unsynced state, which the
// calculator skips; the reference, rebuilt from the recording, sees no such state.
void expect_same_windows(const std::vector<rapidjson::Document>& live,
                         const std::vector<ReferenceWindow>& reference, std::uint64_t breaks,
                         const std::string& figure_prefix = "") {
  ASSERT_EQ(live.size(), reference.size());
  std::uint64_t skipped = 0;
  for (std::size_t i = 0; i < live.size(); ++i) {
    SCOPED_TRACE("window " + std::to_string(i));
    const auto& l = live[i];
    const auto& r = reference[i];
    EXPECT_EQ(l["start_ms"].GetInt64(), r.start_ms);
    EXPECT_EQ(l["end_ms"].GetInt64(), r.end_ms);
    EXPECT_EQ(l["complete"].GetBool(), r.complete);
    EXPECT_EQ(l["events"].GetUint64(), r.events);
    EXPECT_EQ(l["transitions"].GetUint64(), r.transitions);
    EXPECT_EQ(l["gaps"].GetUint64(), r.gaps);
    EXPECT_EQ(l["gap"].GetBool(), r.gaps > 0 || l["skipped"].GetUint64() > 0);
    skipped += l["skipped"].GetUint64();
    EXPECT_EQ(l["first_id"].GetUint64(), r.first_id);
    EXPECT_EQ(l["last_id"].GetUint64(), r.last_id);
    ASSERT_EQ(l["mlofi"].Size(), kLevels);
    for (rapidjson::SizeType m = 0; m < kLevels; ++m) {
      EXPECT_PRED2(close_enough, l["mlofi"][m].GetDouble(), r.mlofi[m]) << "level " << m + 1;
    }
    EXPECT_EQ(l["ofi"].GetDouble(), l["mlofi"][0].GetDouble());
    EXPECT_EQ(price_units(l["best_bid"].GetString()), r.best_bid_units);
    EXPECT_EQ(price_units(l["best_ask"].GetString()), r.best_ask_units);
  }
  EXPECT_EQ(skipped, breaks);
  double worst = 0.0;  // the largest relative OFI difference seen, for the figure
  std::uint64_t transitions = 0;
  for (std::size_t i = 0; i < live.size(); ++i) {
    transitions += reference[i].transitions;
    for (rapidjson::SizeType m = 0; m < kLevels; ++m) {
      const double a = live[i]["mlofi"][m].GetDouble();
      const double b = reference[i].mlofi[m];
      worst = std::max(worst, std::fabs(a - b) / std::max({std::fabs(a), std::fabs(b), 1e-3}));
    }
  }
  std::ostringstream text;
  text << live.size() << " / " << transitions << " / " << worst;
  report_figure(figure_prefix + "windows compared / transitions / largest relative OFI difference",
                text.str());
}

std::uint64_t total(const std::vector<ReferenceWindow>& windows,
                    std::uint64_t ReferenceWindow::*field) {
  std::uint64_t sum = 0;
  for (const auto& w : windows) sum += w.*field;
  return sum;
}

class OfiEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!binary_exists("depthsim") || !binary_exists("depthrec-ofi"))
      GTEST_FAIL() << "tools not built";
  }
};

TEST_F(OfiEndToEnd, CallbackOfiOnEventTimeWindowsEqualsTheOfiOfTheRecording) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "600",
                 "--start-on-subscribe"});
  RecorderRun run = start_ofi(sim, {"--window-ms", "100"});
  ASSERT_TRUE(wait_for_messages(run, 600)) << run.process->output();
  stop_recorder(run);

  const auto records = read_records(run.data_dir());
  ASSERT_EQ(depth_records(records).size(), 600u);
  ReferenceOptions options;
  options.levels = kLevels;
  options.window_ms = 100;
  const auto reference = reference_ofi(records, options);
  const auto live = read_windows(run.dir + "/ofi.ndjson");
  // 600 events at 500/s span about 1.2 s of event time: a dozen windows, hundreds of transitions.
  ASSERT_GE(reference.size(), 8u);
  EXPECT_GT(total(reference, &ReferenceWindow::transitions), 400u);
  EXPECT_EQ(total(reference, &ReferenceWindow::gaps), 0u);
  std::size_t nonzero = 0;
  for (const auto& w : reference) nonzero += w.mlofi[0] != 0.0 && w.mlofi[kLevels - 1] != 0.0;
  EXPECT_GE(nonzero, reference.size() / 2) << "the comparison is not of zeros";
  expect_same_windows(live, reference, 0);
  EXPECT_NE(run.process->output().find("callback (OFI on the network thread): " +
                                       std::to_string(total(reference, &ReferenceWindow::events)) +
                                       " calls"),
            std::string::npos)
      << run.process->output();
}

TEST_F(OfiEndToEnd, QueueOfiOnCountWindowsRestartsAfterAnInjectedGapLikeTheRecording) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "600",
                 "--start-on-subscribe", "--fault", "gap@300"});
  RecorderRun run = start_ofi(sim, {"--queue", "--window-events", "50"});
  // The gap fault sends one event to nobody: 599 arrive, and the book resyncs after the gap.
  ASSERT_TRUE(wait_for_messages(run, 599)) << run.process->output();
  ASSERT_TRUE(wait_for_resyncs(run, 1)) << run.process->output();
  stop_recorder(run);

  const auto records = read_records(run.data_dir());
  ASSERT_EQ(records_of_type(records, "snapshot").size(), 2u);
  ReferenceOptions options;
  options.levels = kLevels;
  options.window_events = 50;
  const auto reference = reference_ofi(records, options);
  const auto live = read_windows(run.dir + "/ofi.ndjson");
  ASSERT_GE(reference.size(), 8u);
  EXPECT_EQ(total(reference, &ReferenceWindow::gaps), 1u) << "one restart, after the resync";
  EXPECT_EQ(total(reference, &ReferenceWindow::transitions),
            total(reference, &ReferenceWindow::events) - 2)
      << "every state but the first and the one after the resync has a transition";
  expect_same_windows(live, reference, 1);
  EXPECT_NE(run.process->output().find(" 0 dropped when full"), std::string::npos)
      << run.process->output();
}

// Three symbols in one depthrec-ofi: one calculator per symbol, routed by the update's key. Each
// symbol's windows equal the reference OFI of that symbol's own recorded lines, and the gap
// injected on ETHUSDT flags ETHUSDT's windows only.
TEST_F(OfiEndToEnd, ThreeSymbolsAtOnceEachEqualsTheOfiOfItsOwnRecordingAndAGapMarksItsSymbolOnly) {
  constexpr std::uint64_t kEventsEach = 600;
  const std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT", "SOLUSDT"};
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--rate", "150",
                 "--events", std::to_string(kEventsEach), "--start-on-subscribe", "--seed", "41",
                 "--fault", "gap@200/ETHUSDT"});
  RecorderRun run =
      start_ofi(sim, {"--window-ms", "100"}, {"--symbols", "BTCUSDT,ETHUSDT,SOLUSDT"});
  // The gap sends one ETHUSDT event to nobody: 3 x 600 - 1 arrive; ETHUSDT's book resyncs.
  ASSERT_TRUE(wait_for_messages(run, 3 * kEventsEach - 1)) << run.process->output();
  ASSERT_TRUE(wait_for_resyncs(run, 1)) << run.process->output();
  stop_recorder(run);

  // The recording, split by symbol: each symbol's own lines, in their recorded order.
  std::map<std::string, std::vector<rapidjson::Document>> by_symbol;
  for (auto& record : read_records(run.data_dir())) {
    if (str(record, "market") != "usdm") continue;
    const std::string symbol = str(record, "symbol");
    by_symbol[symbol].push_back(std::move(record));
  }
  // The live windows, split by the symbol (and market) each line names.
  std::map<std::string, std::vector<rapidjson::Document>> live;
  for (auto& window : read_windows(run.dir + "/ofi.ndjson")) {
    ASSERT_TRUE(window.HasMember("market")) << "several symbols: each line names its market";
    EXPECT_STREQ(window["market"].GetString(), "usdm");
    const std::string symbol = window["symbol"].GetString();
    live[symbol].push_back(std::move(window));
  }
  ASSERT_EQ(live.size(), symbols.size());

  ReferenceOptions options;
  options.levels = kLevels;
  options.window_ms = 100;
  for (const std::string& symbol : symbols) {
    SCOPED_TRACE(symbol);
    const bool broken = symbol == "ETHUSDT";
    const auto& records = by_symbol[symbol];
    EXPECT_EQ(depth_records(records).size(), broken ? kEventsEach - 1 : kEventsEach);
    EXPECT_EQ(records_of_type(records, "snapshot").size(), broken ? 2u : 1u);
    const auto reference = reference_ofi(records, options);
    // 600 events at 150/s span ~4 s of event time: dozens of windows, hundreds of transitions.
    ASSERT_GE(reference.size(), 30u);
    EXPECT_GT(total(reference, &ReferenceWindow::transitions), 500u);
    EXPECT_EQ(total(reference, &ReferenceWindow::gaps), broken ? 1u : 0u);
    expect_same_windows(live[symbol], reference, broken ? 1u : 0u, symbol + ": ");
    std::uint64_t flagged = 0;
    for (const auto& window : live[symbol]) flagged += window["gap"].GetBool();
    // The break's unsynced state and the restart after the resync: one window, or two when the
    // resync crosses a window boundary.
    if (broken) {
      EXPECT_GE(flagged, 1u);
      EXPECT_LE(flagged, 2u);
    } else {
      EXPECT_EQ(flagged, 0u) << "a gap on ETHUSDT marks no other symbol's window";
    }
    report_figure("gap on ETHUSDT: " + symbol + " windows flagged", static_cast<double>(flagged));
  }
  // One line of figures for the run and one per symbol, the run's counting every symbol's states.
  const std::string output = run.process->output();
  for (const std::string& symbol : symbols)
    EXPECT_NE(output.find("depthrec-ofi: usdm:" + symbol + ": "), std::string::npos) << output;
  EXPECT_NE(output.find(" chain restarts, 1 unsynced skipped"), std::string::npos) << output;
  const std::string cost_label = "callback (OFI on the network thread): ";
  const std::size_t cost = output.find(cost_label);
  ASSERT_NE(cost, std::string::npos) << output;
  const std::size_t from = cost + cost_label.size();
  report_figure("3 symbols, OFI routed by key on the network thread",
                output.substr(from, output.find('\n', from) - from));
}

TEST_F(OfiEndToEnd, ConflictingOrBadFlagsAreRefusedWithExitStatus2) {
  const std::string dir = make_temp_dir("depthrec-ofi-flags");
  int run_number = 0;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--window-ms", "100", "--window-events", "5"},
           {"--levels", "0"},
           {"--depth", "5", "--levels", "10"},
           {"--market", "spot", "--depth", "10", "--levels", "5"},
           {"--window-clock", "exchange"},
           {"--symbols", "BTCUSDT,btcusdt"},
           {"--symbols", "BTCUSDT,ETHUSDT", "--queue"},
           {"--symbols", "ALL"},
           {"--symbols", "spot:BTCUSDT,ETHUSDT", "--depth", "5"}}) {
    ChildProcess process(binary("depthrec-ofi"), args,
                         dir + "/output" + std::to_string(++run_number) + ".txt");
    const auto code = process.wait_exit(std::chrono::seconds(10));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 2) << args[0] << " " << args[1];
    EXPECT_NE(process.output().find("depthrec-ofi: "), std::string::npos) << process.output();
  }
}

}  // namespace
}  // namespace itest::ofi_e2e_test
