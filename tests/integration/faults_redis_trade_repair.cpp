// --repair-trades with the Redis sink (--redis) against a real redis-server the test starts (Unix
// socket in a temporary directory, stopped by its pid): depthsim drops aggTrade ids of ETHUSDT
// (trade_gap faults: one gap of 3 ids, one of 1), the recorder fetches them from REST after it
// already received the live trades that follow each gap. Every aggTrade the files hold (live or
// repaired) must be in the Redis stream exactly once, in id order (entry id <a>-0), and each
// id_gap entry is followed by the repaired trades of its range and then its gap_fill entry.
// Also two recorders, only one of which had the gaps. 600 events at 150/s: a few seconds each.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "faults_support.hpp"
#include "redis_e2e_support.hpp"
#include "trades_e2e_support.hpp"

namespace itest::faults_redis_trade_repair {
namespace {

const std::string kAggKey = "depthrec:usdm:ETHUSDT:aggTrade";
// Three events' trades in a row (one aggTrade id each: a gap of 3 ids), then one more.
const std::vector<std::string> kGapFaults{
    "--fault", "trade_gap@150:1/ETHUSDT", "--fault", "trade_gap@151:2/ETHUSDT",
    "--fault", "trade_gap@152:1/ETHUSDT", "--fault", "trade_gap@400:1/ETHUSDT"};

// The aggTrade ids of ethusdt@aggTrade in the files (live and REST), and how many came from REST.
struct RecordedTrades {
  std::set<std::uint64_t> ids;
  std::uint64_t rest = 0;
};
RecordedTrades recorded_agg_trades(const std::string& data_dir) {
  RecordedTrades out;
  for (const rapidjson::Document& record : read_records(data_dir)) {
    if (str(record, "stream") != "ethusdt@aggTrade" || str(record, "type") != "aggTrade") continue;
    EXPECT_TRUE(out.ids.insert(u64(record, "id")).second) << u64(record, "id") << " twice";
    out.rest += record.HasMember("source");
  }
  return out;
}

std::uint64_t field_u64(const RedisServer::Entry& entry, const std::string& name) {
  const auto it = entry.fields.find(name);
  return it == entry.fields.end() ? 0 : std::stoull(it->second);
}

// A gap or gap_fill entry's own record (its `data`).
rapidjson::Document data_of(const RedisServer::Entry& entry) {
  rapidjson::Document doc;
  doc.Parse(entry.fields.at("data").c_str());
  return doc;
}

TEST(FaultRedisTradeRepair, RepairedAggTradesReachRedisOnceInIdOrderBetweenGapAndGapFill) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "ETHUSDT"}, "45", kGapFaults));
  RecorderRun run =
      start_trades_recorder(sim, "usdm", "ETHUSDT", {"--repair-trades", "--redis", redis.url()});
  const auto metrics =
      record_until_every_trade_counted(sim, run, {"ETHUSDT"}, [](const rapidjson::Document& m) {
        const rapidjson::Value* agg = channel_stream_entry(m, "ethusdt@aggTrade");
        return agg != nullptr && agg->HasMember("repairs") && u64((*agg)["repairs"], "filled") == 2;
      });
  ASSERT_TRUE(metrics);
  const RecordedTrades recorded = recorded_agg_trades(run.data_dir());
  ASSERT_EQ(recorded.rest, 4u) << "the two gaps (4 ids) were repaired from REST";

  const std::vector<RedisServer::Entry> entries = redis.entries(kAggKey);
  std::vector<std::uint64_t> published;
  std::vector<std::size_t> gap_at, fill_at;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& type = entries[i].fields.at("type");
    if (type == "aggTrade") {
      published.push_back(field_u64(entries[i], "a"));
      EXPECT_EQ(entries[i].id, entries[i].fields.at("a") + "-0") << "the id is the aggTrade id";
    }
    if (type == "gap") gap_at.push_back(i);
    if (type == "gap_fill") fill_at.push_back(i);
  }
  EXPECT_TRUE(std::is_sorted(published.begin(), published.end())) << "aggTrade id order";
  EXPECT_EQ(std::set<std::uint64_t>(published.begin(), published.end()).size(), published.size())
      << "no trade twice";
  EXPECT_EQ(std::set<std::uint64_t>(published.begin(), published.end()), recorded.ids)
      << "every trade the files hold, live or repaired, is in Redis";

  // Each id_gap entry, then exactly the trades of its range, then its gap_fill (filled).
  ASSERT_EQ(gap_at.size(), 2u);
  ASSERT_EQ(fill_at.size(), 2u);
  for (std::size_t g = 0; g < gap_at.size(); ++g) {
    const rapidjson::Document gap = data_of(entries[gap_at[g]]);
    const rapidjson::Document fill = data_of(entries[fill_at[g]]);
    ASSERT_EQ(str(gap, "reason"), "id_gap");
    EXPECT_EQ(str(fill, "status"), "filled");
    EXPECT_EQ(u64(fill, "from"), u64(gap, "from"));
    EXPECT_EQ(u64(fill, "to"), u64(gap, "to"));
    ASSERT_LT(gap_at[g], fill_at[g]);
    std::vector<std::uint64_t> between;
    for (std::size_t i = gap_at[g] + 1; i < fill_at[g]; ++i)
      between.push_back(field_u64(entries[i], "a"));
    std::vector<std::uint64_t> range;
    for (std::uint64_t id = u64(gap, "from"); id <= u64(gap, "to"); ++id) range.push_back(id);
    EXPECT_EQ(between, range) << "the repaired trades sit between the gap and its gap_fill";
    ASSERT_LT(fill_at[g] + 1, entries.size());
    EXPECT_EQ(field_u64(entries[fill_at[g] + 1], "a"), u64(gap, "to") + 1)
        << "the live trades held meanwhile follow the gap_fill";
  }
  EXPECT_EQ(metric_at(*metrics, {"redis", "duplicates_suppressed"}), 0u);
  EXPECT_EQ(metric_at(*metrics, {"redis", "dropped"}), 0u);
  EXPECT_GT(metric_at(*metrics, {"redis", "repair_hold", "lines_held"}), 0u);
  EXPECT_EQ(metric_at(*metrics, {"redis", "repair_hold", "gaps_released"}), 2u);
  EXPECT_EQ(metric_at(*metrics, {"redis", "repair_hold", "gaps_given_up"}), 0u);
  EXPECT_EQ(metric_at(*metrics, {"redis", "repair_hold", "holding"}), 0u);

  // depthrec-replay --to-redis of the recording into an empty Redis gives the same stream: the
  // same entries, ids and data; into the live one it finds every entry present.
  RedisServer replayed;
  for (RedisServer* target : {&replayed, &redis}) {
    ChildProcess replay(binary("depthrec-replay"), {"--to-redis", target->url(), run.data_dir()},
                        make_temp_dir("redis-trade-repair-replay") + "/output.txt");
    const auto code = replay.wait_exit(std::chrono::seconds(60));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0) << replay.output();
    const std::vector<RedisServer::Entry> again = target->entries(kAggKey);
    ASSERT_EQ(again.size(), entries.size()) << replay.output();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(again[i].id, entries[i].id) << "entry " << i;
      EXPECT_EQ(again[i].fields.at("data"), entries[i].fields.at("data")) << "entry " << i;
    }
  }
  report_figure("--repair-trades + --redis: aggTrades in Redis (each once, in id order) / REST",
                std::to_string(published.size()) + " / " + std::to_string(recorded.rest));
}

