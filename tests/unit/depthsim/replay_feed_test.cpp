// Reading the real recordings for replay: every item kept byte for byte.
#include <gtest/gtest.h>

#include <zlib.h>

#include "replay_feed.hpp"

namespace depthsim {
namespace {

const std::string kUsdm = std::string(DEPTHREC_REAL_DATA_DIR) + "/usdm_btcusdt_20240718.gz";
const std::string kSpot = std::string(DEPTHREC_REAL_DATA_DIR) + "/spot_btcusdt_20240808.gz";

std::size_t count_stream(const ReplayFeed& feed, const std::string& stream) {
  std::size_t count = 0;
  for (const ReplayItem& item : feed.items()) count += item.stream == stream;
  return count;
}

TEST(ReplayFeed, ReadsTheUsdmRecording) {
  const ReplayFeed feed = ReplayFeed::load(kUsdm);
  EXPECT_EQ(feed.symbol(), "BTCUSDT");
  EXPECT_EQ(count_stream(feed, "btcusdt@depth@0ms"), 3326u);
  EXPECT_GT(count_stream(feed, "btcusdt@bookTicker"), 0u);
  EXPECT_GT(count_stream(feed, "btcusdt@trade"), 0u);
  EXPECT_EQ(feed.streams().size(), 3u);
  const ReplayItem* snapshot = feed.snapshot("BTCUSDT");
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(snapshot->text.rfind("{\"lastUpdateId\":4984028384061,", 0), 0u);
  // Receive times never go backwards in a capture.
  for (std::size_t i = 1; i < feed.items().size(); ++i) {
    ASSERT_LE(feed.items()[i - 1].recv_ns, feed.items()[i].recv_ns) << i;
  }
}

TEST(ReplayFeed, PayloadIsTheExactDataBytes) {
  const ReplayFeed feed = ReplayFeed::load(kSpot);
  EXPECT_EQ(count_stream(feed, "btcusdt@depth@100ms"), 3451u);
  const ReplayItem& first = feed.items().front();
  EXPECT_EQ(first.recv_ns, 1723161253937085768);
  EXPECT_EQ(first.stream, "btcusdt@depth@100ms");
  EXPECT_EQ(first.text.substr(0, 48), R"({"stream":"btcusdt@depth@100ms","data":{"e":"dep)");
  EXPECT_EQ(first.data().substr(0, 37), R"({"e":"depthUpdate","E":1723161255208,)");
  EXPECT_EQ(first.data().back(), '}');
  // Re-wrapping the payload gives back the recorded frame exactly.
  EXPECT_EQ("{\"stream\":\"" + first.stream + "\",\"data\":" + std::string(first.data()) + "}",
            first.text);
}

TEST(ReplayFeed, ParseLineExplainsBadInput) {
  std::string error;
  EXPECT_FALSE(ReplayFeed::parse_line("no-space-here", error));
  EXPECT_NE(error.find("<recv_time>"), std::string::npos) << error;
  EXPECT_FALSE(ReplayFeed::parse_line("12x {}", error));
  EXPECT_FALSE(ReplayFeed::parse_line("12 {\"stream\":", error));
  EXPECT_FALSE(ReplayFeed::parse_line("12 {\"stream\":\"a\",\"data\":5}", error));
  EXPECT_FALSE(ReplayFeed::parse_line("12 {\"hello\":1}", error));
  auto snapshot = ReplayFeed::parse_line(R"(5 {"lastUpdateId":1,"bids":[],"asks":[]})", error);
  ASSERT_TRUE(snapshot) << error;
  EXPECT_TRUE(snapshot->is_snapshot);
}

TEST(ReplayFeed, MissingOrCorruptFileThrowsWithItsName) {
  EXPECT_THROW(ReplayFeed::load("/nonexistent/file.gz"), std::runtime_error);
  const std::string path = ::testing::TempDir() + "/depthsim_bad_replay.gz";
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  // The same reader as depthrec-replay's: a frame must be one (a trade has its "e").
  const std::string lines =
      "1 {\"stream\":\"x@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"s\":\"X\"}}\n"
      "this is not an item\n";
  gzwrite(file, lines.data(), static_cast<unsigned>(lines.size()));
  gzclose(file);
  try {
    ReplayFeed::load(path);
    FAIL() << "a bad line must be refused";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(":2:"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace depthsim
