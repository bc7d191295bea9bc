// What the trade-channel fault tests share (faults_trades.cpp, faults_trade_repair.cpp): depthsim's
// count of a symbol's trades, a recorder of depth, trade and aggTrade, and the recorded ids.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"

namespace itest {

inline const std::vector<std::string> kSymbols{"BTCUSDT", "ETHUSDT", "SOLUSDT"};

struct TradeTruth {
  std::uint64_t trades_sent = 0, agg_sent = 0, events_generated = 0;
};

inline TradeTruth truth_of(const Simulator& sim, const std::string& symbol) {
  TradeTruth truth;
  const rapidjson::Document doc = sim_symbol_stats(sim, symbol);
  if (!doc.IsObject() || !doc.HasMember("symbol")) return truth;
  truth.trades_sent = u64(doc["symbol"], "trade_events_sent");
  truth.agg_sent = u64(doc["symbol"], "agg_trade_events_sent");
  truth.events_generated = u64(doc["symbol"], "events_generated");
  return truth;
}

inline std::string lower(std::string text) {
  return SymbolUnderTest::to_lower(std::move(text));
}

// Runs depthrec on the three symbols with depth@100ms,trade,aggTrade until depthsim generated
// kEngineEvents per symbol and metrics.json counts every trade and aggTrade sent (and `also`
// holds of it, when given); `before_stop` runs then, the recorder still running. Returns the
// final metrics (and the run, stopped, for its records).
inline std::optional<rapidjson::Document> record_until_every_trade_counted(
    const Simulator& sim, RecorderRun& run, const std::vector<std::string>& symbols = kSymbols,
    const std::function<bool(const rapidjson::Document&)>& also = {},
    const std::function<void()>& before_stop = {}) {
  const bool counted = wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics) return false;
        for (const std::string& symbol : symbols) {
          const TradeTruth truth = truth_of(sim, symbol);
          if (truth.events_generated < kEngineEvents) return false;
          const auto* trade = channel_stream_entry(*metrics, lower(symbol) + "@trade");
          const auto* agg = channel_stream_entry(*metrics, lower(symbol) + "@aggTrade");
          if (!trade || !agg || u64(*trade, "frames") < truth.trades_sent ||
              u64(*agg, "frames") < truth.agg_sent)
            return false;
        }
        return !also || also(*metrics);
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(counted) << run.process->output();
  if (before_stop) before_stop();
  stop_recorder(run);
  return read_metrics(run.metrics_path());
}

inline RecorderRun start_trades_recorder(const Simulator& sim, const std::string& market = "usdm",
                                         const std::string& symbols = "BTCUSDT,ETHUSDT,SOLUSDT",
                                         const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{
      "--symbols",        symbols, "--market", market, "--streams", "depth@100ms,trade,aggTrade",
      "--print-interval", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_recorder(sim, args);
}

// Records of `type` per stream, and the ids in order.
inline std::map<std::string, std::vector<std::uint64_t>> ids_by_stream(
    const std::vector<rapidjson::Document>& records, const std::string& type) {
  std::map<std::string, std::vector<std::uint64_t>> ids;
  for (const rapidjson::Document& record : records) {
    if (str(record, "type") == type) ids[str(record, "stream")].push_back(u64(record, "id"));
  }
  return ids;
}

}  // namespace itest