// Two recorders on one Redis, only one of which had the gaps: two depthsims with the same seed
// send the same trades, one of them without the trade_gap faults' ids. Whichever recorder comes
// first, every id is in Redis once, in order: the recorder that had no gap supplies the missing
// ids live or the other's repair does.
TEST(FaultRedisTradeRepair, TwoRecordersOnlyOneWithTheGapsPublishEveryTradeOnce) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  Simulator gapped(engine_sim_args({"--market", "usdm", "--symbols", "ETHUSDT"}, "45", kGapFaults));
  Simulator whole(engine_sim_args({"--market", "usdm", "--symbols", "ETHUSDT"}, "45"));
  const std::vector<std::string> flags{"--repair-trades", "--redis", redis.url()};
  RecorderRun first = start_trades_recorder(gapped, "usdm", "ETHUSDT", flags);
  RecorderRun second = start_trades_recorder(whole, "usdm", "ETHUSDT", flags);
  const auto first_metrics = record_until_every_trade_counted(
      gapped, first, {"ETHUSDT"}, [](const rapidjson::Document& m) {
        const rapidjson::Value* agg = channel_stream_entry(m, "ethusdt@aggTrade");
        return agg != nullptr && agg->HasMember("repairs") && u64((*agg)["repairs"], "filled") == 2;
      });
  const auto second_metrics = record_until_every_trade_counted(whole, second, {"ETHUSDT"});
  ASSERT_TRUE(first_metrics && second_metrics);
  const RecordedTrades with_gaps = recorded_agg_trades(first.data_dir());
  const RecordedTrades without = recorded_agg_trades(second.data_dir());
  EXPECT_EQ(with_gaps.rest, 4u);
  EXPECT_EQ(without.rest, 0u);
  // Each recorder's first trade depends on when its subscription landed: the union is the truth.
  std::set<std::uint64_t> all = with_gaps.ids;
  all.insert(without.ids.begin(), without.ids.end());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.size(), *all.rbegin() - *all.begin() + 1) << "no id missing in either route";

  std::vector<std::uint64_t> published;
  for (const RedisServer::Entry& entry : redis.entries(kAggKey))
    if (entry.fields.at("type") == "aggTrade") published.push_back(field_u64(entry, "a"));
  EXPECT_TRUE(std::is_sorted(published.begin(), published.end())) << "aggTrade id order";
  EXPECT_EQ(std::set<std::uint64_t>(published.begin(), published.end()).size(), published.size())
      << "no trade twice";
  // From the first id published on: the recorder that came first set the stream's start, and the
  // other's earlier trades are below it (refused, as any copy; the gaps are far later).
  ASSERT_FALSE(published.empty());
  all.erase(all.begin(), all.lower_bound(published.front()));
  EXPECT_EQ(std::set<std::uint64_t>(published.begin(), published.end()), all);
  const std::uint64_t duplicates = metric_at(*first_metrics, {"redis", "duplicates_suppressed"}) +
                                   metric_at(*second_metrics, {"redis", "duplicates_suppressed"});
  EXPECT_GT(duplicates, 0u) << "the later copies were refused by Redis";
  report_figure(
      "two recorders, one with 2 aggTrade gaps: trades in Redis (each once) / copies "
      "refused",
      std::to_string(published.size()) + " / " + std::to_string(duplicates));
}

}  // namespace
}  // namespace itest::faults_redis_trade_repair
