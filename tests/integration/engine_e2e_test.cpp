// The many-stream engine (issue 12) end to end: one depthrec process records several symbols
// from depthsim; per symbol, every event depthsim generated is recorded, the book at the end
// equals /sim/truth (depthrec-replay verifies each stream alone: exit 0), and a fault on one
// symbol resyncs that symbol only. depthsim generates a fixed number of events per symbol
// (--events) so "every event" is a number both sides know.
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <optional>

#include "e2e_support.hpp"

namespace itest {
namespace {

constexpr std::uint64_t kEvents = 600;

// The streams[] entry of `symbol` in metrics.json (nullptr when absent).
const rapidjson::Value* stream_entry(const rapidjson::Document& metrics, const std::string& market,
                                     const std::string& symbol) {
  if (!metrics.HasMember("streams") || !metrics["streams"].IsArray()) return nullptr;
  for (const auto& entry : metrics["streams"].GetArray()) {
    if (str(entry, "symbol") == symbol && str(entry, "market") == market) return &entry;
  }
  return nullptr;
}

struct SymbolUnderTest {
  std::string market, symbol;
  int port = 0;  // its market's listener (0: the simulator's first)
  std::string stream() const { return to_lower(symbol) + "@depth@100ms"; }
  static std::string to_lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
};

// The events depthsim sent of `s`, over every connection that was sent it (/sim/stats?symbol=).
std::uint64_t events_sent(const Simulator& sim, const SymbolUnderTest& s) {
  const auto text = sim.get("/sim/stats?symbol=" + s.symbol, s.port);
  rapidjson::Document doc;
  if (text) doc.Parse(text->c_str());
  std::uint64_t sent = 0;
  if (!doc.IsObject() || !doc.HasMember("connections")) return 0;
  for (const auto& connection : doc["connections"].GetArray()) sent += u64(connection, "events");
  return sent;
}

// Waits until every symbol's book in metrics.json is synced at the simulator's last update id
// (depthsim stopped generating after kEvents), then stops the recorder and returns the final
// metrics.json.
std::optional<rapidjson::Document> stop_once_every_book_is_at_truth(
    const Simulator& sim, RecorderRun& run, const std::vector<SymbolUnderTest>& symbols) {
  std::vector<std::uint64_t> last_ids;
  const bool generated = wait_until(
      [&] {
        last_ids.clear();
        for (const SymbolUnderTest& s : symbols) {
          const auto stats = sim.get("/sim/stats?symbol=" + s.symbol, s.port);
          rapidjson::Document doc;
          if (stats) doc.Parse(stats->c_str());
          if (!doc.IsObject() || !doc.HasMember("symbol") ||
              u64(doc["symbol"], "events_generated") < kEvents)
            return false;
          last_ids.push_back(u64(doc["symbol"], "last_update_id"));
        }
        return true;
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(generated) << "depthsim generated " << kEvents << " events per symbol";
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
void expect_stream_replays_to_truth(const Simulator& sim, const RecorderRun& run,
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
void expect_streams(const Simulator& sim, const rapidjson::Document& metrics,
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

// depthrec-check on a many-stream run (issue 12, item 6) where a gap was injected on ETHUSDT: its
// stream broke (the seed's limit: any break is CRITICAL), and the check names that stream, and
// only that one, with the exit status of its worst alert. Staleness is left out: depthsim stops
// after kEvents, so how old each stream's last message is depends on the machine's pace.
void expect_depthrec_check_names_only_ethusdt(const RecorderRun& run) {
  ChildProcess check(binary("depthrec-check"), {"--stale-intervals", "0", run.metrics_path()},
                     make_temp_dir("check") + "/check.txt");
  const auto exit_code = check.wait_exit(std::chrono::seconds(30));
  const std::string output = check.output();
  ASSERT_TRUE(exit_code) << output;
  EXPECT_EQ(*exit_code, 2) << output;
  EXPECT_NE(output.find("CRITICAL stream=ethusdt@depth@100ms market=usdm symbol=ETHUSDT "
                        "breaks=1 (crit >0)\n"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("symbol=BTCUSDT"), std::string::npos) << output;
  EXPECT_EQ(output.find("symbol=SOLUSDT"), std::string::npos) << output;
  EXPECT_NE(output.find("streams: 1 of 3 failing"), std::string::npos) << output;
  std::size_t stream_lines = 0;
  for (std::size_t at = output.find("stream="); at != std::string::npos;
       at = output.find("stream=", at + 1))
    ++stream_lines;
  report_figure("depthrec-check, gap on ETHUSDT of 3 symbols: failing streams named / lines / exit",
                "ETHUSDT / " + std::to_string(stream_lines) + " / " + std::to_string(*exit_code));
}

// depthsim with BTCUSDT, ETHUSDT and SOLUSDT on USD-M, kEvents each, and `extra` arguments.
std::vector<std::string> three_usdm_symbols_sim(const std::string& seed,
                                                std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--market",
                                "usdm",
                                "--symbols",
                                "BTCUSDT,ETHUSDT,SOLUSDT",
                                "--rate",
                                "150",
                                "--events",
                                std::to_string(kEvents),
                                "--start-on-subscribe",
                                "--seed",
                                seed};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// depthrec recording the three symbols' diff depth and bookTickers, with `extra` flags.
RecorderRun record_three_usdm_symbols(const Simulator& sim, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{
      "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--market",         "usdm", "--depth",
      "full",      "--book-ticker",           "--print-interval", "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_recorder(sim, args);
}

const std::vector<SymbolUnderTest> kThreeUsdmSymbols{
    {"usdm", "BTCUSDT"}, {"usdm", "ETHUSDT"}, {"usdm", "SOLUSDT"}};

TEST(EngineE2E, ThreeUsdmSymbolsOnOneConnectionRecordEveryEventAndEveryBookEqualsTruth) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("31"));
  RecorderRun run = record_three_usdm_symbols(sim);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);

  // One connection carried the three symbols (the planner's limit is 200 streams).
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 1u);
  const std::vector<std::string> segments = segment_files(run.data_dir());
  ASSERT_FALSE(segments.empty());
  EXPECT_NE(segments.front().find("/multi_depth."), std::string::npos) << segments.front();
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  const auto whole = run_replay({run.data_dir()});
  EXPECT_EQ(whole.exit_code, 0) << "the whole directory, stream by stream";
  report_figure("connections used for 3 symbols (6 streams)", 1.0);
}

// Binance's streams-per-connection limit, enforced by depthsim (5): 3 symbols with their
// bookTickers (6 streams) need two connections, and a symbol's depth and bookTicker share one
// (key order would put SOLUSDT's depth in the first connection's last slot and its bookTicker
// alone on the second: its FeedSession would never see it).
TEST(EngineE2E, StreamsBeyondOneConnectionsLimitGoOnASecondConnection) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("34", {"--max-streams-per-connection", "5"}));
  RecorderRun run = record_three_usdm_symbols(sim, {"--futures-streams-per-connection", "5"});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 2u);
  for (const auto& connection : stats["connections"].GetArray())
    EXPECT_LE(connection["streams"].Size(), 5u);
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  report_figure("connections for 6 streams at 5 per connection",
                static_cast<double>(stats["connections"].Size()));
}

// Two connections (5 streams each at most): BTCUSDT and ETHUSDT on one, SOLUSDT on the other.
// depthsim drops SOLUSDT's connection mid-stream: it reconnects alone and only SOLUSDT's book
// resyncs; the other connection and its two books go on untouched.
TEST(EngineE2E, ADroppedConnectionResyncsOnlyTheBooksItCarried) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("35", {"--max-streams-per-connection", "5"}));
  RecorderRun run = record_three_usdm_symbols(sim, {"--futures-streams-per-connection", "5"});
  std::uint64_t sol_connection = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        const auto stats = sim.stats();
        if (!stats.IsObject() || !stats.HasMember("connections")) return false;
        for (const auto& connection : stats["connections"].GetArray()) {
          if (str(connection, "resource").find("solusdt@depth") != std::string::npos &&
              u64(connection, "depth_events_sent") >= 150)
            sol_connection = u64(connection, "id");
        }
        return sol_connection != 0;
      },
      std::chrono::seconds(30)));
  ASSERT_TRUE(sim.get("/sim/fault?kind=drop&conn=" + std::to_string(sol_connection)));
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    const std::uint64_t expected = s.symbol == "SOLUSDT" ? 1u : 0u;
    EXPECT_EQ(u64((*entry)["continuity"], "reconnects"), expected) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), expected) << s.symbol;
    report_figure("SOLUSDT's connection dropped: " + s.symbol + " reconnects / resyncs",
                  std::to_string(u64((*entry)["continuity"], "reconnects")) + " / " +
                      std::to_string(u64((*entry)["continuity"], "resyncs")));
  }
  for (const SymbolUnderTest& s : symbols)
    expect_stream_replays_to_truth(sim, run, s, s.symbol == "SOLUSDT" ? 1u : 0u,
                                   s.symbol == "SOLUSDT" ? 1u : 0u);
}

