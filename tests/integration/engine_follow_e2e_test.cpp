// `--symbols ALL` followed while running (issue 12, item 2: "a listing and a delisting are followed
// without a restart"), against depthsim's run-time listings (/sim/list, /sim/delist): a listing is
// SUBSCRIBEd on the live connection (no reconnect) and its book syncs to /sim/truth; a delisting
// is UNSUBSCRIBEd and its stream ends cleanly while the others go on untouched; a SUBSCRIBE the
// exchange refuses is logged and counted and disturbs nothing; a malformed exchangeInfo keeps the
// symbols; a connection that reconnects after a listing carries the new stream (its URL).
// Every wait is on depthsim's counters, metrics.json or log lines, never a sleep.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"

namespace itest::engine_follow_e2e_test {
namespace {

// The symbol the tests list at run time: not one of depthsim's --symbol-count names.
const char* const kListed = "FOLLOWUSDT";

// depthrec following depthsim's exchangeInfo every second.
RecorderRun start_following(const Simulator& sim, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--symbols",
                                "ALL",
                                "--depth",
                                "full",
                                "--book-ticker",
                                "--print-interval",
                                "1",
                                "--exchange-info-interval-sec",
                                "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_recorder(sim, args);
}

// The streams[] entry of `symbol` in the current metrics.json, `check` applied; false when absent.
bool stream_is(const RecorderRun& run, const std::string& symbol,
               const std::function<bool(const rapidjson::Value&)>& check) {
  const auto metrics = read_metrics(run.metrics_path());
  if (!metrics) return false;
  const rapidjson::Value* entry = stream_entry(*metrics, "usdm", symbol);
  return entry != nullptr && check(*entry);
}

bool synced(const rapidjson::Value& entry) {
  return entry["book"]["synced"].GetBool();
}

// Waits until every book of `symbols` is synced (metrics.json).
bool every_book_synced(const RecorderRun& run, const std::vector<std::string>& symbols) {
  return wait_until(
      [&] {
        for (const std::string& symbol : symbols) {
          if (!stream_is(run, symbol, synced)) return false;
        }
        return true;
      },
      std::chrono::seconds(30));
}

// The records of `type` in the run's directory.
std::size_t count_records(const RecorderRun& run, const char* type) {
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  return records_of_type(records, type).size();
}

std::uint64_t selection_figure(const RecorderRun& run, const char* name) {
  const auto metrics = read_metrics(run.metrics_path());
  if (!metrics || !metrics->HasMember("symbols")) return 0;
  return u64((*metrics)["symbols"], name);
}

TEST(EngineFollow, AListingAtRunTimeIsSubscribedLiveAndItsBookEqualsTruth) {
  Simulator sim(usdm_sim("61", 3));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  ASSERT_EQ(first.size(), 3u);
  RecorderRun run = start_following(sim);
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  ASSERT_TRUE(sim.get(std::string("/sim/list?symbol=") + kListed));
  ASSERT_TRUE(wait_until([&] { return stream_is(run, kListed, synced); }, std::chrono::seconds(30)))
      << log_text(run);
  EXPECT_TRUE(log_has(run, std::string("usdm:") + kListed + " listed: subscribing"))
      << log_text(run);

  std::vector<SymbolUnderTest> symbols = usdm_symbols(first);
  symbols.push_back({"usdm", kListed});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  expect_streams(sim, *metrics, symbols, [](const std::string&) { return 0u; });
  EXPECT_EQ(u64((*metrics)["symbols"], "listed"), 1u);
  EXPECT_EQ(u64((*metrics)["symbols"], "recorded"), 4u);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 0u);
  const rapidjson::Value* listed = stream_entry(*metrics, "usdm", kListed);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(str(*listed, "state"), "recording");
  EXPECT_EQ(metric_u64(*metrics, "continuity", "breaks"), 0u);
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["connections"].Size(), 1u) << "one connection: the listing joined it live";
  EXPECT_EQ(count_records(run, "subscription"), 1u);
  EXPECT_EQ(count_records(run, "subscription_answer"), 1u);
  const auto whole = run_replay({run.data_dir()});
  EXPECT_EQ(whole.exit_code, 0) << "the whole directory, with the subscription records";
  report_figure("listing followed live: streams recorded / connections / reconnects",
                std::to_string(metrics->operator[]("streams").Size()) + " / " +
                    std::to_string(stats["connections"].Size()) + " / " +
                    std::to_string(metric_u64(*metrics, "continuity", "reconnects")));
}

