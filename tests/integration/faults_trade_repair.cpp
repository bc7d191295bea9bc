// Fault matrix, --repair-trades (issue 13 item 2): depthsim drops aggTrade ids of ETHUSDT from its
// stream (trade_gap faults: one gap of 3 ids, one of 1) and answers the aggTrades REST query from
// its history. depthrec fetches every missing id once, records it with source rest exactly as
// depthsim's REST answer holds it, closes each gap with a gap_fill record (filled), counts it in
// metrics.json and the Prometheus exposition, and depthrec-replay sees continuity restored; the
// trade stream's gaps (no REST repair without an API key) stay marked. A few hundred trades.
#include <gtest/gtest.h>

#include <set>

#include "prometheus_support.hpp"
#include "trades_e2e_support.hpp"

namespace itest::faults_trade_repair {
namespace {

const std::vector<std::string> kRepairSymbols{"BTCUSDT", "ETHUSDT"};

// The repairs of `stream` in metrics.json: requested, and ended (filled + partial + failed).
std::pair<std::uint64_t, std::uint64_t> repairs_of(const rapidjson::Document& metrics,
                                                   const std::string& stream) {
  const rapidjson::Value* entry = channel_stream_entry(metrics, stream);
  if (entry == nullptr || !entry->HasMember("repairs")) return {0, 0};
  const rapidjson::Value& r = (*entry)["repairs"];
  return {u64(r, "requested"), u64(r, "filled") + u64(r, "partial") + u64(r, "failed")};
}

TEST(FaultTradeRepair, EveryMissingAggTradeIdIsRecordedOnceFromRestAndTheReplayExitsZero) {
  Simulator sim(engine_sim_args(
      {"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT"}, "45",
      {"--fault", "trade_gap@150:1/ETHUSDT", "--fault", "trade_gap@151:2/ETHUSDT", "--fault",
       "trade_gap@152:1/ETHUSDT", "--fault", "trade_gap@400:1/ETHUSDT"}));
  RecorderRun run = start_trades_recorder(sim, "usdm", "BTCUSDT,ETHUSDT",
                                          {"--repair-trades", "--metrics-listen", "127.0.0.1:0"});
  const std::string address = wait_for_served_address(run);
  // Every trade sent counted, and both gaps' repairs over; the exposition scraped then.
  HttpResult scrape;
  const auto metrics = record_until_every_trade_counted(
      sim, run, kRepairSymbols,
      [](const rapidjson::Document& metrics) {
        const auto [requested, ended] = repairs_of(metrics, "ethusdt@aggTrade");
        return requested == 2 && ended == 2;
      },
      [&] { scrape = http(address, "/metrics"); });
  ASSERT_TRUE(metrics);

  // The records of ethusdt@aggTrade: stream ids and REST ids together are every id once.
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  std::vector<std::uint64_t> stream_ids, rest_ids;
  std::vector<const rapidjson::Document*> rest_records, fills;
  std::uint64_t trade_gaps = 0, trade_fills = 0;
  for (const rapidjson::Document& record : records) {
    const std::string stream = str(record, "stream");
    const std::string type = str(record, "type");
    if (stream == "ethusdt@trade") {
      trade_gaps += type == "gap";
      trade_fills += type == "gap_fill";
    }
    if (stream != "ethusdt@aggTrade") {
      EXPECT_FALSE(record.HasMember("source")) << stream << ": only the gapped stream repairs";
      continue;
    }
    if (type == "gap_fill") fills.push_back(&record);
    if (type != "aggTrade") continue;
    const bool rest = record.HasMember("source");
    (rest ? rest_ids : stream_ids).push_back(u64(record, "id"));
    if (rest) {
      EXPECT_EQ(str(record, "source"), "rest");
      EXPECT_TRUE(record["E"].IsNull());
      EXPECT_EQ(u64(record["data"], "a"), u64(record, "id"));
      EXPECT_EQ(u64(record, "T"), u64(record["data"], "T"));
      rest_records.push_back(&record);
    }
  }
  ASSERT_EQ(rest_ids, (std::vector<std::uint64_t>{rest_ids.front(), rest_ids.front() + 1,
                                                  rest_ids.front() + 2, rest_ids.back()}))
      << "the 3-id gap in order, then the 1-id gap";
  std::set<std::uint64_t> all(stream_ids.begin(), stream_ids.end());
  for (std::uint64_t id : rest_ids) EXPECT_TRUE(all.insert(id).second) << id << " twice";
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.size(), *all.rbegin() - *all.begin() + 1) << "no id missing";
  EXPECT_EQ(all.size(), stream_ids.size() + rest_ids.size());

