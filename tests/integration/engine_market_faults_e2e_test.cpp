// Faults at market scale, small (issue 12, "Done means", second bullet; bench/whole_market.sh runs
// the same checks at 1,500 symbols): 40 symbols across USD-M and spot in one depthrec process.
// Gaps injected on 10 of them resync those 10 and no other; one USD-M connection of several
// dropped resyncs only the books it carried. Per symbol, every event depthsim sent is recorded,
// every break is marked (depthrec-replay exit 0) and every book at the end equals /sim/truth.
// Faults are injected once every book is synced (metrics.json), so each is a resync, never a
// book still waiting for its first snapshot.
#include <gtest/gtest.h>

#include <set>

#include "engine_e2e_support.hpp"

namespace itest::engine_market_faults_e2e_test {
namespace {

constexpr std::uint64_t kEvents = 600;  // per symbol, at 40/s: 15 s

// Binance's 40 most traded bases: the first 20 on USD-M, the next 20 on spot (distinct names, so
// that `depthrec-replay --stream` names one book).
const std::vector<std::string> kBases{"BTC",  "ETH",  "BNB", "SOL",  "XRP",  "DOGE", "ADA",  "TRX",
                                      "AVAX", "LINK", "DOT", "LTC",  "BCH",  "NEAR", "UNI",  "APT",
                                      "ARB",  "OP",   "FIL", "ATOM", "ETC",  "SUI",  "INJ",  "TIA",
                                      "SEI",  "AAVE", "MKR", "LDO",  "RUNE", "ALGO", "XLM",  "HBAR",
                                      "ICP",  "VET",  "GRT", "SAND", "MANA", "AXS",  "EGLD", "FTM"};

struct Market40 {
  std::vector<SymbolUnderTest> symbols;
  std::string list;  // --symbols usdm:A,...,spot:B,...
};

Market40 forty_symbols(const Simulator* sim) {
  Market40 out;
  for (std::size_t i = 0; i < kBases.size(); ++i) {
    const std::string market = i < 20 ? "usdm" : "spot";
    const int port = sim ? sim->market_port(market) : 0;
    out.symbols.push_back({market, kBases[i] + "USDT", port});
    out.list += (out.list.empty() ? "" : ",") + market + ":" + kBases[i] + "USDT";
  }
  return out;
}

Simulator forty_symbols_sim(const std::string& seed) {
  return Simulator({"--symbols", forty_symbols(nullptr).list, "--rate", "40", "--events",
                    std::to_string(kEvents), "--start-on-subscribe", "--seed", seed});
}

RecorderRun record_forty_symbols(const Simulator& sim, const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--symbols",
                                forty_symbols(&sim).list,
                                "--depth",
                                "full",
                                "--book-ticker",
                                "--print-interval",
                                "1",
                                "--market-endpoint",
                                "usdm=" + sim.ws_endpoint("usdm"),
                                "--market-rest-endpoint",
                                "usdm=" + sim.rest_endpoint("usdm"),
                                "--market-endpoint",
                                "spot=" + sim.ws_endpoint("spot"),
                                "--market-rest-endpoint",
                                "spot=" + sim.rest_endpoint("spot")};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_recorder(sim, args);
}

// Waits until metrics.json shows every symbol's book synced.
bool wait_until_every_book_synced(const RecorderRun& run,
                                  const std::vector<SymbolUnderTest>& symbols) {
  return wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics) return false;
        for (const SymbolUnderTest& s : symbols) {
          const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
          if (!entry || !(*entry)["book"]["synced"].GetBool()) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
}

std::uint64_t events_generated(const Simulator& sim, const SymbolUnderTest& s) {
  rapidjson::Document doc;
  if (const auto text = sim.get("/sim/stats?symbol=" + s.symbol, s.port)) doc.Parse(text->c_str());
  return doc.IsObject() && doc.HasMember("symbol") ? u64(doc["symbol"], "events_generated") : 0;
}

std::string key_of(const SymbolUnderTest& s) {
  return s.market + ":" + s.symbol;
}

// The whole directory, stream by stream: exit 0 and one verified stream per symbol.
void expect_whole_directory_verified(const RecorderRun& run, std::size_t streams) {
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0);
  ASSERT_EQ(whole.json["streams"].Size(), streams);
  for (const auto& stream : whole.json["streams"].GetArray())
    EXPECT_EQ(u64(stream, "unmarked_breaks"), 0u) << str(stream, "symbol");
}

