// The pre-sync memory bound of a many-stream run (issue 12, item 3; src/session/presync_budget.hpp)
// end to end: 24 USD-M books (with their bookTickers) wait for their first snapshot behind a REST
// budget of 2 snapshots a second (about 12 s for all), at 100 events/s each: unbounded they would
// hold every event of their wait (~14,000 in all). Every book's pre-sync buffer shares
// --max-presync-buffer-mb 1 and the tail is off (--presync-tail-ms 0), so that the shared bound
// alone holds it. The bound holds (over by a few events at most, for an instant), books drop only
// events from before their snapshot request was sent, and every book still syncs, records every
// event depthsim sent, and equals /sim/truth.
#include <gtest/gtest.h>

#include "engine_e2e_support.hpp"

namespace itest::engine_presync_e2e_test {
namespace {

constexpr int kSymbols = 24;
constexpr std::uint64_t kEvents = 2'500;  // 25 s at 100 events/s: beyond the last first sync

std::vector<SymbolUnderTest> presync_symbols() {
  std::vector<SymbolUnderTest> out;
  for (int i = 0; i < kSymbols; ++i)
    out.push_back({"usdm", "P" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "USDT"});
  return out;
}

std::string joined_names(const std::vector<SymbolUnderTest>& symbols) {
  std::string names;
  for (const SymbolUnderTest& s : symbols) names += (names.empty() ? "" : ",") + s.symbol;
  return names;
}

TEST(EnginePresync, ManyBooksWaitingBehindASlowRestBudgetStayWithinTheSharedBound) {
  const std::vector<SymbolUnderTest> symbols = presync_symbols();
  // depthsim's own futures budget (100 a second) stays above what the recorder plans (60): no 429.
  Simulator sim({"--market", "usdm", "--symbols", joined_names(symbols), "--rate", "100",
                 "--events", std::to_string(kEvents), "--start-on-subscribe", "--seed", "77",
                 "--rest-weight-futures", "100", "--rest-weight-window-ms", "1000"});
  RecorderRun run =
      start_recorder(sim, {"--symbols", joined_names(symbols), "--market", "usdm", "--depth",
                           "full", "--book-ticker", "--print-interval", "1", "--presync-tail-ms",
                           "0", "--max-presync-buffer-mb", "1", "--rest-weight-per-minute", "60",
                           "--rest-weight-window-ms", "1000"});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols, kEvents);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "snapshots", "rate_limited_429"), 0u);

  ASSERT_TRUE(metrics->HasMember("presync")) << "a many-stream run reports its pre-sync bound";
  const rapidjson::Value& presync = (*metrics)["presync"];
  const std::uint64_t bound = u64(presync, "bound_bytes");
  const std::uint64_t peak = u64(presync, "peak_bytes");
  EXPECT_EQ(bound, std::uint64_t{1} << 20);
  EXPECT_GT(u64(presync, "budget_dropped"), 0u) << "the books reached the bound";
  // Over by at most an event per waiting book and the buffers of books whose answer was on the
  // way: far below the several MiB the waits held unbounded.
  EXPECT_LE(peak, bound + bound / 4);
  EXPECT_EQ(u64(presync, "buffered_bytes"), 0u) << "every book synced: nothing waits";
  EXPECT_EQ(u64(presync, "snapshots_too_old"), 0u) << "a sent request's book kept every event";
  std::uint64_t dropped = 0;
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    ASSERT_TRUE(entry->HasMember("presync")) << s.symbol;
    dropped += u64((*entry)["presync"], "budget_dropped");
  }
  EXPECT_EQ(dropped, u64(presync, "budget_dropped")) << "the top level sums the streams";

  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  report_figure("24 usdm books, 2 snapshots/s: pre-sync peak bytes / bound",
                std::to_string(peak) + " / " + std::to_string(bound));
  report_figure("24 usdm books, 2 snapshots/s: events dropped before their request / too_old",
                std::to_string(u64(presync, "budget_dropped")) + " / " +
                    std::to_string(u64(presync, "snapshots_too_old")));
}

}  // namespace
}  // namespace itest::engine_presync_e2e_test
