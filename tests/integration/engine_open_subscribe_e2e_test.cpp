// Connections open with few streams in their URL and SUBSCRIBE the rest (issue 12): 1,024 spot
// streams on ONE connection against depthsim (512 symbols, depth and bookTicker: the planner keeps
// a slot for a pair's second stream, so 1,024 depth streams alone would take two connections). Its
// URL names 100 (a 1,024-stream URL is ~25 KB: depthsim refuses over 16,000 bytes with HTTP 431);
// the other 924 go in 5 SUBSCRIBEs paced under spot's 5 messages a second; every stream receives
// events, no frame of an unknown stream, no refused connect. A dropped connection reconnects the
// same way and every stream resumes.
// Every wait is on metrics.json, depthsim's counters or log lines, never a sleep.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"

namespace itest::engine_open_subscribe_e2e_test {
namespace {

constexpr std::size_t kSymbols = 512;
constexpr std::size_t kStreams = 2 * kSymbols;  // depth and bookTicker

// Each stream's messages in metrics.json by name: a symbol's depth stream (total_messages) and
// its bookTicker (ticker_messages). Empty while metrics.json is not written.
std::map<std::string, std::uint64_t> messages_by_stream(const RecorderRun& run) {
  std::map<std::string, std::uint64_t> out;
  const auto metrics = read_metrics(run.metrics_path());
  if (!metrics || !metrics->HasMember("streams") || !(*metrics)["streams"].IsArray()) return out;
  for (const auto& entry : (*metrics)["streams"].GetArray()) {
    out[str(entry, "symbol") + "@depth"] = u64(entry, "total_messages");
    out[str(entry, "symbol") + "@bookTicker"] = u64(entry, "ticker_messages");
  }
  return out;
}

// Waits until every one of kStreams streams has more messages than in `before` (0 if absent).
bool every_stream_gets_events(const RecorderRun& run,
                              const std::map<std::string, std::uint64_t>& before) {
  return wait_until(
      [&] {
        const auto now = messages_by_stream(run);
        if (now.size() != kStreams) return false;
        for (const auto& [stream, messages] : now) {
          const auto was = before.find(stream);
          if (messages <= (was == before.end() ? 0 : was->second)) return false;
        }
        return true;
      },
      std::chrono::seconds(60));
}

std::size_t opening_subscriptions(const RecorderRun& run, std::size_t& streams_named) {
  std::size_t count = 0;
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  for (const auto* record : records_of_type(records, "subscription")) {
    if (str(*record, "reason") != "open") continue;
    ++count;
    streams_named += (*record)["streams"].Size();
  }
  return count;
}

TEST(EngineOpenSubscribe, OneSpotConnectionOf1024StreamsOpensWithAShortUrlAndSubscribesTheRest) {
  // 1 event a second per symbol: 1,024 a second in all, cheap.
  Simulator sim({"--market", "spot", "--symbol-count", "spot=" + std::to_string(kSymbols), "--rate",
                 "1", "--start-on-subscribe", "--seed", "71"});
  const auto started = std::chrono::steady_clock::now();
  RecorderRun run = start_recorder(sim, {"--symbols", "ALL", "--market", "spot", "--depth", "full",
                                         "--book-ticker", "--print-interval", "1"});
  ASSERT_TRUE(every_stream_gets_events(run, {})) << log_text(run);
  const double first_all_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  EXPECT_TRUE(log_has(run,
                      "opened naming 50 depth streams in its URL: 924 more streams in 5 "
                      "SUBSCRIBE messages"))
      << log_text(run);

  // depthsim drops the connection: the reconnect names the same 100 and SUBSCRIBEs the rest again.
  const auto first_metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(first_metrics);
  const std::string dropped_symbol = str((*first_metrics)["streams"][0], "symbol");
  ASSERT_TRUE(sim.get("/sim/fault?kind=drop&symbol=" + dropped_symbol));
  ASSERT_TRUE(wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        return metrics && metric_u64(*metrics, "continuity", "reconnects") >= kSymbols;
      },
      std::chrono::seconds(30)))
      << log_text(run);
  const std::map<std::string, std::uint64_t> after_drop = messages_by_stream(run);
  ASSERT_TRUE(every_stream_gets_events(run, after_drop)) << log_text(run);
  std::size_t resumed = 0;
  for (const auto& [stream, messages] : messages_by_stream(run))
    resumed += messages > after_drop.at(stream);
  stop_recorder(run);

  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metric_u64(*metrics, "integrity", "other_stream_frames"), 0u);
  EXPECT_EQ(u64(*metrics, "connect_failures"), 0u) << "no upgrade refused (a 25 KB URL got 431)";
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 0u);
  EXPECT_FALSE(log_has(run, "Request Header Fields Too Large")) << log_text(run);  // HTTP 431
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(u64(stats, "connections_refused"), 0u);
  EXPECT_EQ(u64(stats["limits"], "message_limit_closes"), 0u) << "the pacing held";
  ASSERT_EQ(stats["connections"].Size(), 2u) << "one connection, then its reconnect";
  for (const auto& connection : stats["connections"].GetArray()) {
    ASSERT_TRUE(connection["streams"].IsArray());
    EXPECT_EQ(connection["streams"].Size(), kStreams);
  }
  std::size_t streams_named = 0;
  const std::size_t subscribes = opening_subscriptions(run, streams_named);
  EXPECT_EQ(subscribes, 10u) << "5 at the open, 5 at the reconnect";
  EXPECT_EQ(streams_named, 2 * (kStreams - 100));
  report_figure("1,024 spot streams on one connection: URL streams / SUBSCRIBE messages per open",
                "100 / " + std::to_string(subscribes / 2));
  report_figure("1,024 spot streams: ms from start until every stream had an event", first_all_ms);
  report_figure(
      "1,024 spot streams: unknown-stream frames / refused connects / message-limit closes",
      std::to_string(metric_u64(*metrics, "integrity", "other_stream_frames")) + " / " +
          std::to_string(u64(stats, "connections_refused")) + " / " +
          std::to_string(u64(stats["limits"], "message_limit_closes")));
  report_figure("1,024 spot streams: streams receiving events after the reconnect",
                std::to_string(resumed) + " of " + std::to_string(kStreams));
}