  // Each REST record holds depthsim's REST answer for that id, as received.
  for (const rapidjson::Document* record : rest_records) {
    const auto answer = sim.get("/fapi/v1/aggTrades?symbol=ETHUSDT&limit=1&fromId=" +
                                std::to_string(u64(*record, "id")));
    ASSERT_TRUE(answer);
    rapidjson::Document expected;
    expected.Parse(answer->c_str());
    ASSERT_TRUE(expected.IsArray() && expected.Size() == 1u) << *answer;
    EXPECT_TRUE(expected[0] == (*record)["data"]) << *answer;
  }

  ASSERT_EQ(fills.size(), 2u);
  for (const rapidjson::Document* fill : fills) {
    EXPECT_EQ(str(*fill, "status"), "filled");
    EXPECT_EQ(u64(*fill, "filled"), u64(*fill, "missing"));
    EXPECT_EQ(u64(*fill, "requests"), 1u);
    EXPECT_TRUE((*fill)["error"].IsNull());
  }
  EXPECT_EQ(trade_gaps, 2u) << "the trade stream's gaps are marked";
  EXPECT_EQ(trade_fills, 0u) << "and never repaired (historicalTrades needs an API key)";

  const rapidjson::Value* agg = channel_stream_entry(*metrics, "ethusdt@aggTrade");
  ASSERT_NE(agg, nullptr);
  const rapidjson::Value& repairs = (*agg)["repairs"];
  EXPECT_EQ(u64(repairs, "requested"), 2u);
  EXPECT_EQ(u64(repairs, "filled"), 2u);
  EXPECT_EQ(u64(repairs, "failed") + u64(repairs, "partial"), 0u);
  EXPECT_EQ(u64(repairs, "trades"), 4u);
  EXPECT_EQ(u64(repairs, "requests"), 2u);
  EXPECT_EQ(u64(repairs, "answer_errors"), 0u);
  const rapidjson::Document eth = sim_symbol_stats(sim, "ETHUSDT");
  ASSERT_TRUE(eth.IsObject() && eth.HasMember("symbol"));
  EXPECT_EQ(u64(eth["symbol"], "agg_trades_requests"), 2u + rest_records.size())
      << "the recorder's two, and this test's own";

  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(series_value(scrape.body, "depthrec_trade_repairs_total",
                         {"symbol=\"ETHUSDT\"", "outcome=\"filled\""}),
            2.0);
  EXPECT_EQ(series_value(scrape.body, "depthrec_trade_repair_trades_total", {"symbol=\"ETHUSDT\""}),
            4.0);

  const auto replay = run_replay({run.data_dir()});
  ASSERT_TRUE(replay.json.IsObject());
  EXPECT_EQ(replay.exit_code, 0);
  for (const auto& t : replay.json["trade_streams"].GetArray()) {
    EXPECT_TRUE(t["consistent"].GetBool()) << str(t, "stream");
    if (str(t, "stream") == "ethusdt@aggTrade") {
      EXPECT_EQ(u64(t, "filled_gaps"), 2u);
      EXPECT_EQ(u64(t, "unfilled_gaps"), 0u);
      EXPECT_EQ(u64(t, "rest_trades"), 4u);
    }
    if (str(t, "stream") == "ethusdt@trade") {
      EXPECT_EQ(u64(t, "unfilled_gaps"), 2u);
    }
  }
  report_figure(
      "--repair-trades, 2 aggTrade gaps (4 ids) on ETHUSDT: filled / REST trades / "
      "requests",
      std::to_string(u64(repairs, "filled")) + " / " + std::to_string(u64(repairs, "trades")) +
          " / " + std::to_string(u64(repairs, "requests")));
}

}  // namespace
}  // namespace itest::faults_trade_repair
