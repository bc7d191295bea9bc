// Connection rules of the running simulator: pings and pong timeouts, the incoming message
// limit, stalls, clean shutdown with 1001, --rate 0 pacing, and replay of a real recording.
#include <rapidjson/document.h>
#include <zlib.h>

#include <optional>
#include <vector>

#include "sim_test_support.hpp"

namespace {

using depthsim_test::http_get;
using depthsim_test::PlainWsClient;
using depthsim_test::SimProcess;

int close_code(const PlainWsClient::Frame& frame) {
  if (frame.opcode != 8 || frame.payload.size() < 2) return -1;
  return (static_cast<unsigned char>(frame.payload[0]) << 8) |
         static_cast<unsigned char>(frame.payload[1]);
}

// Reads until a frame with `opcode` (bounded by count); returns it or an empty frame.
PlainWsClient::Frame next_with_opcode(PlainWsClient& client, int opcode, int max_frames = 100000) {
  for (int i = 0; i < max_frames; ++i) {
    PlainWsClient::Frame frame = client.next();
    if (frame.opcode == opcode || frame.opcode == -1 || frame.opcode == 8) return frame;
  }
  return {};
}

TEST(DepthsimConnection, PingsNeedPongsWithinTheTimeout) {
  SimProcess sim(
      {"--no-tls", "--rate", "50", "--ping-interval-sec", "0.1", "--pong-timeout-sec", "0.4"});
  PlainWsClient answering(sim.port(), "/ws/btcusdt@depth");
  PlainWsClient silent(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(answering.upgraded() && silent.upgraded());
  answering.set_skip_pings(false);
  for (int pings = 0; pings < 3;) {
    const PlainWsClient::Frame frame = next_with_opcode(answering, 9);
    ASSERT_EQ(frame.opcode, 9) << "the answering client must keep getting pings";
    EXPECT_FALSE(frame.payload.empty());  // the payload a pong must echo
    ++pings;
  }
  silent.set_auto_pong(false);
  const PlainWsClient::Frame closing = next_with_opcode(silent, 8);
  EXPECT_EQ(close_code(closing), 1008);
  EXPECT_NE(closing.payload.find("pong timeout"), std::string::npos);

  const std::string stats = http_get(sim.base_url() + "/sim/stats").body;
  rapidjson::Document document;
  document.Parse(stats.c_str());
  EXPECT_GE(document["pongs_received"].GetUint64(), 2u);
  EXPECT_GE(document["pings_sent"].GetUint64(), 4u);
}

TEST(DepthsimConnection, IgnorePongFaultEndsInAPongTimeout) {
  SimProcess sim(
      {"--no-tls", "--rate", "50", "--ping-interval-sec", "0.1", "--pong-timeout-sec", "0.3"});
  PlainWsClient client(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(client.upgraded());
  ASSERT_EQ(client.next().opcode, 1);
  ASSERT_EQ(http_get(sim.base_url() + "/sim/fault?kind=ignore_pong").status, 200);
  EXPECT_EQ(close_code(next_with_opcode(client, 8)), 1008);  // our pongs no longer count
}

TEST(DepthsimConnection, NoPongFaultLeavesClientPingsUnanswered) {
  SimProcess sim({"--no-tls", "--rate", "1"});
  PlainWsClient client(sim.port(), "/ws");
  ASSERT_TRUE(client.upgraded());
  client.set_skip_pings(false);
  // Frames are handled in order: the reply to a request sent after a ping proves the ping was
  // processed, so whether a pong came first is known without waiting.
  client.send(9, "hello");
  client.send(1, R"({"method":"LIST_SUBSCRIPTIONS","id":1})");
  PlainWsClient::Frame pong = client.next();
  EXPECT_EQ(pong.opcode, 10);
  EXPECT_EQ(pong.payload, "hello");
  EXPECT_EQ(client.next().payload, R"({"result":[],"id":1})");
  ASSERT_EQ(http_get(sim.base_url() + "/sim/fault?kind=no_pong").status, 200);
  client.send(9, "again");
  client.send(1, R"({"method":"LIST_SUBSCRIPTIONS","id":2})");
  EXPECT_EQ(client.next().payload, R"({"result":[],"id":2})");
}

TEST(DepthsimConnection, TooManyMessagesCloseTheConnection) {
  SimProcess sim({"--no-tls", "--rate", "1"});  // futures: 10 incoming messages a second
  PlainWsClient client(sim.port(), "/ws");
  ASSERT_TRUE(client.upgraded());
  for (int i = 1; i <= 11; ++i) {
    client.send(1, R"({"method":"LIST_SUBSCRIPTIONS","id":)" + std::to_string(i) + "}");
  }
  for (int i = 1; i <= 10; ++i) {
    EXPECT_EQ(client.next().payload, R"({"result":[],"id":)" + std::to_string(i) + "}");
  }
  EXPECT_EQ(close_code(client.next()), 1008);
}

TEST(DepthsimConnection, ShutdownClosesClientsWith1001) {
  SimProcess sim({"--no-tls", "--rate", "100"});
  PlainWsClient client(sim.port(), "/stream?streams=btcusdt@depth@100ms");
  ASSERT_TRUE(client.upgraded());
  ASSERT_EQ(client.next().opcode, 1);
  sim.send_terminate();
  EXPECT_EQ(close_code(next_with_opcode(client, 8)), 1001);
  EXPECT_EQ(sim.stop(), 0);
}

TEST(DepthsimConnection, ExitAfterSecondsEndsTheProcessCleanly) {
  SimProcess sim({"--no-tls", "--rate", "100", "--exit-after-sec", "0.5"});
  PlainWsClient client(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(client.upgraded());
  EXPECT_EQ(close_code(next_with_opcode(client, 8)), 1001);
  EXPECT_EQ(sim.wait_exit(std::chrono::seconds(10)), std::optional<int>(0));
}

TEST(DepthsimConnection, DurationStopsGeneratingButKeepsServing) {
  SimProcess sim({"--no-tls", "--rate", "200", "--duration-sec", "0.3"});
  PlainWsClient client(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(client.upgraded());
  ASSERT_EQ(client.next().opcode, 1);
  // Generation ends: the stream goes quiet while the connection stays open...
  PlainWsClient::Frame frame;
  do {
    frame = client.next(std::chrono::milliseconds(800));
  } while (frame.opcode == 1);
  EXPECT_EQ(frame.opcode, -1);
  // ...and the server still answers.
  rapidjson::Document stats;
  stats.Parse(http_get(sim.base_url() + "/sim/stats").body.c_str());
  EXPECT_TRUE(stats["generation_stopped"].GetBool());
  EXPECT_EQ(stats["open_connections"].GetUint64(), 1u);
}

TEST(DepthsimConnection, StallSkipsEventsWhileGenerationGoesOn) {
  SimProcess sim({"--no-tls", "--rate", "200"});
  PlainWsClient client(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(client.upgraded());
  rapidjson::Document event;
  event.Parse(client.next().payload.c_str());
  std::uint64_t previous = event["u"].GetUint64();
  ASSERT_EQ(http_get(sim.base_url() + "/sim/fault?kind=stall&arg=1").status, 200);
  int breaks = 0;
  for (int i = 0; i < 20; ++i) {
    event.Parse(client.next(std::chrono::seconds(5)).payload.c_str());
    ASSERT_TRUE(event.IsObject());
    breaks += event["pu"].GetUint64() != previous;
    previous = event["u"].GetUint64();
  }
  EXPECT_EQ(breaks, 1);  // the events generated during the stall were missed
}

TEST(DepthsimConnection, RateZeroIsPacedByTheClient) {
  SimProcess sim({"--no-tls", "--rate", "0", "--events", "20000"});
  PlainWsClient client(sim.port(), "/ws/btcusdt@depth@0ms");
  ASSERT_TRUE(client.upgraded());
  std::uint64_t previous = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20000; ++i) {
    const PlainWsClient::Frame frame = client.next();
    ASSERT_EQ(frame.opcode, 1) << i;
    const std::size_t pu = frame.payload.find("\"pu\":");
    const std::size_t u = frame.payload.find("\"u\":");
    ASSERT_NE(pu, std::string::npos);
    if (previous != 0) {
      ASSERT_EQ(std::stoull(frame.payload.substr(pu + 5)), previous) << i;
    }
    previous = std::stoull(frame.payload.substr(u + 4));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rate 0: 20000 events in %.3f s (%.0f events/s)\n", seconds, 20000 / seconds);
}

std::string first_line_json_of(const std::string& path, const std::string& prefix) {
  gzFile file = gzopen(path.c_str(), "rb");
  std::string found;
  std::vector<char> line(1 << 17);
  while (gzgets(file, line.data(), static_cast<int>(line.size())) != nullptr) {
    std::string text(line.data());
    if (!text.empty() && text.back() == '\n') text.pop_back();
    const std::string json = text.substr(text.find(' ') + 1);
    if (json.rfind(prefix, 0) == 0) {
      found = json;
      break;
    }
  }
  gzclose(file);
  return found;
}

TEST(DepthsimConnection, ReplayServesTheRecordingVerbatim) {
  const std::string path = std::string(DEPTHREC_REAL_DATA_DIR) + "/usdm_btcusdt_20240718.gz";
  SimProcess sim({"--no-tls", "--replay", path, "--speed", "0"});
  PlainWsClient client(sim.port(), "/stream?streams=btcusdt@depth@0ms");
  ASSERT_TRUE(client.upgraded());
  // Frames go out byte for byte as recorded.
  const PlainWsClient::Frame first = client.next();
  EXPECT_EQ(first.payload, first_line_json_of(path, R"({"stream":"btcusdt@depth@0ms")"));
  // The snapshot is the recorded body, once the replay has passed it.
  const auto snapshot = http_get(sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(snapshot.status, 200);
  EXPECT_EQ(snapshot.body, first_line_json_of(path, R"({"lastUpdateId")"));
  int depth_frames = 1;
  while (depth_frames < 3326) {
    const PlainWsClient::Frame frame = client.next();
    ASSERT_EQ(frame.opcode, 1) << "after " << depth_frames;
    ASSERT_EQ(frame.payload.rfind(R"({"stream":"btcusdt@depth@0ms")", 0), 0u);
    ++depth_frames;
  }
  rapidjson::Document stats;
  stats.Parse(http_get(sim.base_url() + "/sim/stats").body.c_str());
  for (int attempt = 0; attempt < 500 && !stats["replay_done"].GetBool(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stats.Parse(http_get(sim.base_url() + "/sim/stats").body.c_str());
  }
  EXPECT_TRUE(stats["replay_done"].GetBool());
  EXPECT_EQ(stats["snapshots_served"].GetUint64(), 1u);
  const rapidjson::Value& connection = stats["connections"][0];
  EXPECT_EQ(connection["depth_events_sent"].GetUint64(), 3326u);
  EXPECT_EQ(connection["first_U"].GetUint64(), 4984028367545u);  // the recording's first event
  // A stream the file does not hold is accepted and stays silent, as Binance does (it was
  // refused); a name that is no stream is still refused.
  PlainWsClient other(sim.port(), "/ws/ethusdt@depth");
  EXPECT_TRUE(other.upgraded());
  PlainWsClient bad(sim.port(), "/ws/ethusdt@nonsense");
  EXPECT_FALSE(bad.upgraded());
}

}  // namespace

namespace {

struct Ids {
  std::uint64_t U = 0, u = 0, pu = 0;
  bool operator==(const Ids& o) const { return U == o.U && u == o.u && pu == o.pu; }
};

// The next depth event's ids on `client` (raw /ws/ stream); nullopt when none comes.
std::optional<Ids> next_ids(PlainWsClient& client) {
  for (int i = 0; i < 1000; ++i) {
    const PlainWsClient::Frame frame = client.next();
    if (frame.opcode == -1 || frame.opcode == 8) return std::nullopt;
    if (frame.opcode != 1) continue;
    rapidjson::Document doc;
    doc.Parse(frame.payload.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("u")) continue;
    return Ids{doc["U"].GetUint64(), doc["u"].GetUint64(), doc["pu"].GetUint64()};
  }
  return std::nullopt;
}

}  // namespace

// A rollover needs the exchange to serve one client's two connections at once with one event
// sequence: the same events carry the same update ids on both, each stream continuous.
TEST(DepthsimConnection, TwoConnectionsAtOnceSeeTheSameUpdateIds) {
  SimProcess sim({"--no-tls", "--market", "usdm", "--rate", "200"});
  PlainWsClient first(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(first.upgraded());
  std::vector<Ids> a;
  for (int i = 0; i < 20; ++i) {
    auto ids = next_ids(first);
    ASSERT_TRUE(ids);
    a.push_back(*ids);
  }
  PlainWsClient second(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(second.upgraded());
  std::vector<Ids> b;
  for (int i = 0; i < 40; ++i) {
    auto ids = next_ids(second);
    ASSERT_TRUE(ids);
    b.push_back(*ids);
  }
  while (a.back().u < b.back().u) {
    auto ids = next_ids(first);
    ASSERT_TRUE(ids);
    a.push_back(*ids);
  }
  for (const auto* stream : {&a, &b}) {
    for (std::size_t i = 1; i < stream->size(); ++i)
      ASSERT_EQ((*stream)[i].pu, (*stream)[i - 1].u) << "continuous on each connection";
  }
  // Every event of the second connection is the first connection's event with that u.
  std::size_t matched = 0;
  for (const Ids& ids : b) {
    for (const Ids& other : a) {
      if (other.u == ids.u) {
        EXPECT_EQ(other, ids);
        ++matched;
      }
    }
  }
  EXPECT_EQ(matched, b.size());
  EXPECT_GT(b.front().u, a.front().u) << "the second connection starts later in the sequence";
}
