// Fault matrix, futures market events (issue 13): depthrec records depth, markPrice@1s and
// forceOrder of two USD-M symbols from depthsim. Every markPrice and forceOrder depthsim sent is
// recorded once, event times advancing (forceOrder, a snapshot stream, at most one a second per
// symbol); the mark price follows the book's mid (it changes over the run); both ride on the
// /market connection only.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "engine_e2e_support.hpp"

namespace itest::faults_market_events {
namespace {

// At 300/s: 5 s, five markPrice@1s and up to five forceOrder snapshots per symbol.
constexpr std::uint64_t kEvents = 1500;
const std::vector<std::string> kSymbols{"BTCUSDT", "ETHUSDT"};

std::string lower(std::string text) {
  return SymbolUnderTest::to_lower(std::move(text));
}

TEST(FaultMarketEvents, EveryMarkPriceAndForceOrderSentIsRecordedOnMarketConnections) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "300", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "71"});
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT", "--market", "usdm", "--streams",
                           "depth@100ms,markPrice@1s,forceOrder", "--print-interval", "1"});
  const bool counted = wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics) return false;
        for (const std::string& symbol : kSymbols) {
          const rapidjson::Document stats = sim_symbol_stats(sim, symbol);
          if (!stats.IsObject() || !stats.HasMember("symbol")) return false;
          const rapidjson::Value& s = stats["symbol"];
          if (u64(s, "events_generated") < kEvents) return false;
          const auto* mark = channel_stream_entry(*metrics, lower(symbol) + "@markPrice@1s");
          const auto* force = channel_stream_entry(*metrics, lower(symbol) + "@forceOrder");
          if (!mark || !force || u64(*mark, "frames") < u64(s, "mark_price_events_sent") ||
              u64(*force, "frames") < u64(s, "force_order_events_sent"))
            return false;
        }
        return true;
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(counted) << run.process->output();
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  std::map<std::string, std::vector<const rapidjson::Document*>> by_stream;
  for (const rapidjson::Document& record : records) {
    const std::string type = str(record, "type");
    if (type == "markPrice" || type == "forceOrder")
      by_stream[str(record, "stream")].push_back(&record);
  }
  std::uint64_t marks = 0, forces = 0;
  for (const std::string& symbol : kSymbols) {
    const rapidjson::Document stats = sim_symbol_stats(sim, symbol);
    const std::string mark_stream = lower(symbol) + "@markPrice@1s";
    const std::string force_stream = lower(symbol) + "@forceOrder";
    const auto& mark = by_stream[mark_stream];
    const auto& force = by_stream[force_stream];
    EXPECT_EQ(mark.size(), u64(stats["symbol"], "mark_price_events_sent")) << mark_stream;
    EXPECT_EQ(force.size(), u64(stats["symbol"], "force_order_events_sent")) << force_stream;
    EXPECT_GE(mark.size(), 3u) << mark_stream;
    EXPECT_GE(force.size(), 3u) << force_stream;
    for (std::size_t i = 1; i < force.size(); ++i)
      EXPECT_GE((*force[i])["E"].GetInt64() - (*force[i - 1])["E"].GetInt64(), 1000)
          << force_stream << ": one liquidation snapshot a second at most";
    std::set<std::string> prices;
    for (const auto& list : {mark, force}) {
      for (std::size_t i = 1; i < list.size(); ++i)
        EXPECT_GT((*list[i])["E"].GetInt64(), (*list[i - 1])["E"].GetInt64()) << "E advances";
    }
    for (const rapidjson::Document* record : mark) {
      EXPECT_EQ(u64(*record, "id"), u64(*record, "E"));
      prices.insert((*record)["data"]["p"].GetString());
    }
    EXPECT_GE(prices.size(), 2u) << mark_stream << ": the mark price moves with the mid";
    for (const std::string& stream : {mark_stream, force_stream}) {
      const rapidjson::Value* entry = channel_stream_entry(*metrics, stream);
      ASSERT_NE(entry, nullptr) << stream;
      EXPECT_EQ(u64(*entry, "gaps"), 0u);
      EXPECT_EQ(u64(*entry, "duplicates") + u64(*entry, "backwards"), 0u);
      EXPECT_EQ(u64((*entry)["parse_errors"], "total"), 0u);
    }
    marks += mark.size();
    forces += force.size();
  }
  // Routes: markPrice and forceOrder on /market connections only.
  const auto sim_stats = sim.stats();
  ASSERT_TRUE(sim_stats.IsObject());
  for (const auto& connection : sim_stats["connections"].GetArray()) {
    const std::string route = str(connection, "route");
    for (const auto& stream : connection["streams"].GetArray()) {
      const std::string name = stream.GetString();
      const bool market_stream = name.find("@markPrice") != std::string::npos ||
                                 name.find("@forceOrder") != std::string::npos;
      EXPECT_EQ(market_stream, route == "market") << name << " on a " << route << " connection";
    }
    EXPECT_EQ(u64(connection, "silent_streams"), 0u);
  }
  report_figure("markPrice@1s / forceOrder events sent = recorded (2 USD-M symbols)",
                std::to_string(marks) + " / " + std::to_string(forces));
}

}  // namespace
}  // namespace itest::faults_market_events
