// Event channels with `--symbols ALL` (issue 13 on issue 12's follow): every followed symbol gets
// every channel of --streams; a listing at run time SUBSCRIBEs its channels live on the USD-M
// route each belongs to (/public: depth, bookTicker; /market: aggTrade, kline, markPrice) and
// records every trade depthsim sent it; a delisting UNSUBSCRIBEs its channels, whose streams end
// ("removed") while the others go on. Waits are on depthsim's counters and metrics.json.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"

namespace itest::engine_follow_channels_e2e_test {
namespace {

const char* const kListedSymbol = "CHANNELSUSDT";
const std::vector<std::string> kEventChannels{"trade", "aggTrade", "kline_1m", "markPrice@1s"};

std::string lowered(std::string text) {
  return SymbolUnderTest::to_lower(std::move(text));
}

// Every event channel of `symbol` in metrics.json's channel_streams, `check` applied to each.
bool every_channel_is(const RecorderRun& run, const std::string& symbol,
                      const std::function<bool(const rapidjson::Value&)>& check) {
  const auto metrics = read_metrics(run.metrics_path());
  if (!metrics) return false;
  for (const std::string& channel : kEventChannels) {
    const rapidjson::Value* entry = channel_stream_entry(*metrics, lowered(symbol) + "@" + channel);
    if (entry == nullptr || !check(*entry)) return false;
  }
  return true;
}

bool has_frames(const rapidjson::Value& entry) {
  return u64(entry, "frames") > 0;
}

// The routes ("public", "market") of depthsim's open connections that carry `stream`.
std::set<std::string> routes_carrying(const rapidjson::Document& stats, const std::string& stream) {
  std::set<std::string> routes;
  for (const auto& connection : stats["connections"].GetArray()) {
    if (!connection["open"].GetBool()) continue;
    for (const auto& name : connection["streams"].GetArray()) {
      if (name.GetString() == stream) routes.insert(str(connection, "route"));
    }
  }
  return routes;
}

TEST(EngineFollowChannels, ListedSymbolsGetEveryChannelOnItsRouteAndDelistedOnesEnd) {
  Simulator sim(usdm_sim("64", 2, {"--trade-every", "2"}));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  ASSERT_EQ(first.size(), 2u);
  RecorderRun run =
      start_recorder(sim, {"--symbols", "ALL", "--streams",
                           "depth@100ms,bookTicker,trade,aggTrade,kline_1m,markPrice@1s",
                           "--print-interval", "1", "--exchange-info-interval-sec", "1"});
  for (const std::string& symbol : first) {
    ASSERT_TRUE(wait_until([&] { return every_channel_is(run, symbol, has_frames); },
                           std::chrono::seconds(30)))
        << symbol << " " << log_text(run);
  }
  const std::string delisted = first[1];
  ASSERT_TRUE(sim.get(std::string("/sim/list?symbol=") + kListedSymbol));
  ASSERT_TRUE(sim.get("/sim/delist?symbol=" + delisted));
  ASSERT_TRUE(wait_until([&] { return every_channel_is(run, kListedSymbol, has_frames); },
                         std::chrono::seconds(30)))
      << log_text(run);
  ASSERT_TRUE(wait_until(
      [&] {
        return every_channel_is(run, delisted, [](const rapidjson::Value& entry) {
          return str(entry, "state") == "removed";
        });
      },
      std::chrono::seconds(30)))
      << log_text(run);

  // Generation paused: every trade and aggTrade depthsim sent the listing is recorded.
  ASSERT_TRUE(sim.get("/sim/pause"));
  const auto counted = [&] {
    const rapidjson::Document stats = sim_symbol_stats(sim, kListedSymbol);
    if (!stats.IsObject() || !stats.HasMember("symbol")) return false;
    const auto metrics = read_metrics(run.metrics_path());
    if (!metrics) return false;
    const auto* trade = channel_stream_entry(*metrics, lowered(kListedSymbol) + "@trade");
    const auto* agg = channel_stream_entry(*metrics, lowered(kListedSymbol) + "@aggTrade");
    return trade && agg && u64(stats["symbol"], "trade_events_sent") > 0 &&
           u64(*trade, "events") == u64(stats["symbol"], "trade_events_sent") &&
           u64(*agg, "events") == u64(stats["symbol"], "agg_trade_events_sent");
  };
  EXPECT_TRUE(wait_until(counted, std::chrono::seconds(30))) << log_text(run);

  const rapidjson::Document stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  const std::string listed = lowered(kListedSymbol);
  EXPECT_EQ(routes_carrying(stats, listed + "@depth@100ms"), std::set<std::string>{"public"});
  EXPECT_EQ(routes_carrying(stats, listed + "@bookTicker"), std::set<std::string>{"public"});
  for (const char* channel : {"@aggTrade", "@kline_1m", "@markPrice@1s"})
    EXPECT_EQ(routes_carrying(stats, listed + channel), std::set<std::string>{"market"}) << channel;
  for (const std::string& channel : kEventChannels)
    EXPECT_TRUE(routes_carrying(stats, lowered(delisted) + "@" + channel).empty())
        << "unsubscribed: " << channel;
  EXPECT_EQ(u64(stats["limits"], "route_silent_streams"), 0u);

  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 0u);
  for (const std::string& channel : kEventChannels) {
    const auto* kept = channel_stream_entry(*metrics, lowered(first[0]) + "@" + channel);
    ASSERT_NE(kept, nullptr) << channel;
    EXPECT_EQ(str(*kept, "state"), "recording") << channel;
    EXPECT_EQ(u64(*kept, "gaps"), 0u) << channel;
  }
  // The delisting's UNSUBSCRIBE names its channels (the `connections` stream's records).
  std::set<std::string> unsubscribed;
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  for (const rapidjson::Document* record : records_of_type(records, "subscription")) {
    if (str(*record, "action") != "unsubscribe") continue;
    for (const auto& name : (*record)["streams"].GetArray()) unsubscribed.insert(name.GetString());
  }
  for (const std::string& channel : kEventChannels)
    EXPECT_EQ(unsubscribed.count(lowered(delisted) + "@" + channel), 1u) << channel;
  EXPECT_EQ(run_replay({run.data_dir()}).exit_code, 0);
}

}  // namespace
}  // namespace itest::engine_follow_channels_e2e_test
