// depthrec-replay's cross-checks (issue 13 item 6) on a depthsim recording: every closed kline_1s
// candle equals what the recorded trades of its interval imply, and every bookTicker equals the
// replayed book's top at its update id: exit 0. The same recording doctored, one candle's high
// changed, then one ticker's bid: exit 1, naming the candle / the ticker.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "engine_e2e_support.hpp"

namespace itest::replay_cross_check_test {
namespace {

constexpr std::uint64_t kCrossCheckEvents = 900;  // at 300/s: 3 s, two or three closed candles

struct ReplayedRun {
  int exit_code = -1;
  std::string output;
};

ReplayedRun replay_file(const std::string& path, const std::string& dir) {
  ChildProcess replay(binary("depthrec-replay"), {path}, dir + "/replay.txt");
  const auto exit_code = replay.wait_exit(std::chrono::seconds(60));
  return {exit_code ? *exit_code : -1, replay.output()};
}

std::vector<std::string> recorded_lines(const std::string& data_dir) {
  std::vector<std::string> lines;
  for (const std::string& segment : segment_files(data_dir)) {
    std::string text;
    EXPECT_TRUE(gunzip_file(segment, text)) << segment;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

// Writes `lines` as a plain NDJSON file with line `at` replaced by `changed`.
std::string write_doctored(const std::string& dir, const std::string& name,
                           std::vector<std::string> lines, std::size_t at,
                           const std::string& changed) {
  lines[at] = changed;
  const std::string path = dir + "/" + name;
  std::ofstream out(path);
  for (const std::string& line : lines) out << line << '\n';
  return path;
}

TEST(ReplayCrossCheck, KlinesEqualTradesAndTickersEqualTheBookElseExit1) {
  Simulator sim({"--market", "spot", "--symbols", "BTCUSDT", "--rate", "300", "--events",
                 std::to_string(kCrossCheckEvents), "--start-on-subscribe", "--seed", "81"});
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT", "--market", "spot", "--streams",
                           "depth@100ms,trade,kline_1s,bookTicker", "--print-interval", "1"});
  ASSERT_TRUE(stop_once_every_book_is_at_truth(sim, run, {{"spot", "BTCUSDT"}}, kCrossCheckEvents));

  const ReplayedRun agreed = replay_file(run.data_dir(), run.dir);
  EXPECT_EQ(agreed.exit_code, 0) << agreed.output;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(agreed.output, match,
                                std::regex("btcusdt@kline_1s: closed candles ([0-9]+), equal to "
                                           "the recorded trades ([0-9]+)")))
      << agreed.output;
  const std::string closed = match[1], verified = match[2];
  EXPECT_GE(std::stoul(verified), 1u) << "a candle compared with its trades";
  ASSERT_TRUE(
      std::regex_search(agreed.output, match, std::regex("tickers matched ([0-9]+), mismatched 0")))
      << agreed.output;
  EXPECT_GT(std::stoul(match[1]), 0u);
  report_figure(
      "closed kline_1s candles / equal to the recorded trades / tickers equal to the book",
      closed + " / " + verified + " / " + std::string(match[1]));

  const std::vector<std::string> lines = recorded_lines(run.data_dir());
  // The last closed candle with trades: its high raised above every trade's price.
  std::size_t candle = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("\"type\":\"kline\"") != std::string::npos &&
        lines[i].find("\"closed\":true") != std::string::npos &&
        lines[i].find("\"n\":0,") == std::string::npos)
      candle = i;
  }
  ASSERT_LT(candle, lines.size());
  const std::string raised =
      std::regex_replace(lines[candle], std::regex("\"h\":\"[0-9.]+\""), "\"h\":\"99999.99\"");
  ASSERT_NE(raised, lines[candle]);
  const ReplayedRun bad_kline =
      replay_file(write_doctored(run.dir, "kline_doctored.ndjson", lines, candle, raised), run.dir);
  EXPECT_EQ(bad_kline.exit_code, 1) << bad_kline.output;
  EXPECT_TRUE(std::regex_search(
      bad_kline.output,
      std::regex("btcusdt@kline_1s: MISMATCH candle .* high 99999.99, the trades imply [0-9.]+")))
      << bad_kline.output;
  EXPECT_NE(bad_kline.output.find("1 closed candles differ from the recorded trades"),
            std::string::npos)
      << bad_kline.output;

  // A ticker recorded after the book synced, whose update id a depth event has: its bid changed.
  std::set<std::string> depth_ids;
  std::size_t ticker = lines.size();
  const std::regex final_id("\"u\":([0-9]+),");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!std::regex_search(lines[i], match, final_id)) continue;
    if (lines[i].find("\"type\":\"depth\"") != std::string::npos) depth_ids.insert(match[1]);
  }
  for (std::size_t i = lines.size() / 2; i < lines.size() && ticker == lines.size(); ++i) {
    if (lines[i].find("\"type\":\"ticker\"") != std::string::npos &&
        std::regex_search(lines[i], match, final_id) && depth_ids.count(match[1]))
      ticker = i;
  }
  ASSERT_LT(ticker, lines.size());
  const std::string lowered =
      std::regex_replace(lines[ticker], std::regex("\"b\":\"[0-9.]+\""), "\"b\":\"1.5\"");
  const ReplayedRun bad_ticker = replay_file(
      write_doctored(run.dir, "ticker_doctored.ndjson", lines, ticker, lowered), run.dir);
  EXPECT_EQ(bad_ticker.exit_code, 1) << bad_ticker.output;
  EXPECT_TRUE(
      std::regex_search(bad_ticker.output, std::regex("mismatch u=[0-9]+ at .*: ticker 1.5 ")))
      << bad_ticker.output;
  EXPECT_NE(bad_ticker.output.find("1 ticker mismatches"), std::string::npos) << bad_ticker.output;
}

}  // namespace
}  // namespace itest::replay_cross_check_test
