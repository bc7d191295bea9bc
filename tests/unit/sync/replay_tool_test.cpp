// Runs the depthrec-replay executable itself (DEPTHREC_BINARY_DIR/depthrec-replay) on the real
// captures and the sync_* fixtures, checking its exit status and report. Each run is bounded by
// coreutils `timeout`, and popen/pclose wait for the child, so no process outlives its test.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "unit/sync/replay_tool_support.hpp"
#include "unit/sync/sync_fixtures.hpp"

namespace depthrec {
namespace {

using test::fixture;
using test::quoted;
using test::real_file;
using test::ReplayTool;
using test::run_tool;
using test::ToolRun;

TEST_F(ReplayTool, RealUsdmCaptureIsConsistent) {
  const ToolRun run = run_tool(quoted(real_file("usdm_btcusdt_20240718.gz")));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("market       usdm BTCUSDT (detected)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("events       3326: applied 3321, dropped stale 5"), std::string::npos);
  EXPECT_NE(run.out.find("breaks       0 (marked 0, unmarked 0)"), std::string::npos);
  EXPECT_NE(run.out.find("snapshots 1: used 1, rejected 0"), std::string::npos);
  EXPECT_NE(run.out.find("tickers      7113: matched 195, mismatched 0"), std::string::npos);
  EXPECT_NE(run.out.find("result       OK"), std::string::npos);
}

TEST_F(ReplayTool, RealSpotCaptureIsConsistent) {
  const ToolRun run = run_tool(quoted(real_file("spot_btcusdt_20240808.gz")));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("market       spot BTCUSDT (detected)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("events       3451: applied 3449, dropped stale 2"), std::string::npos);
  EXPECT_NE(run.out.find("breaks       0 (marked 0, unmarked 0)"), std::string::npos);
  EXPECT_NE(run.out.find("tickers      28040: matched 564, mismatched 0"), std::string::npos);
}

TEST_F(ReplayTool, ReadsGzipAndPlainTextFromStdin) {
  const ToolRun gz = run_tool("- < " + quoted(real_file("usdm_btcusdt_20240718.gz")));
  EXPECT_EQ(gz.exit_code, 0) << gz.out;
  EXPECT_NE(gz.out.find("matched 195, mismatched 0"), std::string::npos);
  const ToolRun plain = run_tool("- < " + quoted(fixture("sync_usdm_marked_gap.ndjson")));
  EXPECT_EQ(plain.exit_code, 0) << plain.out;
  EXPECT_NE(plain.out.find("breaks       1 (marked 1, unmarked 0)"), std::string::npos);
}

TEST_F(ReplayTool, MarkedGapIsReportedAsJsonAndPasses) {
  const ToolRun run = run_tool("--json " + quoted(fixture("sync_usdm_marked_gap.ndjson")), false);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  rapidjson::Document report;
  report.Parse(run.out.c_str());
  ASSERT_FALSE(report.HasParseError()) << run.out;
  EXPECT_STREQ(report["market"].GetString(), "usdm");
  EXPECT_STREQ(report["symbol"].GetString(), "BTCUSDT");
  EXPECT_EQ(report["events"].GetUint64(), 6u);
  EXPECT_EQ(report["applied"].GetUint64(), 4u);
  EXPECT_EQ(report["dropped_stale"].GetUint64(), 2u);
  EXPECT_EQ(report["breaks"].GetUint64(), 1u);
  EXPECT_EQ(report["unmarked_breaks"].GetUint64(), 0u);
  EXPECT_EQ(report["resyncs"].GetUint64(), 1u);
  EXPECT_EQ(report["snapshots_used"].GetUint64(), 2u);
  EXPECT_EQ(report["gap_records"]["pu_mismatch"].GetUint64(), 1u);
  EXPECT_EQ(report["resync_records"].GetUint64(), 2u);
  const auto& gap = report["break_list"][0];
  EXPECT_STREQ(gap["reason"].GetString(), "pu_mismatch");
  EXPECT_EQ(gap["last_u"].GetUint64(), 130u);
  EXPECT_EQ(gap["got_pu"].GetUint64(), 135u);
  EXPECT_EQ(gap["line"].GetUint64(), 10u);
  EXPECT_TRUE(gap["gap_marked"].GetBool());
  EXPECT_TRUE(gap["resync_marked"].GetBool());
  // Invalid before the first sync and from the break (line 10) to the second join.
  ASSERT_EQ(report["valid_ranges"].Size(), 2u);
  ASSERT_EQ(report["invalid_ranges"].Size(), 2u);
  EXPECT_EQ(report["invalid_ranges"][1]["begin_ns"].GetInt64(), gap["recv_ns"].GetInt64());
  EXPECT_EQ(report["invalid_ns"].GetInt64(), 50'000'000);
  EXPECT_EQ(report["tickers"]["matched"].GetUint64(), 3u);
  EXPECT_EQ(report["tickers"]["skipped"].GetUint64(), 1u);
  EXPECT_TRUE(report["consistent"].GetBool());
}

TEST_F(ReplayTool, UnmarkedBreakFails) {
  const ToolRun run = run_tool(quoted(fixture("sync_usdm_unmarked_gap.ndjson.gz")));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("breaks       1 (marked 0, unmarked 1)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("UNMARKED (no gap record, no resync record after it)"), std::string::npos);
  EXPECT_NE(run.out.find("result       FAILED"), std::string::npos);
}

TEST_F(ReplayTool, ResyncRecordWithoutARecordedSnapshotFails) {
  const ToolRun run = run_tool(quoted(fixture("sync_usdm_no_resync_snapshot.ndjson")));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("UNMARKED (no snapshot joined after it)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("book         NOT synced at the end"), std::string::npos);
}

TEST_F(ReplayTool, PartialDepthBreakNeedsOnlyItsGapRecord) {
  const ToolRun run = run_tool(quoted(fixture("sync_usdm_partial_gap.ndjson")));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("breaks       1 (marked 1, unmarked 0)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("got U=131 pu=125 u=140: marked (gap record)"), std::string::npos);
  EXPECT_NE(run.out.find("partial 4"), std::string::npos);
}

TEST_F(ReplayTool, ReconnectMarkedBeforeTheBreakPasses) {
  const ToolRun run = run_tool(quoted(fixture("sync_spot_reconnect.ndjson")));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("u_gap last_u=1010 expected=1011 got U=1020"), std::string::npos);
  EXPECT_NE(run.out.find("gap 1 (reconnect 1), resync 2, connect 2, disconnect 1"),
            std::string::npos);
}

TEST_F(ReplayTool, TickerMismatchFailsWithDetails) {
  const ToolRun run = run_tool(quoted(fixture("sync_spot_ticker_mismatch.ndjson")));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("matched 1, mismatched 1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("mismatch u=1030"), std::string::npos);
  EXPECT_NE(run.out.find("ticker 0.05 x 1 / 0.051 x 2.5, book 0.05 x 1 / 0.051 x 3"),
            std::string::npos);
}

TEST_F(ReplayTool, SegmentDirectoryAndPartialDepthPass) {
  const ToolRun segments = run_tool(quoted(fixture("sync_segments")));
  EXPECT_EQ(segments.exit_code, 0) << segments.out;
  EXPECT_NE(segments.out.find("3 sources"), std::string::npos);
  EXPECT_NE(segments.out.find("matched 2, mismatched 0"), std::string::npos);
  const ToolRun partial = run_tool(quoted(fixture("sync_spot_partial.raw")));
  EXPECT_EQ(partial.exit_code, 0) << partial.out;
  EXPECT_NE(partial.out.find("applied 2, dropped stale 1, buffered 0, partial 2"),
            std::string::npos)
      << partial.out;
}

TEST_F(ReplayTool, BookAtAnUpdateIdAndCsvOfEveryAppliedEvent) {
  test::TempDir dir;
  const std::string csv_path = dir.path() + "/book.csv";
  const ToolRun run = run_tool("--at 4984028400000 --levels 3 --csv " + quoted(csv_path) + " " +
                               quoted(real_file("usdm_btcusdt_20240718.gz")));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("book at 4984028400000: u=4984028401611"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("     3 "), std::string::npos);  // three rows of levels

  std::istringstream csv(test::read_bytes(csv_path));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  EXPECT_EQ(line,
            "recv_ns,u,bid1,bidqty1,bid2,bidqty2,bid3,bidqty3,ask1,askqty1,ask2,askqty2,ask3,"
            "askqty3");
  std::size_t rows = 0;
  std::uint64_t last_u = 0;
  while (std::getline(csv, line)) {
    ++rows;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 13) << line;
    const std::uint64_t u = std::stoull(line.substr(line.find(',') + 1));
    EXPECT_GT(u, last_u);
    last_u = u;
  }
  EXPECT_GT(rows, 3000u);
}

TEST_F(ReplayTool, CsvOnStdoutMovesTheReportToStderr) {
  const ToolRun run = run_tool("--csv - --levels 1 " + quoted(fixture("sync_segments")), false);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out.rfind("recv_ns,u,bid1,bidqty1,ask1,askqty1\n", 0), 0u) << run.out;
  EXPECT_EQ(run.out.find("result"), std::string::npos);
  EXPECT_NE(run.out.find("1721347020030000000,120,100.5,1.5,101,1\n"), std::string::npos);
}

TEST_F(ReplayTool, OtherSymbolsAreNotReplayed) {
  const ToolRun run = run_tool("--symbol ethusdt " + quoted(fixture("sync_segments")));
  EXPECT_EQ(run.exit_code, 1) << run.out;  // nothing of ETHUSDT to verify
  EXPECT_NE(run.out.find("BTCUSDT: 10 items not replayed"), std::string::npos) << run.out;
}

TEST_F(ReplayTool, UsageAndIoErrorsExitWithTwo) {
  EXPECT_EQ(run_tool("").exit_code, 2);
  EXPECT_EQ(run_tool("--market forex " + quoted(fixture("sync_segments"))).exit_code, 2);
  EXPECT_EQ(run_tool("--at yesterday " + quoted(fixture("sync_segments"))).exit_code, 2);
  const ToolRun missing = run_tool("/nonexistent/depthrec/recording.gz");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("no such file"), std::string::npos);
  EXPECT_EQ(run_tool("--help").exit_code, 0);
}

}  // namespace
}  // namespace depthrec
