// What the many-stream engine's end-to-end tests share (engine_e2e_test.cpp,
// engine_market_faults_e2e_test.cpp, engine_all_e2e_test.cpp): a symbol under test, what depthsim
// sent of it, waiting until every book is at depthsim's truth, and the checks of each stream
// against depthsim (metrics.json streams[] and depthrec-replay of the stream alone).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "e2e_support.hpp"

namespace itest {

// Events depthsim generates per symbol (--events): a number both sides know.
inline constexpr std::uint64_t kEngineEvents = 600;

// depthsim's arguments in an engine test: `symbols` (the flags naming them), 150 events/s per
// symbol, kEngineEvents each from its first subscriber on, `seed`, then `extra`.
inline std::vector<std::string> engine_sim_args(std::vector<std::string> symbols,
                                                const std::string& seed,
                                                const std::vector<std::string>& extra = {}) {
  symbols.insert(symbols.end(), {"--rate", "150", "--events", std::to_string(kEngineEvents),
                                 "--start-on-subscribe", "--seed", seed});
  symbols.insert(symbols.end(), extra.begin(), extra.end());
  return symbols;
}

// The streams[] entry of `symbol` in metrics.json (nullptr when absent).
inline const rapidjson::Value* stream_entry(const rapidjson::Document& metrics,
                                            const std::string& market, const std::string& symbol) {
  if (!metrics.HasMember("streams") || !metrics["streams"].IsArray()) return nullptr;
  for (const auto& entry : metrics["streams"].GetArray()) {
    if (str(entry, "symbol") == symbol && str(entry, "market") == market) return &entry;
  }
  return nullptr;
}

struct SymbolUnderTest {
  std::string market, symbol;
  int port = 0;                         // its market's listener (0: the simulator's first)
  std::string channel = "depth@100ms";  // as the stream name spells it
  std::string stream() const { return to_lower(symbol) + "@" + channel; }
  static std::string to_lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
};

// The events depthsim sent of `s`, over every connection that was sent it (/sim/stats?symbol=).
inline std::uint64_t events_sent(const Simulator& sim, const SymbolUnderTest& s) {
  const auto text = sim.get("/sim/stats?symbol=" + s.symbol, s.port);
  rapidjson::Document doc;
  if (text) doc.Parse(text->c_str());
  std::uint64_t sent = 0;
  if (!doc.IsObject() || !doc.HasMember("connections")) return 0;
  for (const auto& connection : doc["connections"].GetArray()) sent += u64(connection, "events");
  return sent;
}

// Waits until every symbol's book in metrics.json is synced at the simulator's last update id
// (depthsim stopped generating after `events` per symbol), then stops the recorder and returns
// the final metrics.json.
inline std::optional<rapidjson::Document> stop_once_every_book_is_at_truth(
    const Simulator& sim, RecorderRun& run, const std::vector<SymbolUnderTest>& symbols,
    std::uint64_t events = kEngineEvents) {
  std::vector<std::uint64_t> last_ids;
  const bool generated = wait_until(
      [&] {
        last_ids.clear();
        for (const SymbolUnderTest& s : symbols) {
          const auto stats = sim.get("/sim/stats?symbol=" + s.symbol, s.port);
          rapidjson::Document doc;
          if (stats) doc.Parse(stats->c_str());
          if (!doc.IsObject() || !doc.HasMember("symbol") ||
              u64(doc["symbol"], "events_generated") < events)
            return false;
          last_ids.push_back(u64(doc["symbol"], "last_update_id"));
        }
        return true;
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(generated) << "depthsim generated " << events << " events per symbol";
  const bool at_truth =
      generated && wait_until(
                       [&] {
                         auto metrics = read_metrics(run.metrics_path());
                         if (!metrics) return false;
                         for (std::size_t i = 0; i < symbols.size(); ++i) {
                           const rapidjson::Value* entry =
                               stream_entry(*metrics, symbols[i].market, symbols[i].symbol);
                           if (!entry || !(*entry)["book"]["synced"].GetBool() ||
                               u64((*entry)["book"], "last_update_id") != last_ids[i])
                             return false;
                         }
                         return true;
                       },
                       std::chrono::seconds(30));
  EXPECT_TRUE(at_truth) << run.process->output();
  stop_recorder(run);
  if (!at_truth) return std::nullopt;
  return read_metrics(run.metrics_path());
}

// depthrec-replay on one stream of the run's directory, at the simulator's last update id of
// the symbol: exit 0, `breaks` breaks all marked, the book equal to /sim/truth.
// `may_lose`: events an abrupt close may swallow (sent, never received).
inline void expect_stream_replays_to_truth(const Simulator& sim, const RecorderRun& run,
                                           const SymbolUnderTest& s, std::uint64_t breaks,
                                           std::uint64_t may_lose = 0) {
  const std::uint64_t sent = events_sent(sim, s);
  const rapidjson::Document truth = sim_truth(sim, s.symbol, s.port);
  ASSERT_TRUE(truth.IsObject()) << s.symbol;
  const std::uint64_t last_id = u64(truth, "lastUpdateId");
  const auto report = run_replay({"--stream", s.stream(), "--at", "u:" + std::to_string(last_id),
                                  "--levels", "5000", run.data_dir()});
  ASSERT_TRUE(report.json.IsObject()) << s.symbol;
  EXPECT_EQ(report.exit_code, 0) << s.symbol << ": every break marked, the stream verified";
  EXPECT_LE(u64(report.json, "events"), sent) << s.symbol;
  EXPECT_GE(u64(report.json, "events") + may_lose, sent)
      << s.symbol << ": every event depthsim sent";
  EXPECT_EQ(u64(report.json, "breaks"), breaks) << s.symbol;
  EXPECT_EQ(u64(report.json, "unmarked_breaks"), 0u) << s.symbol;
  const auto& at = report.json["at"];
  EXPECT_TRUE(at["reached"].GetBool()) << s.symbol;
  EXPECT_EQ(side(at["bids"]), side(truth["bids"])) << s.symbol;
  EXPECT_EQ(side(at["asks"]), side(truth["asks"])) << s.symbol;
  report_figure(s.market + ":" + s.symbol + " events verified / breaks / bid+ask levels = truth",
                std::to_string(u64(report.json, "events")) + " / " +
                    std::to_string(u64(report.json, "breaks")) + " / " +
                    std::to_string(at["bids"].Size() + at["asks"].Size()));
}

// What metrics.json says of each stream: every event depthsim sent counted, and the resyncs the
// test expects (`resyncs_of`: by symbol).
inline void expect_streams(const Simulator& sim, const rapidjson::Document& metrics,
                           const std::vector<SymbolUnderTest>& symbols,
                           const std::function<std::uint64_t(const std::string&)>& resyncs_of) {
  ASSERT_EQ(metrics["streams"].Size(), symbols.size());
  std::uint64_t total = 0;
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr) << s.symbol;
    EXPECT_EQ(str(*entry, "stream"), s.stream());
    EXPECT_EQ(u64(*entry, "total_messages"), events_sent(sim, s)) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), resyncs_of(s.symbol)) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "reconnects"), 0u) << s.symbol;
    EXPECT_GT(u64(*entry, "ticker_messages"), 0u) << s.symbol;
    total += u64(*entry, "total_messages");
    report_figure(s.market + ":" + s.symbol + " events recorded / resyncs",
                  std::to_string(u64(*entry, "total_messages")) + " / " +
                      std::to_string(u64((*entry)["continuity"], "resyncs")));
  }
  // The seed's top level is the aggregate.
  EXPECT_EQ(metric_u64(metrics, nullptr, "total_messages"), total);
}

