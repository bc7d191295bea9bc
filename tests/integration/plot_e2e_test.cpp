// depthrec-replay --plot end to end: a short two-symbol depthsim run with a gap injected on one
// symbol is recorded, plotted, and the page checked by tests/integration/check_plot_html.py
// against the recording (Python's html.parser and xml.etree: well-formed, one chart per stream,
// every gap and resync marked at its record's time).
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace itest::plot_e2e_test {
namespace {

TEST(PlotEndToEnd, PageOfATwoSymbolRecordingMarksTheInjectedGapAtItsTime) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "300", "--events",
                 "300", "--start-on-subscribe", "--fault", "gap@150/ETHUSDT"});
  RecorderRun run = start_recorder(
      sim, {"--symbols", "BTCUSDT,ETHUSDT", "--depth", "full", "--print-interval", "1"});
  // 600 events less the one the gap swallowed, and ETHUSDT's book synced again after it.
  ASSERT_TRUE(wait_for_messages(run, 599)) << run.process->output();
  ASSERT_TRUE(wait_for_resyncs(run, 1)) << run.process->output();
  stop_recorder(run);

  const std::string page = run.dir + "/plot.html";
  const auto report = run_replay({"--plot", page, run.data_dir()});
  ASSERT_TRUE(report.json.IsObject());
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_EQ(u64(report.json, "unmarked_breaks"), 0u);

  ChildProcess check(
      "/usr/bin/env",
      {"python3", std::string(DEPTHREC_SOURCE_DIR) + "/tests/integration/check_plot_html.py", page,
       run.data_dir()},
      run.dir + "/check.txt");
  const auto code = check.wait_exit(std::chrono::seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << check.output();
  report_figure("plot page bytes", static_cast<double>(read_file(page).size()));
}

}  // namespace
}  // namespace itest::plot_e2e_test