TEST(EngineFollow, ADelistingIsUnsubscribedAndTheOtherStreamsAreUntouched) {
  Simulator sim(usdm_sim("62", 4));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  ASSERT_EQ(first.size(), 4u);
  const std::string delisted = first[1];
  RecorderRun run = start_following(sim);
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  ASSERT_TRUE(sim.get("/sim/delist?symbol=" + delisted));
  ASSERT_TRUE(wait_until(
      [&] {
        return stream_is(run, delisted, [](const rapidjson::Value& entry) {
          return str(entry, "state") == "removed";
        });
      },
      std::chrono::seconds(30)))
      << log_text(run);
  EXPECT_TRUE(log_has(run, "usdm:" + delisted + " halted")) << log_text(run);

  std::vector<SymbolUnderTest> others;
  for (const std::string& symbol : first) {
    if (symbol != delisted) others.push_back({"usdm", symbol});
  }
  // The UNSUBSCRIBE's answer is recorded before the stop (a counter, not a sleep).
  ASSERT_TRUE(wait_until([&] { return log_has(run, "\"method\":\"UNSUBSCRIBE\""); },
                         std::chrono::seconds(10)));
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, others);
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64((*metrics)["symbols"], "removed"), 1u);
  EXPECT_EQ(u64((*metrics)["symbols"], "recorded"), 3u);
  const rapidjson::Value* removed = stream_entry(*metrics, "usdm", delisted);
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(str(*removed, "state"), "removed");
  EXPECT_EQ(u64(*removed, "total_messages"), events_sent(sim, {"usdm", delisted}))
      << "every event sent before the delisting recorded";
  for (const SymbolUnderTest& s : others) {
    const rapidjson::Value* entry = stream_entry(*metrics, s.market, s.symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), 0u) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "breaks"), 0u) << s.symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "reconnects"), 0u) << s.symbol;
    expect_stream_replays_to_truth(sim, run, s, 0);
  }
  // The delisted stream ends cleanly: verified alone, every event it got, no break.
  expect_stream_replays_to_truth(sim, run, {"usdm", delisted}, 0);
  EXPECT_GE(count_records(run, "subscription"), 1u);
  const auto whole = run_replay({run.data_dir()});
  EXPECT_EQ(whole.exit_code, 0);
  report_figure("delisting followed: streams removed / others' resyncs",
                std::to_string(u64((*metrics)["symbols"], "removed")) + " / 0");
}

// depthsim takes at most 6 streams a connection; depthrec plans 8 (its flag): the listing's
// SUBSCRIBE (2 more streams) is refused with {"code":2,...}, which is logged, counted and recorded,
// and the 3 streams on the connection go on.
TEST(EngineFollow, ARefusedSubscribeIsLoggedAndCountedAndDisturbsNothing) {
  Simulator sim(usdm_sim("63", 3, {"--max-streams-per-connection", "6"}));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  ASSERT_EQ(first.size(), 3u);
  RecorderRun run = start_following(sim, {"--futures-streams-per-connection", "9"});
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  ASSERT_TRUE(sim.get(std::string("/sim/list?symbol=") + kListed));
  ASSERT_TRUE(wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        return metrics && u64(*metrics, "subscription_errors") >= 1;
      },
      std::chrono::seconds(30)))
      << log_text(run);
  EXPECT_TRUE(log_has(run, "refused: {\"code\":2")) << log_text(run);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, usdm_symbols(first));
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 1u);
  const rapidjson::Value* refused = stream_entry(*metrics, "usdm", kListed);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(str(*refused, "state"), "removed");
  EXPECT_EQ(str(*refused, "removed_reason"), "subscribe refused");
  EXPECT_EQ(u64(*refused, "subscription_errors"), 1u);
  EXPECT_TRUE((*metrics)["book"]["synced"].GetBool()) << "the aggregate is of recorded streams";
  for (const std::string& symbol : first) {
    const rapidjson::Value* entry = stream_entry(*metrics, "usdm", symbol);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(u64((*entry)["continuity"], "resyncs"), 0u) << symbol;
    EXPECT_EQ(u64((*entry)["continuity"], "reconnects"), 0u) << symbol;
    expect_stream_replays_to_truth(sim, run, {"usdm", symbol}, 0);
  }
  EXPECT_EQ(count_records(run, "subscription_answer"), 1u);
  const auto stats = sim.stats();
  EXPECT_EQ(u64(stats["limits"], "stream_limit_refusals"), 1u);
  report_figure("refused SUBSCRIBE: subscription_errors / other streams' resyncs",
                std::to_string(u64(*metrics, "subscription_errors")) + " / 0");
}

