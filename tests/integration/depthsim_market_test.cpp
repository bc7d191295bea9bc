// depthsim at market scale (issue 12, item 8): 2,000 symbols over spot, USD-M and COIN-M in one
// process (start time, memory, the event rate it sustains to 2,000 subscribed streams and its
// CPU), listings and delistings reflected by exchangeInfo at once, and faults aimed at symbols.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "harness.hpp"
#include "sim_market_support.hpp"

namespace {

using namespace simtest;
using Clock = std::chrono::steady_clock;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

std::vector<std::string> streams_of(std::uint16_t port, const std::string& info_path,
                                    const std::string& suffix) {
  const rapidjson::Document info = json(get(port, info_path).body);
  std::vector<std::string> streams;
  for (const auto& entry : info["symbols"].GetArray()) {
    std::string lower = entry["symbol"].GetString();
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    streams.push_back(lower + suffix);
  }
  return streams;
}

// exchangeInfo's status of `symbol` ("" when it is not listed).
std::string listed_status(std::uint16_t port, const std::string& symbol) {
  const rapidjson::Document info = json(get(port, "/fapi/v1/exchangeInfo").body);
  for (const auto& entry : info["symbols"].GetArray()) {
    if (entry["symbol"].GetString() == symbol) return entry["status"].GetString();
  }
  return "";
}

// Depth events depthsim has sent to every connection of the listener (its own count).
std::uint64_t depth_events_sent(std::uint16_t port) {
  const rapidjson::Document stats = json(get(port, "/sim/stats").body);
  std::uint64_t sent = 0;
  for (const auto& connection : stats["connections"].GetArray())
    sent += connection["depth_events_sent"].GetUint64();
  return sent;
}

std::uint64_t events_generated(std::uint16_t port, const std::string& symbol) {
  const rapidjson::Document stats = json(get(port, "/sim/stats?symbol=" + symbol).body);
  return stats["symbol"]["events_generated"].GetUint64();
}

// The whole-market shape the issue-12 benchmark runs against: 2,000 symbols over three listeners,
// all subscribed, delivering. Its pace and CPU are printed as figures (a speed target belongs to
// a benchmark, not to a test on a shared machine); under a sanitizer depthsim runs several times
// slower and the figures say nothing, so the test is skipped there.
TEST(DepthsimMarketScale, TwoThousandSymbolsOverThreeMarketsAreServedAndDeliver) {
  if (kSanitized) GTEST_SKIP() << "a throughput figure: meaningless under a sanitizer";
  const auto launched = Clock::now();
  SimProcess sim({"--no-tls", "--symbol-count", "spot=1000,usdm=600,coinm=400", "--total-rate",
                  "25000", "--seed", "7"});
  const double start_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - launched).count();
  const double rss_at_start = rss_mib(sim.pid());

  struct Market {
    std::string name, info, suffix, resource;
  };
  const std::vector<Market> markets{{"spot", "/api/v3/exchangeInfo", "@depth@100ms", "/ws"},
                                    {"usdm", "/fapi/v1/exchangeInfo", "@depth@0ms", "/public/ws"},
                                    {"coinm", "/dapi/v1/exchangeInfo", "@depth@0ms", "/ws"}};
  std::vector<std::unique_ptr<PlainWsClient>> clients;
  std::size_t subscribed = 0;
  for (const Market& market : markets) {
    const std::uint16_t port = market_port(sim, market.name);
    const std::vector<std::string> streams = streams_of(port, market.info, market.suffix);
    clients.push_back(std::make_unique<PlainWsClient>(port, market.resource));
    ASSERT_TRUE(clients.back()->upgraded());
    clients.back()->send(1, subscribe_request(streams, 1));
    ASSERT_EQ(reply_to(*clients.back(), 1), R"({"result":null,"id":1})") << market.name;
    subscribed += streams.size();
  }
  ASSERT_EQ(subscribed, 2000u);

