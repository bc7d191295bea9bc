// Fault matrix, trade channels (issue 13): depthrec records depth, trade and aggTrade of three
// USD-M symbols from depthsim; every trade and aggTrade depthsim sent is recorded once, aggTrade
// rides on /market connections only (never on a /public one); an injected trade-id gap
// (trade_gap) is one `gap` record per stream with the right range and counter, and the stream
// goes on.
#include <gtest/gtest.h>

#include <rapidjson/writer.h>

#include <fstream>
#include <map>
#include <tuple>

#include "trades_e2e_support.hpp"

namespace itest::faults_trades {
namespace {

struct TradeTally {
  std::uint64_t sent = 0, recorded = 0;
};

// Every trade and aggTrade depthsim sent of `symbols` recorded once, ids consecutive per stream,
// and metrics.json's entry of each stream without gaps or parse errors.
TradeTally expect_every_trade_recorded_once(const Simulator& sim,
                                            const std::vector<rapidjson::Document>& records,
                                            const rapidjson::Document& metrics,
                                            const std::vector<std::string>& symbols) {
  TradeTally tally;
  const auto trades = ids_by_stream(records, "trade");
  const auto aggs = ids_by_stream(records, "aggTrade");
  for (const std::string& symbol : symbols) {
    const TradeTruth truth = truth_of(sim, symbol);
    EXPECT_GT(truth.trades_sent, 0u) << symbol;
    for (const auto& [ids, stream, sent] :
         {std::make_tuple(&trades, lower(symbol) + "@trade", truth.trades_sent),
          std::make_tuple(&aggs, lower(symbol) + "@aggTrade", truth.agg_sent)}) {
      const auto found = ids->find(stream);
      const std::vector<std::uint64_t> none;
      const std::vector<std::uint64_t>& list = found == ids->end() ? none : found->second;
      EXPECT_EQ(list.size(), sent) << stream << ": every event sent recorded once";
      for (std::size_t i = 1; i < list.size(); ++i) EXPECT_EQ(list[i], list[i - 1] + 1) << stream;
      const rapidjson::Value* entry = channel_stream_entry(metrics, stream);
      EXPECT_NE(entry, nullptr) << stream;
      if (entry != nullptr) {
        EXPECT_EQ(u64(*entry, "gaps"), 0u) << stream;
        EXPECT_EQ(u64((*entry)["parse_errors"], "total"), 0u) << stream;
      }
      tally.sent += sent;
      tally.recorded += list.size();
    }
  }
  return tally;
}

TEST(FaultTrades, EveryTradeAndAggTradeSentIsRecordedAndAggTradeRidesOnMarketOnly) {
  Simulator sim(
      engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT"}, "41"));
  RecorderRun run = start_trades_recorder(sim);
  const auto metrics = record_until_every_trade_counted(sim, run);
  ASSERT_TRUE(metrics);

  const TradeTally tally =
      expect_every_trade_recorded_once(sim, read_records(run.data_dir()), *metrics, kSymbols);
  EXPECT_EQ(u64((*metrics)["channels"]["trade"], "streams"), 3u);
  EXPECT_EQ(u64((*metrics)["channels"]["aggTrade"], "gaps"), 0u);

  // Routes: aggTrade on /market connections only; depth and trade never on one.
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  std::size_t market_connections = 0;
  for (const auto& connection : stats["connections"].GetArray()) {
    const std::string route = str(connection, "route");
    for (const auto& stream : connection["streams"].GetArray()) {
      const std::string name = stream.GetString();
      const bool agg = name.find("@aggTrade") != std::string::npos;
      EXPECT_EQ(agg, route == "market") << name << " on a " << route << " connection";
    }
    market_connections += route == "market";
    EXPECT_EQ(u64(connection, "silent_streams"), 0u) << str(connection, "resource");
  }
  EXPECT_EQ(market_connections, 1u);

  const auto replay = run_replay({run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << "depthrec-replay reads the recording with trade channels";
  report_figure("trade+aggTrade events sent / recorded (3 USD-M symbols)",
                std::to_string(tally.sent) + " / " + std::to_string(tally.recorded));
  report_figure("connections /public + /market",
                std::to_string(stats["connections"].Size() - market_connections) + " + " +
                    std::to_string(market_connections));
}

TEST(FaultTrades, AnInjectedTradeIdGapIsOneGapRecordPerStreamWithItsRange) {
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT"}, "42",
                                {"--fault", "trade_gap@200:4/ETHUSDT"}));
  RecorderRun run = start_trades_recorder(sim);
  const auto metrics = record_until_every_trade_counted(sim, run);
  ASSERT_TRUE(metrics);

  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  std::map<std::string, std::vector<const rapidjson::Document*>> gaps;
  for (const rapidjson::Document& record : records) {
    if (str(record, "type") == "gap" && str(record, "reason") == "id_gap")
      gaps[str(record, "stream")].push_back(&record);
  }
  ASSERT_EQ(gaps.size(), 2u) << "only ETHUSDT's trade and aggTrade streams";
  const auto& trade_gaps = gaps["ethusdt@trade"];
  const auto& agg_gaps = gaps["ethusdt@aggTrade"];
  ASSERT_EQ(trade_gaps.size(), 1u);
  ASSERT_EQ(agg_gaps.size(), 1u);
  const rapidjson::Document& trade_gap = *trade_gaps.front();
  EXPECT_EQ(u64(trade_gap, "missing"), 4u);
  EXPECT_EQ(u64(trade_gap, "to") - u64(trade_gap, "from") + 1, 4u);
  EXPECT_EQ(u64(trade_gap, "from"), u64(trade_gap, "last_id") + 1);
  EXPECT_EQ(u64(trade_gap, "got_id"), u64(trade_gap, "to") + 1);
  EXPECT_EQ(u64(*agg_gaps.front(), "missing"), 1u);

  const rapidjson::Value* trade = channel_stream_entry(*metrics, "ethusdt@trade");
  const rapidjson::Value* agg = channel_stream_entry(*metrics, "ethusdt@aggTrade");
  ASSERT_TRUE(trade && agg);
  EXPECT_EQ(u64(*trade, "gaps"), 1u);
  EXPECT_EQ(u64(*trade, "missing_ids"), 4u);
  EXPECT_EQ(u64(*agg, "gaps"), 1u);
  EXPECT_EQ(u64(*agg, "missing_ids"), 1u);
  // The stream went on: every one sent after the gap recorded too.
  const TradeTruth truth = truth_of(sim, "ETHUSDT");
  EXPECT_EQ(u64(*trade, "events"), truth.trades_sent);
  EXPECT_EQ(u64(*agg, "events"), truth.agg_sent);
  EXPECT_EQ(u64((*metrics)["channels"]["trade"], "gaps"), 1u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u) << "the books did not break";

  // depthrec-replay checks the ids of every trade/aggTrade stream: the gap is marked, exit 0.
  const auto replay = run_replay({run.data_dir()});
  ASSERT_TRUE(replay.json.IsObject());
  EXPECT_EQ(replay.exit_code, 0);
  std::uint64_t replay_marked = 0, replay_missing = 0;
  for (const auto& t : replay.json["trade_streams"].GetArray()) {
    EXPECT_TRUE(t["consistent"].GetBool()) << str(t, "stream");
    replay_marked += u64(t, "marked_gaps");
    replay_missing += u64(t, "missing_ids");
  }
  EXPECT_EQ(replay.json["trade_streams"].Size(), 6u);
  EXPECT_EQ(replay_marked, 2u);
  // Without --repair-trades the gaps stay marked: no REST trade, no gap_fill, both unfilled.
  for (const rapidjson::Document& record : records) {
    EXPECT_NE(str(record, "type"), "gap_fill");
    EXPECT_FALSE(record.HasMember("source")) << str(record, "stream");
  }
  EXPECT_EQ(u64((*agg)["repairs"], "requested"), 0u);
  std::uint64_t replay_unfilled = 0;
  for (const auto& t : replay.json["trade_streams"].GetArray())
    replay_unfilled += u64(t, "unfilled_gaps");
  EXPECT_EQ(replay_unfilled, 2u);
  EXPECT_EQ(replay_missing, 5u);
  // The same recording with the id_gap records taken out: the jumps are unmarked, exit 1.
  const std::string unmarked = run.dir + "/unmarked.ndjson";
  {
    std::ofstream out(unmarked);
    for (const rapidjson::Document& record : records) {
      if (str(record, "type") == "gap" && str(record, "reason") == "id_gap") continue;
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      record.Accept(writer);
      out << buffer.GetString() << "\n";
    }
  }
  const auto unmarked_replay = run_replay({unmarked});
  ASSERT_TRUE(unmarked_replay.json.IsObject());
  EXPECT_EQ(unmarked_replay.exit_code, 1) << "a trade id gap no record marks fails the recording";
  std::uint64_t unmarked_gaps = 0;
  for (const auto& t : unmarked_replay.json["trade_streams"].GetArray())
    unmarked_gaps += u64(t, "unmarked_gaps");
  EXPECT_EQ(unmarked_gaps, 2u);
  report_figure("depthrec-replay trade id check: marked gaps (ids) / unmarked without gap records",
                std::to_string(replay_marked) + " (" + std::to_string(replay_missing) + ") / " +
                    std::to_string(unmarked_gaps));

  report_figure(
      "trade_gap@200:4 on ETHUSDT: trade gap records / missing ids",
      std::to_string(trade_gaps.size()) + " / " + std::to_string(u64(*trade, "missing_ids")));
  report_figure("trade_gap@200:4 on ETHUSDT: aggTrade gap records / missing ids",
                std::to_string(agg_gaps.size()) + " / " + std::to_string(u64(*agg, "missing_ids")));
}

// Spot is not routed: a symbol's depth, trade and aggTrade share one connection; every trade and
// aggTrade sent is recorded once, in spot's payload shape (T after q, "M").
TEST(FaultTrades, SpotDepthTradeAndAggTradeShareOneConnection) {
  const std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  Simulator sim(engine_sim_args({"--market", "spot", "--symbols", "BTCUSDT,ETHUSDT"}, "43"));
  RecorderRun run = start_trades_recorder(sim, "spot", "BTCUSDT,ETHUSDT");
  const auto metrics = record_until_every_trade_counted(sim, run, symbols);
  ASSERT_TRUE(metrics);
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  const TradeTally tally = expect_every_trade_recorded_once(sim, records, *metrics, symbols);
  for (const rapidjson::Document& record : records) {
    if (str(record, "type") == "trade") {
      EXPECT_TRUE(record["data"].HasMember("M")) << "spot's trade payload, as received";
      break;
    }
  }
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 1u);
  EXPECT_EQ(run_replay({run.data_dir()}).exit_code, 0);
  report_figure("spot, 2 symbols: trade+aggTrade sent / recorded, connections",
                std::to_string(tally.sent) + " / " + std::to_string(tally.recorded) + ", " +
                    std::to_string(stats["connections"].Size()));
}

// Make-before-break rollovers of every connection (--max-connection-age-sec 1.5): the /market
// connection carries only aggTrade streams (no book to join), so its successor takes over at once;
// trades both connections were sent are recorded once and no id is lost.
TEST(FaultTrades, RolloversLoseNoTradeIdAndRecordNoneTwice) {
  Simulator sim(
      engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT"}, "44"));
  RecorderRun run = start_trades_recorder(sim, "usdm", "BTCUSDT,ETHUSDT,SOLUSDT",
                                          {"--max-connection-age-sec", "1.5"});
  const bool generated = wait_until(
      [&] {
        for (const std::string& symbol : kSymbols) {
          if (truth_of(sim, symbol).events_generated < kEngineEvents) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(generated);
  // Every id generated up to the last one recorded (what is still in flight may not be).
  std::map<std::string, std::uint64_t> last_generated;
  for (const std::string& symbol : kSymbols) {
    const auto text = sim.get("/sim/stats?symbol=" + symbol);
    rapidjson::Document doc;
    if (text) doc.Parse(text->c_str());
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("symbol"));
    last_generated[lower(symbol) + "@trade"] = u64(doc["symbol"], "last_trade_id");
    last_generated[lower(symbol) + "@aggTrade"] = u64(doc["symbol"], "last_agg_trade_id");
  }
  const bool caught_up = wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics || !metrics->HasMember("channel_streams")) return false;
        for (const auto& [stream, last] : last_generated) {
          const rapidjson::Value* entry = channel_stream_entry(*metrics, stream);
          if (!entry || !(*entry)["last_id"].IsUint64() || u64(*entry, "last_id") != last)
            return false;
        }
        return true;
      },
      std::chrono::seconds(30));
  EXPECT_TRUE(caught_up) << run.process->output();
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  std::uint64_t duplicates = 0, recorded = 0;
  for (const auto& ids : {ids_by_stream(records, "trade"), ids_by_stream(records, "aggTrade")}) {
    for (const auto& [stream, list] : ids) {
      ASSERT_FALSE(list.empty()) << stream;
      for (std::size_t i = 1; i < list.size(); ++i)
        ASSERT_EQ(list[i], list[i - 1] + 1) << stream << ": no id lost, none twice";
      EXPECT_EQ(list.back(), last_generated[stream]) << stream;
      const rapidjson::Value* entry = channel_stream_entry(*metrics, stream);
      ASSERT_NE(entry, nullptr) << stream;
      EXPECT_EQ(u64(*entry, "gaps"), 0u) << stream;
      duplicates += u64(*entry, "duplicates") + u64(*entry, "backwards");
      recorded += list.size();
    }
  }
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  std::size_t market_connections = 0;
  for (const auto& connection : stats["connections"].GetArray())
    market_connections += str(connection, "route") == "market";
  EXPECT_GE(market_connections, 2u) << "the /market connection rolled over at least once";
  report_figure(
      "rollovers at 1.5 s: /market connections / trade+aggTrade recorded / overlap not "
      "recorded twice",
      std::to_string(market_connections) + " / " + std::to_string(recorded) + " / " +
          std::to_string(duplicates));
}

}  // namespace
}  // namespace itest::faults_trades