// The run's text log (logs/multi_<date>.log): info lines are not echoed with --no-summary.
inline std::string log_text(const RecorderRun& run) {
  std::string text;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(run.dir + "/logs", ec))
    text += read_file(entry.path().string());
  return text;
}

inline bool log_has(const RecorderRun& run, const std::string& text) {
  return log_text(run).find(text) != std::string::npos;
}

// depthsim with `symbols` USD-M symbols (Binance's most traded first).
inline std::vector<std::string> usdm_sim(const std::string& seed, int symbols,
                                         std::vector<std::string> extra = {}) {
  return engine_sim_args({"--market", "usdm", "--symbol-count", "usdm=" + std::to_string(symbols)},
                         seed, extra);
}

inline std::vector<SymbolUnderTest> usdm_symbols(const std::vector<std::string>& names) {
  std::vector<SymbolUnderTest> out;
  for (const std::string& name : names) out.push_back({"usdm", name});
  return out;
}

// The TRADING symbols of depthsim's exchangeInfo on `market` (its own REST path), by name: what
// ALL must record, read from the simulator rather than written into the test.
inline std::vector<std::string> trading_symbols(const Simulator& sim, const std::string& market,
                                                int port = 0) {
  const std::string path = market == "spot"    ? "/api/v3/exchangeInfo"
                           : market == "coinm" ? "/dapi/v1/exchangeInfo"
                                               : "/fapi/v1/exchangeInfo";
  rapidjson::Document doc;
  if (const auto text = sim.get(path, port)) doc.Parse(text->c_str());
  std::set<std::string> names;
  if (doc.IsObject() && doc.HasMember("symbols") && doc["symbols"].IsArray()) {
    for (const auto& symbol : doc["symbols"].GetArray()) {
      if (str(symbol, "status") == "TRADING") names.insert(str(symbol, "symbol"));
    }
  }
  return {names.begin(), names.end()};
}

// /sim/stats?symbol=SYMBOL as a document (not an object when depthsim did not answer).
inline rapidjson::Document sim_symbol_stats(const Simulator& sim, const std::string& symbol) {
  rapidjson::Document doc;
  const auto text = sim.get("/sim/stats?symbol=" + symbol);
  if (text) doc.Parse(text->c_str());
  return doc;
}

// depthsim has generated at least `events` depth events of `symbol`.
inline bool sim_generated(const Simulator& sim, const std::string& symbol, std::uint64_t events) {
  const rapidjson::Document stats = sim_symbol_stats(sim, symbol);
  return stats.IsObject() && stats.HasMember("symbol") &&
         u64(stats["symbol"], "events_generated") >= events;
}

// The channel_streams[] entry of an event-channel stream in metrics.json (nullptr when absent).
inline const rapidjson::Value* channel_stream_entry(const rapidjson::Document& metrics,
                                                    const std::string& stream) {
  if (!metrics.HasMember("channel_streams")) return nullptr;
  for (const auto& entry : metrics["channel_streams"].GetArray()) {
    if (str(entry, "stream") == stream) return &entry;
  }
  return nullptr;
}

}  // namespace itest
