// depthrec-replay says OK only about data it verified: per stream, the depth events applied to a
// synced book, those recorded before the first sync or while unsynced, and a failure naming the
// stream and the reason when none was verified (no snapshot, snapshot never joined, snapshot for
// another symbol, snapshot naming no symbol in an input of several) or more than
// --max-unverified were not. Fixtures: tests/unit/data/make_cryptofeed_fixture.py.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "depthrec/replay_reader.hpp"
#include "unit/sync/replay_tool_support.hpp"
#include "unit/sync/sync_fixtures.hpp"

namespace depthrec {
namespace {

using test::fixture;
using test::quoted;
using test::ReplayTool;
using test::run_tool;
using test::TempDir;
using test::ToolRun;

const std::string kCryptofeedWs = fixture("cryptofeed_usdm_2sym.ws.gz");
const std::string kCryptofeedRest = fixture("cryptofeed_usdm_2sym.rest");

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// The stream object of `symbol` in a --json report's "streams".
const rapidjson::Value* stream_of(const rapidjson::Document& report, const std::string& symbol) {
  if (!report.IsObject() || !report.HasMember("streams")) return nullptr;
  for (const auto& stream : report["streams"].GetArray()) {
    if (stream["symbol"].GetString() == symbol) return &stream;
  }
  return nullptr;
}

// The run failed (exit 1) and its report says `message` (a stream NOT VERIFIED and why).
void expect_not_verified(const ToolRun& run, const std::string& message) {
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find(message), std::string::npos) << run.out;
}

rapidjson::Document json_of(const ToolRun& run) {
  rapidjson::Document report;
  report.Parse(run.out.c_str());
  return report;
}

TEST_F(ReplayTool, CaptureWithoutASnapshotVerifiesNothingAndFails) {
  TempDir dir;
  std::vector<std::string> lines;
  for (const std::string& line : lines_of(fixture("raw_usdm_us_head.raw"))) {
    if (line.find("lastUpdateId") == std::string::npos) lines.push_back(line);
  }
  const std::string path = dir.file("no_snapshot.raw", joined_lines(lines));
  const ToolRun run = run_tool(quoted(path));
  expect_not_verified(run, "BTCUSDT NOT VERIFIED: none of 17 depth events verified: no snapshot");
  // The tool said "result OK" with nothing verified, exit 0.
  EXPECT_NE(run.out.find("result       FAILED (BTCUSDT: none of 17"), std::string::npos);

  const ToolRun json = run_tool("--json " + quoted(path), false);
  const rapidjson::Document report = json_of(json);
  const rapidjson::Value* btc = stream_of(report, "BTCUSDT");
  ASSERT_NE(btc, nullptr) << json.out;
  EXPECT_EQ((*btc)["verified"].GetUint64(), 0u);
  EXPECT_EQ((*btc)["unverified_before_sync"].GetUint64(), 17u);
  EXPECT_FALSE(report["exit_code"].GetInt() == 0);
}

TEST_F(ReplayTool, SnapshotThatNeverJoinsVerifiesNothingAndFails) {
  TempDir dir;
  // The events before the snapshot but the one that joins it (line 13), then the snapshot:
  // every event is older than the snapshot, and none comes after it.
  std::vector<std::string> lines;
  for (const std::string& line : lines_of(fixture("raw_usdm_us_head.raw"))) {
    if (lines.size() == 12) {
      if (line.find("lastUpdateId") != std::string::npos) {
        lines.push_back(line);
        break;
      }
      continue;
    }
    lines.push_back(line);
  }
  const ToolRun run = run_tool(quoted(dir.file("never_joined.raw", joined_lines(lines))));
  expect_not_verified(run,
                      "BTCUSDT NOT VERIFIED: none of 5 depth events verified: snapshot never "
                      "joined");
}

TEST_F(ReplayTool, BareSnapshotBeforeAnyFrameGoesToTheCapturesOnlySymbol) {
  TempDir dir;
  std::vector<std::string> lines = lines_of(fixture("raw_usdm_us_head.raw"));
  const auto snapshot = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
    return line.find("lastUpdateId") != std::string::npos;
  });
  ASSERT_NE(snapshot, lines.end());
  std::rotate(lines.begin(), snapshot, snapshot + 1);  // the snapshot line first
  const ToolRun run =
      run_tool("--json " + quoted(dir.file("snapshot_first.raw", joined_lines(lines))), false);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  const rapidjson::Document report = json_of(run);
  ASSERT_TRUE(report.IsObject()) << run.out;
  EXPECT_EQ(report["verified"].GetUint64(), 12u);
  EXPECT_EQ(report["unverified_before_sync"].GetUint64(), 5u);  // older than the snapshot
}

