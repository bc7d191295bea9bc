// The built depthsim binary over plain ws/http on 127.0.0.1: stats, truth, stream = truth,
// live subscription, faults and REST faults. Each test starts its own process (port 0).
#include <rapidjson/document.h>

#include <map>

#include "sim_test_support.hpp"

namespace {

using depthsim_test::http_get;
using depthsim_test::PlainWsClient;
using depthsim_test::SimProcess;

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text.substr(0, 200);
  return document;
}

// Polls /sim/stats until `ready` holds (bounded): synchronises on the simulator's counters.
template <typename Predicate>
rapidjson::Document wait_for_stats(const SimProcess& sim, Predicate ready) {
  for (int attempt = 0; attempt < 1000; ++attempt) {
    rapidjson::Document stats = parse(http_get(sim.base_url() + "/sim/stats").body);
    if (stats.IsObject() && ready(stats)) return stats;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "stats condition not reached";
  return parse("{}");
}

// A book keyed by integer price (fixed decimals, the dot removed), quantities kept as text.
struct TextBook {
  std::map<long long, std::string> bids;
  std::map<long long, std::string> asks;

  static long long key(const char* price) {
    std::string digits;
    for (const char* c = price; *c; ++c) {
      if (*c != '.') digits.push_back(*c);
    }
    return std::stoll(digits);
  }
  static bool is_zero(const std::string& qty) {
    return qty.find_first_not_of("0.") == std::string::npos;
  }

  void apply(const rapidjson::Value& levels, std::map<long long, std::string>& side) {
    for (const auto& level : levels.GetArray()) {
      const std::string qty = level[1].GetString();
      if (is_zero(qty)) {
        side.erase(key(level[0].GetString()));
      } else {
        side[key(level[0].GetString())] = qty;
      }
    }
  }
  void load(const rapidjson::Document& snapshot) {
    bids.clear();
    asks.clear();
    apply(snapshot["bids"], bids);
    apply(snapshot["asks"], asks);
  }
};

TEST(DepthsimProcess, StatsAndTruthOverPlainHttp) {
  SimProcess sim({"--port", "0", "--no-tls", "--rate", "500", "--events", "40", "--seed", "9",
                  "--symbols", "BTCUSDT,ETHUSDT"});
  const rapidjson::Document stats = wait_for_stats(sim, [](const rapidjson::Document& s) {
    return s["symbols"][0]["events_generated"].GetUint64() == 40 &&
           s["symbols"][1]["events_generated"].GetUint64() == 40;
  });
  EXPECT_EQ(std::string(stats["market"].GetString()), "usdm");
  EXPECT_FALSE(stats["tls"].GetBool());
  EXPECT_TRUE(stats["symbols"][0]["finished"].GetBool());
  const std::uint64_t last_id = stats["symbols"][0]["last_update_id"].GetUint64();

  const rapidjson::Document truth =
      parse(http_get(sim.base_url() + "/sim/truth?symbol=BTCUSDT").body);
  EXPECT_EQ(truth["lastUpdateId"].GetUint64(), last_id);
  EXPECT_TRUE(truth.HasMember("E"));
  EXPECT_GT(truth["bids"].Size(), 100u);  // the full book, no depth limit
  const rapidjson::Document snapshot =
      parse(http_get(sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=5").body);
  EXPECT_EQ(snapshot["lastUpdateId"].GetUint64(), last_id);
  ASSERT_EQ(snapshot["bids"].Size(), 5u);
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    EXPECT_EQ(std::string(snapshot["bids"][i][0].GetString()), truth["bids"][i][0].GetString());
    EXPECT_EQ(std::string(snapshot["asks"][i][1].GetString()), truth["asks"][i][1].GetString());
  }
  EXPECT_EQ(http_get(sim.base_url() + "/sim/truth?symbol=NOPE").status, 400);
  EXPECT_EQ(http_get(sim.base_url() + "/fapi/v1/depth?symbol=NOPE").body,
            R"({"code":-1121,"msg":"Invalid symbol."})");
  EXPECT_EQ(http_get(sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=7").status, 400);
  EXPECT_EQ(http_get(sim.base_url() + "/nowhere").status, 404);
  EXPECT_EQ(sim.stop(), 0);
}

TEST(DepthsimProcess, StreamFromTheFirstEventRebuildsTheTruth) {
  SimProcess sim(
      {"--no-tls", "--start-on-subscribe", "--rate", "2000", "--events", "300", "--seed", "4"});
  // Before anyone subscribes nothing is generated: the snapshot is the initial book.
  const rapidjson::Document snapshot =
      parse(http_get(sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=1000").body);
  TextBook book;
  book.load(snapshot);
  std::uint64_t previous = snapshot["lastUpdateId"].GetUint64();

  PlainWsClient client(sim.port(), "/stream?streams=btcusdt@depth@0ms");
  ASSERT_TRUE(client.upgraded()) << client.response_head();
  for (int i = 0; i < 300; ++i) {
    const PlainWsClient::Frame frame = client.next();
    ASSERT_EQ(frame.opcode, 1) << "event " << i;
    const rapidjson::Document wrapped = parse(frame.payload);
    ASSERT_EQ(std::string(wrapped["stream"].GetString()), "btcusdt@depth@0ms");
    const rapidjson::Value& event = wrapped["data"];
    ASSERT_EQ(event["pu"].GetUint64(), previous) << "event " << i;
    ASSERT_LE(event["U"].GetUint64(), event["u"].GetUint64());
    previous = event["u"].GetUint64();
    book.apply(event["b"], book.bids);
    book.apply(event["a"], book.asks);
  }
  const rapidjson::Document truth =
      parse(http_get(sim.base_url() + "/sim/truth?symbol=BTCUSDT").body);
  EXPECT_EQ(truth["lastUpdateId"].GetUint64(), previous);
  TextBook expected;
  expected.load(truth);
  EXPECT_EQ(book.bids, expected.bids);
  EXPECT_EQ(book.asks, expected.asks);

  const rapidjson::Document stats = parse(http_get(sim.base_url() + "/sim/stats").body);
  const rapidjson::Value& connection = stats["connections"][0];
  EXPECT_EQ(connection["depth_events_sent"].GetUint64(), 300u);
  EXPECT_EQ(connection["last_u"].GetUint64(), previous);
  EXPECT_EQ(connection["first_U"].GetUint64(),
            connection["depth"]["BTCUSDT"]["first_U"].GetUint64());
}

// ccxt pro connects to /ws/<n> (USD-M /public/ws/<n>), <n> its own connection index, then
// subscribes. depthsim refused that upgrade with 400 ("Invalid stream name: 0"); Binance opens it.
TEST(DepthsimProcess, ConnectionIndexPathOpensWithNoStreamThenSubscribes) {
  struct Case {
    const char* market;
    const char* path;
    const char* stream;
  };
  for (const Case& c : {Case{"spot", "/ws/0", "ethusdt@depth@100ms"},
                        Case{"usdm", "/public/ws/17", "ethusdt@depth@100ms"}}) {
    SimProcess sim({"--no-tls", "--rate", "200", "--market", c.market, "--symbols", "ETHUSDT"});
    PlainWsClient client(sim.port(), c.path);
    ASSERT_TRUE(client.upgraded()) << c.path << ": " << client.response_head();
    client.send(1, R"({"method":"LIST_SUBSCRIPTIONS","id":1})");
    EXPECT_EQ(client.next().payload, R"({"result":[],"id":1})")
        << c.path;  // the index is no stream
    client.send(1,
                std::string(R"({"method":"SUBSCRIBE","params":[")") + c.stream + R"("],"id":2})");
    EXPECT_EQ(client.next().payload, R"({"result":null,"id":2})");
    const rapidjson::Document first = parse(client.next().payload);
    EXPECT_EQ(std::string(first["e"].GetString()), "depthUpdate") << c.path;
    EXPECT_EQ(std::string(first["s"].GetString()), "ETHUSDT");
    // A name that is neither a stream nor an index is still refused, as before.
    PlainWsClient refused(sim.port(), std::string(c.path) + "x");
    EXPECT_FALSE(refused.upgraded());
    EXPECT_NE(refused.response_head().find(" 400 "), std::string::npos) << refused.response_head();
  }
}

TEST(DepthsimProcess, LiveSubscriptionAndUnknownStreams) {
  SimProcess sim({"--no-tls", "--rate", "200", "--market", "spot", "--symbols", "ETHUSDT"});
  PlainWsClient refused(sim.port(), "/ws/ethusdt@depth@0ms");  // 0ms is futures-only
  EXPECT_FALSE(refused.upgraded());
  EXPECT_NE(refused.response_head().find(" 400 "), std::string::npos) << refused.response_head();

  PlainWsClient client(sim.port(), "/ws");
  ASSERT_TRUE(client.upgraded());
  client.send(1, R"({"method":"SUBSCRIBE","params":["btcusdt@depth"],"id":1})");
  EXPECT_EQ(client.next().payload,
            R"({"code":2,"msg":"Invalid request: invalid stream name 'btcusdt@depth'","id":1})");
  client.send(1, R"({"method":"SUBSCRIBE","params":["ethusdt@depth@100ms"],"id":2})");
  EXPECT_EQ(client.next().payload, R"({"result":null,"id":2})");
  const rapidjson::Document first = parse(client.next().payload);
  EXPECT_EQ(std::string(first["e"].GetString()), "depthUpdate");  // raw payload on /ws
  EXPECT_FALSE(first.HasMember("pu"));                            // spot has no pu
  const rapidjson::Document second = parse(client.next().payload);
  EXPECT_EQ(second["U"].GetUint64(), first["u"].GetUint64() + 1);  // spot ids are contiguous
}

TEST(DepthsimProcess, GapFaultBreaksTheChainOnceAndIsCounted) {
  SimProcess sim({"--no-tls", "--rate", "300"});
  PlainWsClient client(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(client.upgraded());
  std::uint64_t previous = parse(client.next().payload)["u"].GetUint64();
  EXPECT_EQ(http_get(sim.base_url() + "/sim/fault?kind=gap&symbol=BTCUSDT").status, 200);
  int breaks = 0;
  for (int i = 0; i < 60; ++i) {
    const rapidjson::Document event = parse(client.next().payload);
    breaks += event["pu"].GetUint64() != previous;
    previous = event["u"].GetUint64();
  }
  EXPECT_EQ(breaks, 1);
  const rapidjson::Document stats = parse(http_get(sim.base_url() + "/sim/stats").body);
  EXPECT_EQ(stats["faults"]["gap"].GetUint64(), 1u);
  EXPECT_EQ(http_get(sim.base_url() + "/sim/fault?kind=teleport").status, 400);
}

TEST(DepthsimProcess, ConnectionIdsCountWebSocketsOnlyAndTargetFaults) {
  SimProcess sim({"--no-tls", "--rate", "100"});
  PlainWsClient first(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(first.upgraded());
  // HTTP requests in between do not take connection ids.
  EXPECT_EQ(http_get(sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=5").status, 200);
  EXPECT_EQ(http_get(sim.base_url() + "/sim/stats").status, 200);
  PlainWsClient second(sim.port(), "/ws/btcusdt@depth");
  ASSERT_TRUE(second.upgraded());
  ASSERT_EQ(second.next().opcode, 1);
  const rapidjson::Document stats = parse(http_get(sim.base_url() + "/sim/stats").body);
  ASSERT_EQ(stats["connections"].Size(), 2u);
  EXPECT_EQ(stats["connections"][0]["id"].GetUint64(), 1u);
  EXPECT_EQ(stats["connections"][1]["id"].GetUint64(), 2u);

  EXPECT_EQ(http_get(sim.base_url() + "/sim/fault?kind=close&conn=2").status, 200);
  PlainWsClient::Frame frame;
  do {
    frame = second.next();
  } while (frame.opcode == 1);
  EXPECT_EQ(frame.opcode, 8);
  EXPECT_EQ(first.next().opcode, 1);  // the other connection goes on
  const rapidjson::Document after = parse(http_get(sim.base_url() + "/sim/stats").body);
  EXPECT_TRUE(after["connections"][0]["open"].GetBool());
  EXPECT_FALSE(after["connections"][1]["open"].GetBool());
  EXPECT_EQ(after["faults"]["close"].GetUint64(), 1u);
}

TEST(DepthsimProcess, RestFaultsThenANormalSnapshot) {
  SimProcess sim(
      {"--no-tls", "--rate", "100", "--rest-fault", "429:1", "--rest-fault", "truncated"});
  const std::string url = sim.base_url() + "/fapi/v1/depth?symbol=BTCUSDT&limit=100";
  const auto limited = http_get(url);
  EXPECT_EQ(limited.status, 429);
  EXPECT_NE(limited.headers.find("Retry-After: 1"), std::string::npos) << limited.headers;
  const auto truncated = http_get(url);
  EXPECT_FALSE(truncated.error.empty());  // fewer bytes than Content-Length announced
  const auto normal = http_get(url);
  EXPECT_EQ(normal.status, 200);
  EXPECT_EQ(parse(normal.body)["bids"].Size(), 100u);
  const rapidjson::Document stats = parse(http_get(sim.base_url() + "/sim/stats").body);
  EXPECT_EQ(stats["faults"]["rest_429"].GetUint64(), 1u);
  EXPECT_EQ(stats["faults"]["rest_truncated"].GetUint64(), 1u);
}

TEST(DepthsimProcess, PauseFreezesTheTruth) {
  SimProcess sim({"--no-tls", "--rate", "1000"});
  wait_for_stats(sim, [](const rapidjson::Document& s) {
    return s["symbols"][0]["events_generated"].GetUint64() > 10;
  });
  EXPECT_EQ(http_get(sim.base_url() + "/sim/pause").body, R"({"paused":true})");
  const std::string before = http_get(sim.base_url() + "/sim/truth?symbol=BTCUSDT").body;
  const std::uint64_t generated =
      parse(http_get(sim.base_url() + "/sim/stats").body)["symbols"][0]["events_generated"]
          .GetUint64();
  // Any number of further requests sees the same book while paused.
  for (int i = 0; i < 5; ++i) {
    const std::string again = http_get(sim.base_url() + "/sim/truth?symbol=BTCUSDT").body;
    EXPECT_EQ(parse(again)["lastUpdateId"].GetUint64(), parse(before)["lastUpdateId"].GetUint64());
  }
  EXPECT_EQ(parse(http_get(sim.base_url() + "/sim/stats").body)["symbols"][0]["events_generated"]
                .GetUint64(),
            generated);
  EXPECT_EQ(http_get(sim.base_url() + "/sim/resume").body, R"({"paused":false})");
  wait_for_stats(sim, [generated](const rapidjson::Document& s) {
    return s["symbols"][0]["events_generated"].GetUint64() > generated;
  });
}

}  // namespace