  // A measured window: every depth frame of the three connections counted, depthsim's CPU
  // time read from /proc before and after.
  auto sent_by_all = [&] {
    std::uint64_t sent = 0;
    for (const Market& market : markets) sent += depth_events_sent(market_port(sim, market.name));
    return sent;
  };
  const std::uint64_t sent_before = sent_by_all();
  const double cpu_before = cpu_seconds(sim.pid());
  const auto window_start = Clock::now();
  std::uint64_t frames = 0;
  while (Clock::now() - window_start < std::chrono::seconds(5)) {
    for (auto& client : clients) {
      for (int i = 0; i < 256; ++i) {
        const PlainWsClient::Frame frame = client->next(std::chrono::milliseconds(2));
        if (frame.opcode != 1) break;
        if (frame.payload.find("depthUpdate") != std::string::npos) ++frames;
      }
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - window_start).count();
  const double cpu_share = (cpu_seconds(sim.pid()) - cpu_before) / seconds;
  const double sent_rate = static_cast<double>(sent_by_all() - sent_before) / seconds;
  const double rate = static_cast<double>(frames) / seconds;
  itest::report_figure("symbols (spot+usdm+coinm)", 2000.0);
  itest::report_figure("start to listening ms", start_ms);
  itest::report_figure("RSS at start MiB", rss_at_start);
  itest::report_figure("RSS subscribed MiB", rss_mib(sim.pid()));
  itest::report_figure("depth events sent per s (depthsim's count)", sent_rate);
  itest::report_figure("depth events received per s (this client)", rate);
  itest::report_figure("depthsim CPU share of one core", cpu_share);
  // Measured on the idle 2-core VM: ~25,000 sent per s (--total-rate 25000) at 25-42 % of a core.
  EXPECT_GT(sent_rate, 0.0);
  EXPECT_GT(frames, 0u);
  EXPECT_LT(start_ms, 10000.0);
  EXPECT_LT(rss_at_start, 512.0);
}

TEST(DepthsimListing, ListingAndDelistingShowInExchangeInfoAtOnceAndStopTheStream) {
  SimProcess sim({"--no-tls", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "200"});
  const std::uint16_t port = sim.port();
  EXPECT_EQ(listed_status(port, "ETHUSDT"), "TRADING");
  PlainWsClient eth(port, "/ws/ethusdt@depth@0ms");
  ASSERT_TRUE(eth.upgraded());
  ASSERT_EQ(eth.next().opcode, 1);

  EXPECT_EQ(get(port, "/sim/delist?market=usdm&symbol=ETHUSDT").status, 200);
  EXPECT_EQ(listed_status(port, "ETHUSDT"), "BREAK");
  const std::uint64_t eth_at_delist = events_generated(port, "ETHUSDT");
  const std::uint64_t btc_at_delist = events_generated(port, "BTCUSDT");
  // BTCUSDT goes on (100 more events) while ETHUSDT generates nothing.
  while (events_generated(port, "BTCUSDT") < btc_at_delist + 100) {
    EXPECT_EQ(events_generated(port, "ETHUSDT"), eth_at_delist);
  }
  EXPECT_EQ(events_generated(port, "ETHUSDT"), eth_at_delist);

  EXPECT_EQ(get(port, "/fapi/v1/depth?symbol=ETHUSDT").status, 200);  // BREAK: the frozen book
  EXPECT_EQ(get(port, "/sim/delist?market=usdm&symbol=ETHUSDT&remove=1").status, 200);
  EXPECT_EQ(listed_status(port, "ETHUSDT"), "");
  EXPECT_EQ(get(port, "/fapi/v1/depth?symbol=ETHUSDT").status, 400);           // gone: -1121
  EXPECT_EQ(get(port, "/sim/delist?market=spot&symbol=BTCUSDT").status, 400);  // not this market
  EXPECT_EQ(get(port, "/sim/delist?symbol=NOSUCH").status, 400);

  // A new listing: in exchangeInfo at once, and streams that name it deliver.
  EXPECT_EQ(get(port, "/sim/list?market=usdm&symbol=NEWUSDT").status, 200);
  EXPECT_EQ(listed_status(port, "NEWUSDT"), "TRADING");
  PlainWsClient fresh(port, "/ws/newusdt@depth@0ms");
  ASSERT_TRUE(fresh.upgraded());
  const PlainWsClient::Frame first = fresh.next();
  ASSERT_EQ(first.opcode, 1);
  EXPECT_NE(first.payload.find("\"s\":\"NEWUSDT\""), std::string::npos);
  // Relisted: the subscription that stayed open receives again.
  EXPECT_EQ(get(port, "/sim/list?market=usdm&symbol=ETHUSDT").status, 200);
  EXPECT_EQ(listed_status(port, "ETHUSDT"), "TRADING");
  PlainWsClient::Frame again;
  for (int i = 0; i < 1000 && again.payload.find("ETHUSDT") == std::string::npos; ++i)
    again = eth.next();
  EXPECT_NE(again.payload.find("\"s\":\"ETHUSDT\""), std::string::npos);
  const rapidjson::Document stats = json(get(port, "/sim/stats").body);
  EXPECT_EQ(stats["limits"]["listings"].GetUint64(), 2u);
  EXPECT_EQ(stats["limits"]["delistings"].GetUint64(), 2u);
}

TEST(DepthsimListing, ScheduledListingAndDelistingHappenAtTheirTime) {
  SimProcess sim({"--no-tls", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "50", "--list-after",
                  "usdm:NEWUSDT@0.3", "--delist-after", "ETHUSDT@0.3"});
  // Bounded by exchangeInfo answers, not by sleeping: each poll is one request.
  int polls = 0;
  while ((listed_status(sim.port(), "NEWUSDT") != "TRADING" ||
          listed_status(sim.port(), "ETHUSDT") != "BREAK") &&
         ++polls < 20000) {
  }
  EXPECT_EQ(listed_status(sim.port(), "NEWUSDT"), "TRADING");
  EXPECT_EQ(listed_status(sim.port(), "ETHUSDT"), "BREAK");
  const rapidjson::Document stats = json(get(sim.port(), "/sim/stats").body);
  EXPECT_EQ(stats["limits"]["listings"].GetUint64(), 1u);
  EXPECT_EQ(stats["limits"]["delistings"].GetUint64(), 1u);
  EXPECT_GE(stats["uptime_ms"].GetInt64(), 300);
}

// Breaks of the pu chain per symbol over `events` depth events of each of `symbols`;
// `on_event(symbol, events of it so far)` after each event in order.
std::map<std::string, int> breaks_per_symbol(
    PlainWsClient& client, std::size_t symbols, std::uint64_t events,
    const std::function<void(const std::string&, std::uint64_t)>& on_event = {}) {
  std::map<std::string, std::uint64_t> last_u;
  std::map<std::string, std::uint64_t> seen;
  std::map<std::string, int> breaks;
  std::size_t done = 0;
  while (done < symbols) {
    const PlainWsClient::Frame frame = client.next();
    if (frame.opcode != 1) break;
    const rapidjson::Document doc = json(frame.payload);
    if (!doc.IsObject() || !doc.HasMember("data")) continue;
    const auto& data = doc["data"];
    const std::string symbol = data["s"].GetString();
    const std::uint64_t u = data["u"].GetUint64();
    const std::uint64_t pu = data["pu"].GetUint64();
    breaks.emplace(symbol, 0);
    if (last_u.count(symbol) && u <= last_u[symbol]) continue;  // a duplicate or a stale one
    if (last_u.count(symbol) && pu != last_u[symbol]) ++breaks[symbol];
    last_u[symbol] = u;
    if (++seen[symbol] == events) ++done;
    if (on_event) on_event(symbol, seen[symbol]);
  }
  return breaks;
}

TEST(DepthsimFaults, PlannedFaultsHitTheNamedSymbolsOnlyAndEveryTargetedOne) {
  const std::string url = "/stream?streams=btcusdt@depth@0ms/ethusdt@depth@0ms/solusdt@depth@0ms";
  const std::vector<std::string> base{"--no-tls", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT",
                                      "--rate",   "200",       "--start-on-subscribe"};
  auto with = [&](std::vector<std::string> faults) {
    std::vector<std::string> args = base;
    for (const std::string& fault : faults) args.insert(args.end(), {"--fault", fault});
    return args;
  };
  {
    SimProcess sim(with({"gap@20/ETHUSDT"}));
    PlainWsClient client(sim.port(), url);
    ASSERT_TRUE(client.upgraded());
    const std::map<std::string, int> breaks = breaks_per_symbol(client, 3, 40);
    EXPECT_EQ(breaks.at("ETHUSDT"), 1);
    EXPECT_EQ(breaks.at("BTCUSDT"), 0);
    EXPECT_EQ(breaks.at("SOLUSDT"), 0);
    EXPECT_EQ(json(get(sim.port(), "/sim/stats").body)["faults"]["gap"].GetUint64(), 1u);
  }
  {
    // No target: every symbol's 20th event (one shared plan used to give it to the first only).
    SimProcess sim(with({"gap@20"}));
    PlainWsClient client(sim.port(), url);
    ASSERT_TRUE(client.upgraded());
    const std::map<std::string, int> breaks = breaks_per_symbol(client, 3, 40);
    for (const auto& [symbol, count] : breaks) EXPECT_EQ(count, 1) << symbol;
    EXPECT_EQ(json(get(sim.port(), "/sim/stats").body)["faults"]["gap"].GetUint64(), 3u);
  }
  {
    // A count: two symbols picked by the seed.
    SimProcess sim(with({"gap@20/2"}));
    PlainWsClient client(sim.port(), url);
    ASSERT_TRUE(client.upgraded());
    const std::map<std::string, int> breaks = breaks_per_symbol(client, 3, 40);
    int hit = 0;
    for (const auto& [symbol, count] : breaks) hit += count;
    EXPECT_EQ(hit, 2);
    EXPECT_EQ(json(get(sim.port(), "/sim/stats").body)["faults"]["gap"].GetUint64(), 2u);
  }
  // /sim/fault?symbol= still aims at one symbol at run time.
  SimProcess sim(base);
  PlainWsClient client(sim.port(), url);
  ASSERT_TRUE(client.upgraded());
  // Injected once SOLUSDT's stream is seen running, so the gap falls between two events it sees.
  const std::map<std::string, int> breaks =
      breaks_per_symbol(client, 3, 40, [&](const std::string& symbol, std::uint64_t seen) {
        if (symbol == "SOLUSDT" && seen == 5) {
          EXPECT_EQ(get(sim.port(), "/sim/fault?kind=gap&symbol=SOLUSDT").status, 200);
        }
      });
  EXPECT_EQ(breaks.at("SOLUSDT"), 1);
  EXPECT_EQ(breaks.at("BTCUSDT") + breaks.at("ETHUSDT"), 0);
}

}  // namespace