TEST(EngineFollow, AMalformedExchangeInfoWhileFollowingKeepsTheSymbols) {
  Simulator sim(usdm_sim("64", 3));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  RecorderRun run = start_following(sim);
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  ASSERT_TRUE(sim.get("/sim/fault?kind=rest_info_malformed&count=2"));
  ASSERT_TRUE(wait_until([&] { return selection_figure(run, "exchange_info_failures") >= 2; },
                         std::chrono::seconds(30)))
      << log_text(run);
  EXPECT_TRUE(log_has(run, "failed while following: malformed answer")) << log_text(run);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, usdm_symbols(first));
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64((*metrics)["symbols"], "recorded"), 3u);
  EXPECT_EQ(u64((*metrics)["symbols"], "removed"), 0u);
  EXPECT_EQ(u64((*metrics)["symbols"], "exchange_info_failures"), 2u);
  expect_streams(sim, *metrics, usdm_symbols(first), [](const std::string&) { return 0u; });
  report_figure("malformed exchangeInfo while following: failures / symbols kept",
                std::to_string(u64((*metrics)["symbols"], "exchange_info_failures")) + " / " +
                    std::to_string(u64((*metrics)["symbols"], "recorded")));
}

// After a listing joined live, depthsim drops the connection: the reconnect's URL names the new
// stream, which resyncs on it like the others and ends at truth.
TEST(EngineFollow, AReconnectAfterAListingCarriesTheNewStream) {
  Simulator sim(usdm_sim("65", 2));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  RecorderRun run = start_following(sim);
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  ASSERT_TRUE(sim.get(std::string("/sim/list?symbol=") + kListed));
  ASSERT_TRUE(wait_until([&] { return stream_is(run, kListed, synced); }, std::chrono::seconds(30)))
      << log_text(run);
  ASSERT_TRUE(sim.get("/sim/fault?kind=drop&symbol=" + first.front()));
  ASSERT_TRUE(wait_until(
      [&] {
        return stream_is(run, kListed, [](const rapidjson::Value& entry) {
          return u64(entry["continuity"], "reconnects") >= 1 && entry["book"]["synced"].GetBool();
        });
      },
      std::chrono::seconds(30)))
      << log_text(run);
  std::vector<SymbolUnderTest> symbols = usdm_symbols(first);
  symbols.push_back({"usdm", kListed});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  ASSERT_EQ(stats["connections"].Size(), 2u);
  const auto& second = stats["connections"][1];
  const std::string streams = second.HasMember("streams") && second["streams"].IsArray()
                                  ? std::to_string(second["streams"].Size())
                                  : std::string("?");
  EXPECT_EQ(streams, "6") << "the reconnect names 3 depth streams and their bookTickers";
  // The drop is a TCP close without a close frame: an event depthsim wrote just before it may
  // never arrive (as in EngineMarketFaults' dropped connection).
  expect_stream_replays_to_truth(sim, run, {"usdm", kListed}, 1, 1);
  report_figure("reconnect after a listing: streams on the new connection", streams);
}

// A listing with --book-ticker on a connection one slot from full: the pair is planned as one unit
// (never split at the last slot), so its depth and bookTicker ride on one connection, a new one
// here; the bookTicker's frames reach its stream (ticker records) and depthsim's stream limit
// is never exceeded.
TEST(EngineFollow, AListedPairOnAConnectionOneSlotFromFullRidesOnOneConnection) {
  Simulator sim(usdm_sim("66", 3, {"--max-streams-per-connection", "8"}));
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  ASSERT_EQ(first.size(), 3u);
  // 8 a connection, planned at 7 (a pair's ticker rides with its depth): 6 streams, 1 slot left.
  RecorderRun run = start_following(sim, {"--futures-streams-per-connection", "8"});
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  ASSERT_TRUE(sim.get(std::string("/sim/list?symbol=") + kListed));
  ASSERT_TRUE(wait_until([&] { return stream_is(run, kListed, synced); }, std::chrono::seconds(30)))
      << log_text(run);
  std::vector<SymbolUnderTest> symbols = usdm_symbols(first);
  symbols.push_back({"usdm", kListed});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols);
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 0u);
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(u64(stats["limits"], "stream_limit_refusals"), 0u);
  ASSERT_EQ(stats["connections"].Size(), 2u) << "the pair opened a connection of its own";
  const auto& second = stats["connections"][1];
  ASSERT_TRUE(second.HasMember("streams") && second["streams"].IsArray());
  EXPECT_EQ(second["streams"].Size(), 2u) << "depth and bookTicker of the listing together";
  std::size_t listed_tickers = 0;
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  for (const auto* ticker : records_of_type(records, "ticker"))
    if (str(*ticker, "symbol") == kListed) ++listed_tickers;
  EXPECT_GT(listed_tickers, 0u) << "the listing's bookTicker frames reached its stream";
  for (const SymbolUnderTest& s : symbols) expect_stream_replays_to_truth(sim, run, s, 0);
  report_figure("pair listed one slot from full: connections / listing's ticker records / refusals",
                std::to_string(stats["connections"].Size()) + " / " +
                    std::to_string(listed_tickers) + " / " +
                    std::to_string(u64(stats["limits"], "stream_limit_refusals")));
}