TEST(EngineMarketFaults, GapsOnTenOfFortySymbolsAcrossTwoMarketsResyncThoseTenOnly) {
  Simulator sim = forty_symbols_sim("41");
  const Market40 market = forty_symbols(&sim);
  RecorderRun run = record_forty_symbols(sim, {});
  ASSERT_TRUE(wait_until_every_book_synced(run, market.symbols)) << run.process->output();

  // Every 4th symbol of each market: 5 USD-M, 5 spot.
  std::set<std::string> gapped;
  for (std::size_t i = 0; i < market.symbols.size(); i += 4) {
    const SymbolUnderTest& s = market.symbols[i];
    ASSERT_LT(events_generated(sim, s) + 20, kEvents) << s.symbol << ": events left for the gap";
    ASSERT_TRUE(sim.get("/sim/fault?kind=gap&symbol=" + s.symbol, s.port));
    gapped.insert(key_of(s));
  }
  ASSERT_EQ(gapped.size(), 10u);

  const auto metrics = stop_once_every_book_is_at_truth(sim, run, market.symbols, kEvents);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, market.symbols, [&](const std::string& symbol) -> std::uint64_t {
    for (const std::string& key : gapped)
      if (key.substr(key.find(':') + 1) == symbol) return 1;
    return 0;
  });
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 10u) << "the aggregate";
  for (const SymbolUnderTest& s : market.symbols)
    expect_stream_replays_to_truth(sim, run, s, gapped.count(key_of(s)));
  expect_whole_directory_verified(run, market.symbols.size());
  report_figure("gaps on 10 of 40 symbols (usdm + spot): books resynced / resyncs in all",
                "10 / " + std::to_string(metric_u64(*metrics, "continuity", "resyncs")));
}

// 20 USD-M symbols with their bookTickers at 10 streams a connection: five connections of up to
// five symbols (a symbol's two streams share one; spot's 20 symbols on one). depthsim drops the
// second USD-M connection once every book is synced.
TEST(EngineMarketFaults, OneDroppedConnectionOfSeveralResyncsOnlyTheBooksItCarried) {
  Simulator sim = forty_symbols_sim("42");
  const Market40 market = forty_symbols(&sim);
  RecorderRun run = record_forty_symbols(sim, {"--futures-streams-per-connection", "10"});
  ASSERT_TRUE(wait_until_every_book_synced(run, market.symbols)) << run.process->output();

  const int usdm = sim.market_port("usdm");
  rapidjson::Document stats;
  if (const auto text = sim.get("/sim/stats", usdm)) stats.Parse(text->c_str());
  ASSERT_TRUE(stats.IsObject() && stats.HasMember("connections"));
  std::vector<const rapidjson::Value*> carrying;
  for (const auto& connection : stats["connections"].GetArray())
    if (connection["open"].GetBool() && connection["streams"].Size() > 0)
      carrying.push_back(&connection);
  ASSERT_GE(carrying.size(), 4u) << "20 symbols x 2 streams at 10 a connection";
  const rapidjson::Value& dropped = *carrying[1];
  std::set<std::string> carried;
  for (const auto& stream : dropped["streams"].GetArray()) {
    std::string symbol = stream.GetString();
    symbol = symbol.substr(0, symbol.find('@'));
    for (char& c : symbol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    carried.insert("usdm:" + symbol);
  }
  ASSERT_GE(carried.size(), 2u);
  ASSERT_LT(carried.size(), 20u);
  for (const SymbolUnderTest& s : market.symbols)
    if (carried.count(key_of(s))) {
      ASSERT_LT(events_generated(sim, s) + 20, kEvents) << s.symbol << ": events left after it";
    }
  ASSERT_TRUE(sim.get("/sim/fault?kind=drop&conn=" + std::to_string(u64(dropped, "id")), usdm));

  const auto metrics = stop_once_every_book_is_at_truth(sim, run, market.symbols, kEvents);
  ASSERT_TRUE(metrics);
  std::uint64_t resynced = 0;
  for (const SymbolUnderTest& s : market.symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr) << s.symbol;
    const std::uint64_t expected = carried.count(key_of(s));
    EXPECT_EQ(u64((*entry)["continuity"], "reconnects"), expected) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), expected) << s.symbol;
    resynced += u64((*entry)["continuity"], "resyncs");
  }
  // An abrupt close may swallow what was in flight: sent, never received, inside the marked gap.
  for (const SymbolUnderTest& s : market.symbols) {
    const std::uint64_t on_dropped = carried.count(key_of(s));
    expect_stream_replays_to_truth(sim, run, s, on_dropped, on_dropped);
  }
  expect_whole_directory_verified(run, market.symbols.size());
  report_figure("one USD-M connection of " + std::to_string(carrying.size()) +
                    " dropped (40 symbols): books carried / books resynced",
                std::to_string(carried.size()) + " / " + std::to_string(resynced));
}

}  // namespace
}  // namespace itest::engine_market_faults_e2e_test
