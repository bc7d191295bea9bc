// depthrec --book-ticker against depthsim: ticker lines name the bookTicker stream, and bookTicker
// frames are counted as market data (ticker_messages), not as control frames (issue 17).
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace itest::book_ticker_e2e_test {
namespace {

TEST(BookTickerEndToEnd, TickerLinesNameTheirStreamAndCountAsMarketData) {
  if (!binary_exists("depthsim") || !binary_exists("depthrec")) GTEST_FAIL() << "tools not built";
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "300",
                 "--start-on-subscribe"});
  RecorderRun run = start_recorder(
      sim, {"--symbol", "BTCUSDT", "--depth", "full", "--book-ticker", "--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, 300)) << run.process->output();
  stop_recorder(run);

  const auto records = read_records(run.data_dir());
  const auto tickers = records_of_type(records, "ticker");
  ASSERT_FALSE(tickers.empty()) << "no ticker line recorded";
  for (const auto* ticker : tickers) {
    EXPECT_EQ(str(*ticker, "stream"), "btcusdt@bookTicker");
    EXPECT_EQ(str(*ticker, "symbol"), "BTCUSDT");
  }
  for (const auto* depth : depth_records(records)) {
    EXPECT_EQ(str(*depth, "stream"), "btcusdt@depth@100ms");
  }

  auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), 300u);  // depth events only
  EXPECT_EQ(metric_u64(*metrics, nullptr, "ticker_messages"), tickers.size());
  EXPECT_EQ(metric_u64(*metrics, "integrity", "control_frames"), 0u);
  EXPECT_EQ(metric_u64(*metrics, nullptr, "frames"), 300u + tickers.size());
  report_figure("depth events / ticker lines / ticker_messages / control_frames",
                "300 / " + std::to_string(tickers.size()) + " / " +
                    std::to_string(metric_u64(*metrics, nullptr, "ticker_messages")) + " / " +
                    std::to_string(metric_u64(*metrics, "integrity", "control_frames")));
}

}  // namespace
}  // namespace itest::book_ticker_e2e_test
