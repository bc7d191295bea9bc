// Binance's limits as depthsim enforces them (issue 12, item 8), each counted in /sim/stats
// limits{}: streams per connection (URL and SUBSCRIBE), incoming messages per second (pongs and
// pings count), REST request weight per minute (429 with Retry-After, then 418 for a client that
// keeps sending, X-MBX-USED-WEIGHT-1M on every answer, one budget for USD-M and COIN-M), and the
// USD-M /market route that acknowledges a depth SUBSCRIBE and never delivers it.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "sim_market_support.hpp"

namespace {

using namespace simtest;

std::uint64_t limit_count(const rapidjson::Document& stats, const char* key) {
  return stats["limits"][key].GetUint64();
}

std::vector<std::string> depth_streams(const std::string& suffix, std::size_t count,
                                       const std::vector<std::string>& symbols) {
  std::vector<std::string> streams;
  for (std::size_t i = 0; i < count; ++i) {
    std::string lower = symbols[i];
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    streams.push_back(lower + suffix);
  }
  return streams;
}

// The symbols a listener lists, from its exchangeInfo.
std::vector<std::string> listed_symbols(std::uint16_t port, const std::string& path) {
  const rapidjson::Document info = json(get(port, path).body);
  std::vector<std::string> symbols;
  for (const auto& entry : info["symbols"].GetArray())
    symbols.push_back(entry["symbol"].GetString());
  return symbols;
}

TEST(DepthsimLimits, TooManyStreamsOnAConnectionAreRefusedByUrlAndBySubscribe) {
  // The default cap, 1024, by SUBSCRIBE (a URL that long exceeds the HTTP header bound).
  SimProcess sim({"--no-tls", "--symbol-count", "usdm=1100", "--rate", "1"});
  const std::vector<std::string> symbols = listed_symbols(sim.port(), "/fapi/v1/exchangeInfo");
  ASSERT_EQ(symbols.size(), 1100u);
  PlainWsClient client(sim.port(), "/public/ws");
  ASSERT_TRUE(client.upgraded());
  client.send(1, subscribe_request(depth_streams("@depth@100ms", 1025, symbols), 1));
  EXPECT_EQ(reply_to(client, 1),
            R"json({"code":2,"msg":"Invalid request: too many streams (limit 1024)","id":1})json");
  client.send(1, subscribe_request(depth_streams("@depth@100ms", 1024, symbols), 2));
  EXPECT_EQ(reply_to(client, 2), R"({"result":null,"id":2})");

  // --max-streams-per-connection 3, by URL.
  SimProcess small({"--no-tls", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT,XRPUSDT",
                    "--max-streams-per-connection", "3"});
  PlainWsClient refused(small.port(),
                        "/stream?streams=btcusdt@depth/ethusdt@depth/solusdt@depth/xrpusdt@depth");
  EXPECT_FALSE(refused.upgraded());
  EXPECT_NE(refused.response_head().find(" 400 "), std::string::npos) << refused.response_head();
  PlainWsClient accepted(small.port(), "/stream?streams=btcusdt@depth/ethusdt@depth/solusdt@depth");
  EXPECT_TRUE(accepted.upgraded());

  EXPECT_EQ(limit_count(json(get(sim.port(), "/sim/stats").body), "stream_limit_refusals"), 1u);
  EXPECT_EQ(limit_count(json(get(small.port(), "/sim/stats").body), "stream_limit_refusals"), 1u);
  itest::report_figure("streams accepted on one connection", 1024.0);
}

TEST(DepthsimLimits, PongsAndPingsCountTowardTheIncomingMessageLimit) {
  // Spot: 5 incoming messages a second; six unsolicited pongs close the connection with 1008.
  SimProcess spot({"--no-tls", "--market", "spot", "--rate", "1"});
  PlainWsClient pongs(spot.port(), "/ws/btcusdt@depth@100ms");
  ASSERT_TRUE(pongs.upgraded());
  for (int i = 0; i < 6; ++i) pongs.send(10, "p" + std::to_string(i));
  EXPECT_EQ(next_close_code(pongs), 1008);
  EXPECT_EQ(limit_count(json(get(spot.port(), "/sim/stats").body), "message_limit_closes"), 1u);

  // Futures: 10 a second; five pings and six pongs are eleven.
  SimProcess usdm({"--no-tls", "--rate", "1"});
  PlainWsClient mixed(usdm.port(), "/ws/btcusdt@depth@0ms");
  ASSERT_TRUE(mixed.upgraded());
  for (int i = 0; i < 5; ++i) mixed.send(9, "ping");
  for (int i = 0; i < 6; ++i) mixed.send(10, "pong");
  EXPECT_EQ(next_close_code(mixed), 1008);
  EXPECT_EQ(limit_count(json(get(usdm.port(), "/sim/stats").body), "message_limit_closes"), 1u);
}

TEST(DepthsimLimits, RestOverBudgetIs429ThenSendingDuringRetryAfterIs418) {
  SimProcess sim({"--no-tls", "--rest-weight-futures", "50", "--rate", "10"});
  const std::string depth = "/fapi/v1/depth?symbol=BTCUSDT&limit=1000";  // weight 20
  avoid_minute_edge();
  const HttpResult first = get(sim.port(), depth);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(header(first, "X-MBX-USED-WEIGHT-1M"), "20");
  const HttpResult second = get(sim.port(), depth);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(header(second, "X-MBX-USED-WEIGHT-1M"), "40");
  const HttpResult over = get(sim.port(), depth);
  EXPECT_EQ(over.status, 429);
  const std::string retry_after = header(over, "Retry-After");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_LE(std::stoi(retry_after), 60);
  EXPECT_EQ(header(over, "X-MBX-USED-WEIGHT-1M"), "40");
  // Sending again before Retry-After has passed: a ban, on every endpoint of the IP.
  const HttpResult banned = get(sim.port(), "/fapi/v1/time");
  EXPECT_EQ(banned.status, 418);
  EXPECT_EQ(header(banned, "Retry-After"), "120");
  EXPECT_FALSE(header(banned, "X-MBX-USED-WEIGHT-1M").empty());
  const HttpResult still = get(sim.port(), "/fapi/v1/exchangeInfo");
  EXPECT_EQ(still.status, 418);
  EXPECT_FALSE(header(still, "Retry-After").empty());
  // The simulator's own endpoints are not Binance's: served, with the header too.
  const HttpResult stats_reply = get(sim.port(), "/sim/stats");
  EXPECT_EQ(stats_reply.status, 200);
  EXPECT_FALSE(header(stats_reply, "X-MBX-USED-WEIGHT-1M").empty());
  const rapidjson::Document stats = json(stats_reply.body);
  const auto& rest = stats["limits"]["rest"];
  EXPECT_EQ(rest["weight_limit_1m"].GetUint64(), 50u);
  EXPECT_EQ(rest["rejected_429"].GetUint64(), 1u);
  EXPECT_EQ(rest["rejected_418"].GetUint64(), 2u);
  EXPECT_EQ(rest["bans"].GetUint64(), 1u);
  itest::report_figure("429 Retry-After s", std::stod(retry_after));
}

TEST(DepthsimLimits, UsdmAndCoinmListenersShareOneRestBudgetSpotHasItsOwn) {
  SimProcess sim({"--no-tls", "--symbols", "usdm:BTCUSDT,coinm:BTCUSD_PERP,spot:BTCUSDT",
                  "--rest-weight-futures", "30", "--rate", "10"});
  const std::uint16_t usdm = market_port(sim, "usdm");
  const std::uint16_t coinm = market_port(sim, "coinm");
  const std::uint16_t spot = market_port(sim, "spot");
  ASSERT_NE(usdm, coinm);
  ASSERT_NE(usdm, spot);
  avoid_minute_edge();
  const HttpResult futures = get(usdm, "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(futures.status, 200);
  EXPECT_EQ(header(futures, "X-MBX-USED-WEIGHT-1M"), "20");
  // COIN-M sees what USD-M spent: 20 + 20 > 30.
  const HttpResult shared = get(coinm, "/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000");
  EXPECT_EQ(shared.status, 429);
  EXPECT_EQ(header(shared, "X-MBX-USED-WEIGHT-1M"), "20");
  const HttpResult own = get(spot, "/api/v3/depth?symbol=BTCUSDT&limit=1000");
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(header(own, "X-MBX-USED-WEIGHT-1M"), "50");
  const rapidjson::Document coinm_stats = json(get(coinm, "/sim/stats").body);
  EXPECT_EQ(coinm_stats["limits"]["rest"]["rejected_429"].GetUint64(), 1u);
  EXPECT_EQ(coinm_stats["limits"]["rest"]["weight_limit_1m"].GetUint64(), 30u);
}

TEST(DepthsimLimits, UsdmMarketRouteAcknowledgesDepthAndNeverDeliversIt) {
  SimProcess sim({"--no-tls", "--rate", "200"});
  PlainWsClient wrong(sim.port(), "/market/ws");
  ASSERT_TRUE(wrong.upgraded());
  wrong.send(1, subscribe_request({"btcusdt@depth@0ms"}, 1));
  EXPECT_EQ(reply_to(wrong, 1), R"({"result":null,"id":1})");
  PlainWsClient right(sim.port(), "/public/ws/btcusdt@depth@0ms");
  ASSERT_TRUE(right.upgraded());
  int delivered = 0;
  while (delivered < 50) {
    const PlainWsClient::Frame frame = right.next();
    ASSERT_EQ(frame.opcode, 1);
    ++delivered;
  }
  // The same events went out while the /market connection got nothing.
  const rapidjson::Document stats = json(get(sim.port(), "/sim/stats").body);
  std::uint64_t wrong_sent = 1;
  std::uint64_t right_sent = 0;
  for (const auto& connection : stats["connections"].GetArray()) {
    const std::string route = connection["route"].GetString();
    if (route == "market") {
      wrong_sent = connection["depth_events_sent"].GetUint64();
      EXPECT_EQ(connection["silent_streams"].GetUint64(), 1u);
    }
    if (route == "public") right_sent = connection["depth_events_sent"].GetUint64();
  }
  EXPECT_EQ(wrong_sent, 0u);
  EXPECT_GE(right_sent, 50u);
  EXPECT_EQ(limit_count(stats, "route_silent_streams"), 1u);
  EXPECT_EQ(wrong.next(std::chrono::milliseconds(100)).opcode, -1);  // and nothing is in flight
}

}  // namespace