// Make-before-break per connection: at its age a successor opens, every book on it joins the
// successor, and only then is the old connection retired: no gap, no resync, every event once.
TEST(EngineE2E, ConnectionsRollOverWithEveryBookJoiningTheSuccessor) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("36"));
  RecorderRun run = record_three_usdm_symbols(sim, {"--max-connection-age-sec", "1.5"});
  // Every book synced at the truth's last update id, never resynced.
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64((*entry)["continuity"], "breaks"), 0u) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), 0u) << s.symbol;
  }
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_GE(stats["connections"].Size(), 2u) << "at least one rollover in the run";
  // During a rollover both connections are sent the same events: each is recorded once.
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0);
  ASSERT_EQ(whole.json["streams"].Size(), 3u);
  for (const auto& stream : whole.json["streams"].GetArray()) {
    EXPECT_EQ(u64(stream, "events"), kEvents) << str(stream, "symbol");
    EXPECT_EQ(u64(stream, "breaks"), 0u) << str(stream, "symbol");
  }
  report_figure("connections opened in the run (1.5 s age) / breaks",
                std::to_string(stats["connections"].Size()) + " / 0");
}

// A gap on ETHUSDT: only its book resyncs, every stream replays to the truth, and depthrec-check
// on the run's metrics.json names ETHUSDT's stream, and no other.
TEST(EngineE2E, AGapOnOneSymbolResyncsThatSymbolOnly) {
  const std::vector<SymbolUnderTest>& symbols = kThreeUsdmSymbols;
  Simulator sim(three_usdm_symbols_sim("32", {"--fault", "gap@200/ETHUSDT"}));
  RecorderRun run = record_three_usdm_symbols(sim);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  for (const SymbolUnderTest& s : symbols) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), s.symbol == "ETHUSDT" ? 1u : 0u) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "breaks"), s.symbol == "ETHUSDT" ? 1u : 0u) << s.symbol;
    EXPECT_EQ(u64(*entry, "total_messages"), events_sent(sim, s)) << s.symbol;
    report_figure("gap on ETHUSDT: " + s.symbol + " resyncs",
                  static_cast<double>(u64((*entry)["continuity"], "resyncs")));
  }
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 1u) << "the aggregate";
  for (const SymbolUnderTest& s : symbols)
    expect_stream_replays_to_truth(sim, run, s, s.symbol == "ETHUSDT" ? 1u : 0u);
  expect_depthrec_check_names_only_ethusdt(run);
}

