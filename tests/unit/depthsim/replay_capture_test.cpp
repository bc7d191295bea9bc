// depthsim --replay of the capture formats depthrec-replay reads (one shared reader): a
// cryptofeed capture of two symbols with its REST companion, receive times in us, and bare
// snapshot bodies in a capture of several symbols. Fixtures: tests/unit/data/
// make_cryptofeed_fixture.py.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <string>

#include "depthrec/replay_reader.hpp"
#include "replay_feed.hpp"
#include "sim_test_support.hpp"

namespace depthsim {
namespace {

using depthsim_test::http_get;
using depthsim_test::PlainWsClient;
using depthsim_test::SimProcess;

const std::string kData = DEPTHREC_TEST_DATA_DIR;
const std::string kWs = kData + "/cryptofeed_usdm_2sym.ws.gz";
const std::string kRest = kData + "/cryptofeed_usdm_2sym.rest";

std::uint64_t last_update_id(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  return document.IsObject() && document.HasMember("lastUpdateId")
             ? document["lastUpdateId"].GetUint64()
             : 0;
}

TEST(ReplayCapture, CryptofeedCaptureOfTwoSymbolsKeepsASnapshotPerSymbol) {
  const ReplayFeed feed = ReplayFeed::load({kWs, kRest});
  EXPECT_EQ(feed.symbols(), (std::vector<std::string>{"BTCUSDT", "ETHUSDT"}));
  EXPECT_EQ(feed.streams().size(), 4u);  // depth and bookTicker of each
  ASSERT_NE(feed.snapshot("BTCUSDT"), nullptr);
  ASSERT_NE(feed.snapshot("ETHUSDT"), nullptr);
  EXPECT_EQ(last_update_id(feed.snapshot("BTCUSDT")->text), 4984028384061u);
  EXPECT_EQ(last_update_id(feed.snapshot("ETHUSDT")->text), 50093239218u);
  EXPECT_EQ(feed.snapshot("XRPUSDT"), nullptr);
  EXPECT_EQ(feed.time_units(), "s");
  for (std::size_t i = 1; i < feed.items().size(); ++i) {
    ASSERT_LE(feed.items()[i - 1].recv_ns, feed.items()[i].recv_ns) << i;
  }
  EXPECT_EQ(feed.items().front().recv_ns, 1721347020984481000);  // "1721347020.984481: ..."
}

TEST(ReplayCapture, MicrosecondCaptureIsReplayedOnItsRealTimeScale) {
  const ReplayFeed feed = ReplayFeed::load(kData + "/raw_usdm_us_head.raw");
  EXPECT_EQ(feed.time_units(), "us");
  EXPECT_EQ(feed.items().front().recv_ns, 1721347020984480000);
  // The capture's 40 lines span ~0.6 s: read as ns they spanned 0.6 ms, replayed 1000x too fast.
  const std::int64_t span = feed.items().back().recv_ns - feed.items().front().recv_ns;
  EXPECT_GT(span, 100'000'000);
  EXPECT_LT(span, 5'000'000'000);
  ASSERT_NE(feed.snapshot("BTCUSDT"), nullptr) << "a bare body is the only symbol's";
}

TEST(ReplayCapture, BareSnapshotsInACaptureOfSeveralSymbolsAreNotGuessed) {
  std::string error;
  const auto reader = depthrec::ReplayReader::open(std::vector<std::string>{kWs, kRest}, error);
  ASSERT_TRUE(reader) << error;
  const std::string path = ::testing::TempDir() + "/depthsim_two_symbols.raw";
  {
    std::ofstream raw(path);
    depthrec::ReplayItem item;
    while (reader->next(item)) {
      if (!item.raw_json.empty() && item.other_type != "connect") {
        raw << item.recv_ns << ' ' << item.raw_json << '\n';
      }
    }
  }
  const ReplayFeed feed = ReplayFeed::load(path);
  EXPECT_EQ(feed.unattributed_snapshots(), 2u);
  EXPECT_EQ(feed.snapshot("BTCUSDT"), nullptr);
  EXPECT_EQ(feed.snapshot("ETHUSDT"), nullptr);
}

TEST(ReplayCapture, ServesEachSymbolsSnapshotAndASilentStreamTheCaptureLacks) {
  SimProcess sim(
      {"--no-tls", "--market", "usdm", "--replay", kWs, "--replay-rest", kRest, "--speed", "0"});
  // xrpusdt is not in the capture: the upgrade is accepted (it was refused with 400), and only
  // ethusdt frames arrive.
  PlainWsClient client(sim.port(), "/stream?streams=ethusdt@depth@0ms/xrpusdt@depth@0ms");
  ASSERT_TRUE(client.upgraded()) << client.response_head();
  int depth_frames = 0;
  for (; depth_frames < 150; ++depth_frames) {
    const PlainWsClient::Frame frame = client.next();
    ASSERT_EQ(frame.opcode, 1) << "frame " << depth_frames;
    rapidjson::Document document;
    document.Parse(frame.payload.c_str());
    ASSERT_TRUE(document.IsObject());
    EXPECT_EQ(std::string(document["stream"].GetString()), "ethusdt@depth@0ms");
  }
  EXPECT_EQ(depth_frames, 150);  // every ETHUSDT event of the capture
  // The replay has passed both snapshots (the last ETHUSDT event comes after them).
  const auto eth = http_get(sim.base_url() + "/fapi/v1/depth?symbol=ETHUSDT&limit=1000");
  EXPECT_EQ(eth.status, 200) << eth.body;
  EXPECT_EQ(last_update_id(eth.body), 50093239218u);
  const auto btc = http_get(sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(btc.status, 200) << btc.body;
  EXPECT_EQ(last_update_id(btc.body), 4984028384061u);
  const auto xrp = http_get(sim.base_url() + "/fapi/v1/depth?symbol=XRPUSDT&limit=1000");
  EXPECT_EQ(xrp.status, 400) << xrp.body;
}

}  // namespace
}  // namespace depthsim
