// Fault matrix, files: a recorder of two streams (depth and bookTicker, so each flush writes two
// gzip members) SIGKILLed at seeded random moments. Every segment it leaves is listed by
// StreamSegmentReader without an error (a last member cut by the kill, if any, reported as
// truncated), and each stream read from its own members gives exactly the lines zlib reads from
// the whole file for that stream (up to the cut); depthrec-replay --stream verifies the depth
// stream from its members alone.
#include <map>
#include <random>
#include <thread>

#include "depthrec/stream_segment_reader.hpp"
#include "faults_support.hpp"

namespace itest::faults_stream_segments {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint32_t kSeed = 20261206;
constexpr const char* kDepthStream = "btcusdt@depth@100ms";
constexpr const char* kTickerStream = "btcusdt@bookTicker";

// The complete lines zlib reads from `file`, by stream (a line cut by a crash is left out).
std::map<std::string, std::string> zlib_lines_by_stream(const std::string& file) {
  std::string text;
  gunzip_file(file, text);
  std::map<std::string, std::string> by_stream;
  for (std::size_t begin = 0; begin < text.size();) {
    const std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) break;
    const std::string line = text.substr(begin, end + 1 - begin);
    by_stream[stream_of_line(line)] += line;
    begin = end + 1;
  }
  return by_stream;
}

TEST(FaultStreamSegments, SigkillLeavesEveryStreamReadableFromItsOwnMembers) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "2000"});
  std::mt19937 random(kSeed);
  std::uniform_int_distribution<int> delay_ms(0, 1500);
  report_figure("seed", std::to_string(kSeed));
  const std::string dir = make_temp_dir("depthrec-kill-streams");
  auto args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--book-ticker",
                           "--print-interval", "1", "--rotate", "size", "--max-bytes", "400000"});
  std::uint64_t members = 0;
  std::uint64_t truncated = 0;
  std::map<std::string, std::uint64_t> lines;
  for (std::uint64_t round = 1; round <= 3; ++round) {
    RecorderRun run = launch_recorder(args, dir);
    ASSERT_TRUE(wait_for_sim_events(sim, round, 1000)) << run.process->output();
    ASSERT_TRUE(wait_until([&] { return !segment_files(run.data_dir()).empty(); }, seconds(20)));
    std::this_thread::sleep_for(milliseconds(delay_ms(random)));
    ASSERT_TRUE(run.process->signal(SIGKILL));
    ASSERT_TRUE(run.process->wait_exit(seconds(20)).has_value());
    ASSERT_TRUE(wait_for_sim_closed(sim, round));
  }
  const auto files = segment_files(dir + "/data");
  ASSERT_FALSE(files.empty());
  for (const std::string& file : files) {
    std::string error;
    auto reader = depthrec::StreamSegmentReader::open(file, error);
    ASSERT_TRUE(reader) << error;
    const depthrec::SegmentListing listing = reader->list();
    EXPECT_EQ(listing.error, "") << file;
    members += listing.members.size();
    truncated += listing.truncated ? 1 : 0;
    auto whole = zlib_lines_by_stream(file);
    EXPECT_LE(whole.size(), 2u) << file << ": depth and ticker streams only";
    for (const char* stream : {kDepthStream, kTickerStream}) {
      std::string own;
      EXPECT_EQ(reader->read_stream(stream, own), "") << file;
      if (listing.truncated) {
        // The cut member's lines are read by zlib (up to the cut), not by the reader.
        EXPECT_EQ(whole[stream].compare(0, own.size(), own), 0) << file << " " << stream;
      } else {
        EXPECT_EQ(own, whole[stream]) << file << " " << stream;
      }
      lines[stream] += static_cast<std::uint64_t>(std::count(own.begin(), own.end(), '\n'));
    }
  }
  const ToolRun replay = run_tool("depthrec-replay", {"--stream", kDepthStream, dir + "/data"});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
  report_figure("segments / members / cut last members", std::to_string(files.size()) + " / " +
                                                             std::to_string(members) + " / " +
                                                             std::to_string(truncated));
  report_figure("lines read per stream (depth / ticker)",
                std::to_string(lines[kDepthStream]) + " / " + std::to_string(lines[kTickerStream]));
  report_figure("depthrec-replay --stream depth", "exit " + std::to_string(replay.exit_code));
}

}  // namespace
}  // namespace itest::faults_stream_segments
