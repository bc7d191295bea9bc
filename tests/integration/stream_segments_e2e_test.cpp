// The recorder's segments hold one gzip member per stream and flush (docs/records.md, "Files"):
// read whole with gzip -dc (what a user's zcat does) and one stream at a time with
// StreamSegmentReader, they give the same lines for each stream, in the same order; and
// depthrec-replay --stream verifies the depth stream from its members alone.
#include <gtest/gtest.h>

#include <map>

#include "depthrec/stream_segment_reader.hpp"
#include "e2e_support.hpp"

namespace itest::stream_segments_e2e_test {
namespace {

constexpr const char* kDepthStream = "btcusdt@depth@100ms";
constexpr const char* kTickerStream = "btcusdt@bookTicker";

TEST(StreamSegmentsEndToEnd, ZcatAndTheStreamReaderGiveTheSameLinesPerStream) {
  if (!binary_exists("depthsim") || !binary_exists("depthrec")) GTEST_FAIL() << "tools not built";
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--events", "600",
                 "--start-on-subscribe"});
  RecorderRun run = start_recorder(
      sim, {"--symbol", "BTCUSDT", "--depth", "full", "--book-ticker", "--print-interval", "1"});
  ASSERT_TRUE(wait_for_messages(run, 600)) << run.process->output();
  stop_recorder(run);

  std::map<std::string, std::string> by_zcat;
  std::map<std::string, std::string> by_reader;
  std::size_t members = 0;
  std::uint64_t bytes = 0;
  const auto files = segment_files(run.data_dir());
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    const std::string out = make_temp_dir("zcat") + "/out.ndjson";
    ChildProcess gzip("/bin/gzip", {"-dc", file}, out);
    ASSERT_EQ(gzip.wait_exit(std::chrono::seconds(30)), 0) << file;
    const std::string text = read_file(out);
    for (std::size_t begin = 0; begin < text.size();) {
      const std::size_t end = text.find('\n', begin);
      ASSERT_NE(end, std::string::npos) << "every line ends with a newline";
      const std::string line = text.substr(begin, end + 1 - begin);
      by_zcat[stream_of_line(line)] += line;
      begin = end + 1;
    }
    std::string error;
    auto reader = depthrec::StreamSegmentReader::open(file, error);
    ASSERT_TRUE(reader) << error;
    const depthrec::SegmentListing listing = reader->list();
    EXPECT_EQ(listing.error, "");
    EXPECT_FALSE(listing.truncated);
    members += listing.members.size();
    bytes += listing.bytes;
    for (const auto& member : listing.members) {
      EXPECT_TRUE(member.stream == kDepthStream || member.stream == kTickerStream) << member.stream;
    }
    for (const char* stream : {kDepthStream, kTickerStream}) {
      EXPECT_EQ(reader->read_stream(stream, by_reader[stream]), "");
    }
  }
  ASSERT_EQ(by_zcat.size(), 2u) << "depth (with its markers) and ticker lines, nothing else";
  EXPECT_FALSE(by_reader[kTickerStream].empty());
  for (const char* stream : {kDepthStream, kTickerStream}) {
    EXPECT_EQ(by_reader[stream], by_zcat[stream]) << stream;
  }

  const std::string dir = make_temp_dir("replay-stream");
  ChildProcess replay(binary("depthrec-replay"), {"--stream", kDepthStream, run.data_dir()},
                      dir + "/report.txt");
  EXPECT_EQ(replay.wait_exit(std::chrono::seconds(60)), 0) << replay.output();

  const auto count = [](const std::string& text) {
    return std::to_string(std::count(text.begin(), text.end(), '\n'));
  };
  report_figure("segments / members / bytes", std::to_string(files.size()) + " / " +
                                                  std::to_string(members) + " / " +
                                                  std::to_string(bytes));
  report_figure("depth-stream lines / ticker lines (reader = zcat)",
                count(by_reader[kDepthStream]) + " / " + count(by_reader[kTickerStream]));
}

}  // namespace
}  // namespace itest::stream_segments_e2e_test