// A connection rolling over (make-before-break at 10 s of age) with more streams than its URL
// names: 80 spot symbols with bookTickers, 160 streams, 100 in the URL. The successor names the
// same 100 and SUBSCRIBEs the other 60 at its open; it takes over only once every book has joined
// it, which the SUBSCRIBEd ones can do only after their answer (the join deadline allows for the
// pacing). Every book is synced first (--snapshot-limit 100: 80 snapshots in ~5 s; a book still
// waiting for its snapshot cannot join a successor), then every book joins, none falls back, and
// every stream goes on receiving events.
TEST(EngineOpenSubscribe, ARolloverSuccessorSubscribesTheRestAndEveryBookJoinsIt) {
  Simulator sim({"--market", "spot", "--symbol-count", "spot=80", "--rate", "5",
                 "--start-on-subscribe", "--seed", "73"});
  RecorderRun run = start_recorder(
      sim, {"--symbols", "ALL", "--market", "spot", "--depth", "full", "--book-ticker",
            "--print-interval", "1", "--snapshot-limit", "100", "--max-connection-age-sec", "10"});
  ASSERT_TRUE(wait_until(
      [&] {
        const auto metrics = read_metrics(run.metrics_path());
        if (!metrics || !metrics->HasMember("streams") || (*metrics)["streams"].Size() != 80)
          return false;
        for (const auto& entry : (*metrics)["streams"].GetArray())
          if (!entry["book"]["synced"].GetBool()) return false;
        return true;
      },
      std::chrono::seconds(30)))
      << log_text(run);
  ASSERT_TRUE(wait_until([&] { return log_has(run, "80 of 80 streams joined, 0 resync on it"); },
                         std::chrono::seconds(30)))
      << log_text(run);
  const std::map<std::string, std::uint64_t> after_rollover = messages_by_stream(run);
  ASSERT_EQ(after_rollover.size(), 160u);
  ASSERT_TRUE(wait_until(
      [&] {
        const auto now = messages_by_stream(run);
        for (const auto& [stream, messages] : now)
          if (messages <= after_rollover.at(stream)) return false;
        return now.size() == 160u;
      },
      std::chrono::seconds(30)))
      << log_text(run);
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_GE(metric_u64(*metrics, "rollover", "completed"), 80u) << "each book's rollover counted";
  EXPECT_EQ(metric_u64(*metrics, "rollover", "fallbacks"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "resyncs"), 0u);
  EXPECT_EQ(metric_u64(*metrics, "integrity", "other_stream_frames"), 0u);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 0u);
  double wait_ms = -1;
  const std::vector<rapidjson::Document> records = read_records(run.data_dir());
  for (const auto* connect : records_of_type(records, "connect")) {
    if (connect->HasMember("rollover_wait_ms") && wait_ms < 0)
      wait_ms = (*connect)["rollover_wait_ms"].GetDouble();
  }
  EXPECT_GE(wait_ms, 0) << "a connect record of the successor";
  std::size_t successor_subscribes = 0;
  for (const auto* record : records_of_type(records, "subscription"))
    successor_subscribes += str(*record, "reason") == "open" && u64(*record, "conn_id") == 2;
  EXPECT_EQ(successor_subscribes, 1u) << "the successor SUBSCRIBEd the 60 beyond its URL";
  report_figure(
      "160-stream connection rolled over: books joined / fallbacks / successor SUBSCRIBEs",
      "80 / " + std::to_string(metric_u64(*metrics, "rollover", "fallbacks")) + " / " +
          std::to_string(successor_subscribes));
  report_figure("160-stream connection rolled over: ms from the successor's open to its takeover",
                wait_ms);
}