// Two markets in one run, BTCUSDT on both (two books under one stream name, told apart by the
// records' market) and ETHUSDT on spot; each market has its own depthsim listener.
TEST(EngineE2E, SpotAndUsdmInOneRunWithTheSameSymbolOnBoth) {
  Simulator sim({"--symbols", "usdm:BTCUSDT,spot:BTCUSDT,spot:ETHUSDT", "--rate", "150", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "33"});
  const int usdm = sim.market_port("usdm"), spot = sim.market_port("spot");
  ASSERT_GT(usdm, 0);
  ASSERT_GT(spot, 0);
  const std::vector<SymbolUnderTest> symbols{
      {"usdm", "BTCUSDT", usdm}, {"spot", "BTCUSDT", spot}, {"spot", "ETHUSDT", spot}};
  RecorderRun run =
      start_recorder(sim, {"--symbols", "usdm:BTCUSDT,spot:BTCUSDT,spot:ETHUSDT", "--depth", "full",
                           "--book-ticker", "--print-interval", "1", "--market-endpoint",
                           "spot=" + sim.ws_endpoint("spot"), "--market-rest-endpoint",
                           "spot=" + sim.rest_endpoint("spot"), "--market-endpoint",
                           "usdm=" + sim.ws_endpoint("usdm"), "--market-rest-endpoint",
                           "usdm=" + sim.rest_endpoint("usdm")});
  // Every book at its market's truth (last update id, synced): metrics.json per stream.
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  // ETHUSDT is the only book of its stream name: its replayed book is compared with the truth.
  expect_stream_replays_to_truth(sim, run, symbols[2], 0);
  // The whole directory: the two BTCUSDT books are verified apart, each with its own rules.
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0);
  ASSERT_EQ(whole.json["streams"].Size(), 3u);
  for (const auto& stream : whole.json["streams"].GetArray()) {
    const SymbolUnderTest s{str(stream, "market"), str(stream, "symbol"),
                            str(stream, "market") == "usdm" ? usdm : spot};
    EXPECT_EQ(u64(stream, "events"), events_sent(sim, s)) << s.market << ":" << s.symbol;
    EXPECT_EQ(u64(stream, "unmarked_breaks"), 0u) << s.market << ":" << s.symbol;
    EXPECT_TRUE(stream["consistent"].GetBool()) << s.market << ":" << s.symbol;
    report_figure(s.market + ":" + s.symbol + " events verified (whole directory)",
                  static_cast<double>(u64(stream, "events")));
  }
}

}  // namespace
}  // namespace itest