// A listing while a connection's make-before-break rollover is under way: depthsim holds the
// successor's handshake (/sim/hold-handshakes) while the follow places the listed stream, which
// the successor's URL does not name. The rollover does not wait for it (the other books join the
// successor); at the takeover it moves to the successor, its held SUBSCRIBE goes there, and it
// records events and its book syncs like any listing.
TEST(EngineFollow, AListingDuringARolloverIsSubscribedOnTheSuccessorAndSyncs) {
  // Events for ~16 s a symbol: books can join the successors of the rollovers every 3 s.
  constexpr std::uint64_t kEvents = 2400;
  std::vector<std::string> args = usdm_sim("67", 3);
  const auto events = std::find(args.begin(), args.end(), "--events");
  ASSERT_NE(events, args.end());
  *std::next(events) = std::to_string(kEvents);
  Simulator sim(args);
  const std::vector<std::string> first = trading_symbols(sim, "usdm");
  ASSERT_EQ(first.size(), 3u);
  RecorderRun run = start_following(sim, {"--max-connection-age-sec", "3"});
  ASSERT_TRUE(every_book_synced(run, first)) << log_text(run);
  // The next WebSocket handshake (the next rollover's successor) answers 4 s late.
  ASSERT_TRUE(sim.get("/sim/hold-handshakes?count=1&ms=4000"));
  ASSERT_TRUE(wait_until([&] { return u64(sim.stats(), "handshakes_held") >= 1; },
                         std::chrono::seconds(10)));
  ASSERT_TRUE(sim.get(std::string("/sim/list?symbol=") + kListed));
  // The takeover of that rollover: 3 books joined the successor, the listing moved to it.
  ASSERT_TRUE(wait_until([&] { return log_has(run, "3 of 4 streams joined, 1 resync on it"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  ASSERT_TRUE(wait_until([&] { return stream_is(run, kListed, synced); }, std::chrono::seconds(30)))
      << log_text(run);
  // A later rollover's successor does not name the listing in its URL either: it SUBSCRIBEs it at
  // its open (reason "open"), and every book, the listing's too, joins it.
  ASSERT_TRUE(wait_until([&] { return log_has(run, "4 of 4 streams joined, 0 resync on it"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  std::vector<SymbolUnderTest> symbols = usdm_symbols(first);
  symbols.push_back({"usdm", kListed});
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, symbols, kEvents);
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "integrity", "other_stream_frames"), 0u);
  std::size_t opening_subscribes = 0;
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  for (const auto* record : records_of_type(records, "subscription"))
    opening_subscribes += str(*record, "reason") == "open";
  EXPECT_GE(opening_subscribes, 1u) << "a successor SUBSCRIBEd the listing at its open";
  const rapidjson::Value* listed = stream_entry(*metrics, "usdm", kListed);
  ASSERT_NE(listed, nullptr);
  EXPECT_EQ(str(*listed, "state"), "recording");
  EXPECT_GT(u64(*listed, "total_messages"), 0u);
  EXPECT_EQ(u64((*listed)["continuity"], "breaks"), 0u);
  // Rollovers send each event on both connections for a while: each is recorded once, every
  // stream (the listing's too) from its first event to depthsim's last, no break.
  const auto whole = run_replay({run.data_dir()});
  ASSERT_TRUE(whole.json.IsObject());
  EXPECT_EQ(whole.exit_code, 0);
  ASSERT_EQ(whole.json["streams"].Size(), 4u);
  for (const auto& stream : whole.json["streams"].GetArray()) {
    EXPECT_EQ(u64(stream, "events"), kEvents) << str(stream, "symbol");
    EXPECT_EQ(u64(stream, "breaks"), 0u) << str(stream, "symbol");
  }
  const auto stats = sim.stats();
  report_figure("listing during a held rollover: handshakes held / listing's events / its breaks",
                std::to_string(u64(stats, "handshakes_held")) + " / " +
                    std::to_string(u64(*listed, "total_messages")) + " / " +
                    std::to_string(u64((*listed)["continuity"], "breaks")));
  report_figure(
      "listing during a held rollover: rollovers completed / fallbacks / successor "
      "SUBSCRIBEs at open",
      std::to_string(metric_u64(*metrics, "rollover", "completed")) + " / " +
          std::to_string(metric_u64(*metrics, "rollover", "fallbacks")) + " / " +
          std::to_string(opening_subscribes));
}

}  // namespace
}  // namespace itest::engine_follow_e2e_test