// depthsim takes at most 110 streams a connection; 60 spot symbols with bookTickers are 120 on one
// connection: its URL names 100, the SUBSCRIBE of the other 20 at its open is refused
// ({"code":2,...too many streams}). That is logged and counted, and stops only those 10 symbols'
// streams; the 50 named in the URL record as if nothing happened, with no reconnect.
TEST(EngineOpenSubscribe, ARefusedOpeningSubscribeStopsOnlyItsStreams) {
  Simulator sim({"--market", "spot", "--symbol-count", "spot=60", "--rate", "5",
                 "--start-on-subscribe", "--seed", "72", "--max-streams-per-connection", "110"});
  RecorderRun run = start_recorder(sim, {"--symbols", "ALL", "--market", "spot", "--depth", "full",
                                         "--book-ticker", "--print-interval", "1"});
  const auto states = [&](std::size_t& recording_with_events, std::size_t& refused) {
    recording_with_events = refused = 0;
    const auto metrics = read_metrics(run.metrics_path());
    if (!metrics || !metrics->HasMember("streams")) return;
    for (const auto& entry : (*metrics)["streams"].GetArray()) {
      if (str(entry, "state") == "recording" && u64(entry, "total_messages") > 0 &&
          u64(entry, "ticker_messages") > 0)
        ++recording_with_events;
      if (str(entry, "state") == "removed" && str(entry, "removed_reason") == "subscribe refused")
        ++refused;
    }
  };
  std::size_t recording = 0, refused = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        states(recording, refused);
        return recording == 50 && refused == 10;
      },
      std::chrono::seconds(30)))
      << recording << " recording with events, " << refused << " refused\n"
      << log_text(run);
  EXPECT_TRUE(log_has(run, "refused: {\"code\":2")) << log_text(run);
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  EXPECT_EQ(u64(*metrics, "subscription_errors"), 1u);
  EXPECT_EQ(metric_u64(*metrics, "continuity", "reconnects"), 0u);
  const auto stats = sim.stats();
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(u64(stats["limits"], "stream_limit_refusals"), 1u);
  EXPECT_EQ(stats["connections"].Size(), 1u) << "no reconnect";
  report_figure("refused opening SUBSCRIBE: streams stopped / streams recording / reconnects",
                std::to_string(2 * refused) + " / " + std::to_string(2 * recording) + " / " +
                    std::to_string(metric_u64(*metrics, "continuity", "reconnects")));
}

}  // namespace
}  // namespace itest::engine_open_subscribe_e2e_test