TEST_F(ReplayTool, MicrosecondCaptureHasItsRealTimeRange) {
  const ToolRun run = run_tool("--json " + quoted(fixture("raw_usdm_us_head.raw")), false);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  const rapidjson::Document report = json_of(run);
  ASSERT_TRUE(report.IsObject()) << run.out;
  EXPECT_EQ(report["first_recv_ns"].GetInt64(), 1721347020984480000);  // 2024, not 1970
  EXPECT_EQ(report["time_units"]["us"].GetUint64(), 40u);
  EXPECT_EQ(report["verified"].GetUint64(), 12u);
  EXPECT_EQ(report["unverified_before_sync"].GetUint64(), 5u);
}

TEST_F(ReplayTool, EverySymbolOfACryptofeedCaptureIsVerifiedWithItsOwnSnapshot) {
  const ToolRun run =
      run_tool("--json " + quoted(kCryptofeedWs) + " " + quoted(kCryptofeedRest), false);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  const rapidjson::Document report = json_of(run);
  ASSERT_TRUE(report.IsObject()) << run.out;
  EXPECT_EQ(report["cryptofeed_lines"].GetUint64(), report["lines"].GetUint64());
  EXPECT_EQ(report["bad_lines"].GetUint64(), 0u);
  const rapidjson::Value* btc = stream_of(report, "BTCUSDT");
  const rapidjson::Value* eth = stream_of(report, "ETHUSDT");
  ASSERT_TRUE(btc != nullptr && eth != nullptr) << run.out;
  EXPECT_EQ((*btc)["events"].GetUint64(), 284u);
  EXPECT_EQ((*btc)["verified"].GetUint64(), 279u);
  EXPECT_EQ((*btc)["unverified_before_sync"].GetUint64(), 5u);
  EXPECT_EQ((*eth)["events"].GetUint64(), 150u);
  EXPECT_EQ((*eth)["verified"].GetUint64(), 148u);
  EXPECT_EQ((*eth)["unverified_before_sync"].GetUint64(), 2u);
  for (const rapidjson::Value* stream : {btc, eth}) {
    EXPECT_EQ((*stream)["unverified_unsynced"].GetUint64(), 0u);
    EXPECT_EQ((*stream)["tickers_mismatched"].GetUint64(), 0u);
    EXPECT_GT((*stream)["tickers_matched"].GetUint64(), 10u) << "books checked on bookTicker";
    EXPECT_TRUE((*stream)["verification_failure"].IsNull());
  }
}

TEST_F(ReplayTool, SnapshotIsNeverAppliedToAnotherSymbol) {
  TempDir dir;
  std::vector<std::string> rest;
  for (const std::string& line : lines_of(kCryptofeedRest)) {
    if (line.find("symbol=BTCUSDT") != std::string::npos) rest.push_back(line);
  }
  ASSERT_EQ(rest.size(), 1u);
  const std::string btc_only = dir.file("btc_only.rest", joined_lines(rest));
  for (const std::string& args : {std::string(), std::string("--symbol ETHUSDT ")}) {
    const ToolRun run = run_tool(args + quoted(kCryptofeedWs) + " " + quoted(btc_only));
    expect_not_verified(run,
                        "ETHUSDT NOT VERIFIED: none of 150 depth events verified: snapshot for "
                        "another symbol (1 snapshot(s), none for ETHUSDT)");
  }
}

TEST_F(ReplayTool, NamelessSnapshotsInAnInputOfSeveralSymbolsAreNotGuessed) {
  // The cryptofeed capture as a raw `<recv_ns> <json>` capture: the REST bodies lose their URL.
  TempDir dir;
  std::string error;
  const auto reader =
      ReplayReader::open(std::vector<std::string>{kCryptofeedWs, kCryptofeedRest}, error);
  ASSERT_TRUE(reader) << error;
  std::ostringstream raw;
  ReplayItem item;
  while (reader->next(item)) {
    if (!item.raw_json.empty() && item.other_type != "connect") {
      raw << item.recv_ns << ' ' << item.raw_json << '\n';
    }
  }
  const std::string path = dir.file("two_symbols.raw", raw.str());
  for (const std::string& args : {std::string(), std::string("--symbol BTCUSDT ")}) {
    const ToolRun run = run_tool(args + quoted(path));
    expect_not_verified(run,
                        "BTCUSDT NOT VERIFIED: none of 284 depth events verified: no snapshot "
                        "says its symbol (2 snapshot(s) without one in an input of several "
                        "symbols: not guessed)");
    // The tool applied every snapshot to the one symbol it replayed (exit 0).
  }
}

TEST_F(ReplayTool, MaxUnverifiedBoundsTheEventsLeftUnverified) {
  const std::string inputs = quoted(kCryptofeedWs) + " " + quoted(kCryptofeedRest);
  const ToolRun over = run_tool("--max-unverified 4 " + inputs);
  expect_not_verified(over,
                      "BTCUSDT NOT VERIFIED: 5 depth events unverified (5 before the first "
                      "sync, 0 while unsynced), more than --max-unverified 4");
  EXPECT_EQ(over.out.find("ETHUSDT NOT VERIFIED"), std::string::npos) << "ETHUSDT left 2";
  EXPECT_EQ(run_tool("--max-unverified 5 " + inputs).exit_code, 0);
}

}  // namespace
}  // namespace depthrec
