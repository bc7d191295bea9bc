// The Redis Streams sink (--redis, issue 14) against a real redis-server the test starts (Unix
// socket in a temporary directory, stopped by its pid): every recorded record present once in
// Redis in exchange order; two recorders on the same streams publish each event exactly once;
// Redis killed and restarted mid-run leaves one gap entry naming the missed range while the files
// stay complete; Redis frozen (SIGSTOP) keeps the sink's queue within its bound, drops counted,
// and the recording and the network thread unaffected. depthsim generates a fixed number of
// events per symbol (--events), so "every event" is a number both sides know.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"
#include "faults_support.hpp"
#include "redis_e2e_support.hpp"

namespace itest::faults_redis {
namespace {

constexpr const char* kChannels = "depth@100ms,trade,aggTrade";

// The key of each recorded stream of `symbol` (depthrec's default key scheme) and the entry field
// that carries its exchange sequence.
struct StreamKey {
  std::string stream, key, sequence_field;
};
std::vector<StreamKey> keys_of(const std::string& symbol) {
  const std::string lower = SymbolUnderTest::to_lower(symbol);
  const std::string prefix = "depthrec:usdm:" + symbol + ":";
  return {{lower + "@depth@100ms", prefix + "depth", "u"},
          {lower + "@trade", prefix + "trade", "t"},
          {lower + "@aggTrade", prefix + "aggTrade", "a"}};
}

std::uint64_t sequence_of_line(const std::string& line, const std::string& field) {
  rapidjson::Document doc;
  doc.Parse(line.c_str());
  if (!doc.IsObject()) return 0;
  const char* name = field == "u" ? "u" : "id";
  const std::string type = str(doc, "type");
  if (type != "depth" && type != "trade" && type != "aggTrade") return 0;
  return u64(doc, name);
}

std::uint64_t redis_metric(const rapidjson::Document& metrics, const char* field) {
  return metric_at(metrics, {"redis", field});
}

RecorderRun record_with_redis(const Simulator& sim, const std::vector<std::string>& symbols,
                              const RedisServer& redis, std::vector<std::string> extra = {}) {
  std::string list;
  for (const std::string& s : symbols) list += (list.empty() ? "" : ",") + s;
  std::vector<std::string> args{"--symbols", list,       "--market",         "usdm",
                                "--streams", kChannels,  "--print-interval", "1",
                                "--redis",   redis.url()};
  args.insert(args.end(), extra.begin(), extra.end());
  return start_recorder(sim, args);
}

std::vector<SymbolUnderTest> usdm(const std::vector<std::string>& symbols) {
  std::vector<SymbolUnderTest> out;
  for (const std::string& s : symbols) out.push_back({"usdm", s});
  return out;
}

TEST(FaultRedis, EveryRecordedRecordIsInRedisOnceInExchangeOrder) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  const std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT"}, "41"));
  RecorderRun run = record_with_redis(sim, symbols, redis);
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, usdm(symbols));
  ASSERT_TRUE(metrics);
  const auto lines = recorded_lines_by_stream(run.data_dir());
  std::uint64_t entries_total = 0;
  std::uint64_t events = 0;
  for (const std::string& symbol : symbols) {
    for (const StreamKey& k : keys_of(symbol)) {
      const auto recorded = lines.find(k.stream);
      ASSERT_NE(recorded, lines.end()) << k.stream;
      const auto entries = redis.entries(k.key);
      // The same records, in the same order: the entry's data is the line as recorded.
      ASSERT_EQ(entries.size(), recorded->second.size()) << k.key;
      std::uint64_t last_sequence = 0;
      for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& fields = entries[i].fields;
        ASSERT_EQ(fields.at("data"), recorded->second[i]) << k.key << " entry " << i;
        const auto sequence = fields.find(k.sequence_field);
        if (sequence == fields.end()) continue;  // a marker (snapshot, resync)
        const std::uint64_t value = std::stoull(sequence->second);
        EXPECT_GT(value, last_sequence) << k.key << ": exchange order";
        EXPECT_EQ(entries[i].id, sequence->second + "-0") << "the id is the sequence";
        EXPECT_EQ(value, sequence_of_line(recorded->second[i], k.sequence_field));
        last_sequence = value;
        ++events;
      }
      entries_total += entries.size();
    }
  }
  EXPECT_EQ(redis_metric(*metrics, "dropped"), 0u);
  EXPECT_EQ(redis_metric(*metrics, "duplicates_suppressed"), 0u);
  EXPECT_EQ(redis_metric(*metrics, "gaps_marked"), 0u);
  // Connection records go to depthrec:usdm:connections with server ids.
  const std::uint64_t connection_entries = redis.xlen("depthrec:usdm:connections");
  EXPECT_GE(connection_entries, 1u);
  EXPECT_EQ(redis_metric(*metrics, "published"), entries_total + connection_entries);
  report_figure("entries in Redis = records recorded (6 streams, 2 symbols) / events",
                std::to_string(entries_total) + " / " + std::to_string(events));
  report_figure("sink queue peak (records)",
                static_cast<double>(redis_metric(*metrics, "queue_peak")));
}

TEST(FaultRedis, TwoRecordersOnTheSameStreamsPublishEveryEventExactlyOnce) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  const std::vector<std::string> symbols{"BTCUSDT"};
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT"}, "43"));
  RecorderRun first = record_with_redis(sim, symbols, redis);
  RecorderRun second = record_with_redis(sim, symbols, redis);
  const auto first_metrics = stop_once_every_book_is_at_truth(sim, first, usdm(symbols));
  const auto second_metrics = stop_once_every_book_is_at_truth(sim, second, usdm(symbols));
  ASSERT_TRUE(first_metrics && second_metrics);
  const auto first_lines = recorded_lines_by_stream(first.data_dir());
  const auto second_lines = recorded_lines_by_stream(second.data_dir());
  std::uint64_t events_in_redis = 0;
  for (const StreamKey& k : keys_of("BTCUSDT")) {
    // Every event either recorder recorded...
    std::set<std::uint64_t> recorded;
    for (const auto* lines : {&first_lines, &second_lines}) {
      const auto it = lines->find(k.stream);
      ASSERT_NE(it, lines->end()) << k.stream;
      for (const std::string& line : it->second)
        if (const std::uint64_t s = sequence_of_line(line, k.sequence_field)) recorded.insert(s);
    }
    // ...is in Redis exactly once, in exchange order.
    std::vector<std::uint64_t> published;
    for (const auto& entry : redis.entries(k.key)) {
      const auto it = entry.fields.find(k.sequence_field);
      if (it != entry.fields.end()) published.push_back(std::stoull(it->second));
    }
    EXPECT_TRUE(std::is_sorted(published.begin(), published.end())) << k.key;
    EXPECT_EQ(std::set<std::uint64_t>(published.begin(), published.end()).size(), published.size())
        << k.key << ": no event twice";
    EXPECT_EQ(std::set<std::uint64_t>(published.begin(), published.end()), recorded) << k.key;
    events_in_redis += published.size();
  }
  const std::uint64_t duplicates = redis_metric(*first_metrics, "duplicates_suppressed") +
                                   redis_metric(*second_metrics, "duplicates_suppressed");
  EXPECT_GT(duplicates, 0u) << "the second recorder's copies were refused by Redis";
  EXPECT_EQ(redis_metric(*first_metrics, "dropped") + redis_metric(*second_metrics, "dropped"), 0u);
  report_figure("two recorders: events in Redis (each once) / copies refused as duplicates",
                std::to_string(events_in_redis) + " / " + std::to_string(duplicates));
}

// What a depth key holds after a fault: the sink's redis_drop gap entries and the depth events.
struct AfterFault {
  std::vector<RedisServer::Entry> gaps;
  std::vector<std::uint64_t> depth_u;
};
AfterFault read_depth_key(RedisServer& redis, const std::string& key) {
  AfterFault out;
  for (auto& entry : redis.entries(key)) {
    if (entry.fields["type"] == "gap" && entry.fields["reason"] == "redis_drop")
      out.gaps.push_back(entry);
    else if (entry.fields["type"] == "depth")
      out.depth_u.push_back(std::stoull(entry.fields["u"]));
  }
  return out;
}

// Every recorded depth event from the first one Redis holds on is in Redis or inside a gap
// entry's range, never both; returns the events the gap entries cover.
std::uint64_t expect_gaps_cover_what_is_missing(const AfterFault& after,
                                                const std::vector<std::string>& recorded) {
  std::set<std::uint64_t> in_redis(after.depth_u.begin(), after.depth_u.end());
  std::uint64_t covered = 0;
  std::uint64_t unaccounted = 0;
  if (after.depth_u.empty()) return 0;
  const std::uint64_t first = after.depth_u.front();
  for (const std::string& line : recorded) {
    const std::uint64_t u = sequence_of_line(line, "u");
    if (u == 0 || u < first) continue;
    bool in_gap = false;
    for (const auto& gap : after.gaps) {
      const auto& f = gap.fields;
      if (f.at("from") != "null" && u >= std::stoull(f.at("from")) && u <= std::stoull(f.at("to")))
        in_gap = true;
    }
    EXPECT_FALSE(in_gap && in_redis.count(u)) << u << " both published and inside a gap";
    if (in_gap) ++covered;
    if (!in_gap && !in_redis.count(u)) ++unaccounted;
  }
  EXPECT_EQ(unaccounted, 0u) << "depth events missing from Redis with no gap entry naming them";
  return covered;
}

TEST(FaultRedis, RedisKilledAndRestartedLeavesOneGapEntryAndCompleteFiles) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  const std::vector<std::string> symbols{"BTCUSDT"};
  const SymbolUnderTest btc{"usdm", "BTCUSDT"};
  // The outage: Redis away for 10 s. 4,000 events at 200/s (20 s) go on through it and
  // after the restart.
  constexpr std::uint64_t kEvents = 4000;
  constexpr auto kOutage = std::chrono::seconds(10);
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "47"});
  RecorderRun run = record_with_redis(sim, symbols, redis, {"--redis-queue", "50"});
  const std::string depth_key = "depthrec:usdm:BTCUSDT:depth";
  ASSERT_TRUE(wait_until([&] { return redis.xlen(depth_key) >= 100; }, std::chrono::seconds(20)));
  redis.kill();
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for_metrics(run, [&](const rapidjson::Document& m) {
    return redis_metric(m, "dropped") > 0 && !metric_flag(m, {"redis", "connected"}) &&
           std::chrono::steady_clock::now() - killed_at >= kOutage;
  })) << "the sink's queue (50 records) filled and dropped while Redis was away";
  redis.start();
  const auto restarted_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document& m) {
    return redis_metric(m, "gaps_marked") >= 1 && metric_flag(m, {"redis", "connected"});
  })) << run.process->output();
  const double recovery_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - restarted_at)
          .count();
  const double outage_ms =
      std::chrono::duration<double, std::milli>(restarted_at - killed_at).count();
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, {btc}, kEvents);
  ASSERT_TRUE(metrics);
  // The files are complete: every event depthsim sent, no break.
  expect_stream_replays_to_truth(sim, run, btc, 0);
  const auto lines = recorded_lines_by_stream(run.data_dir());
  const AfterFault after = read_depth_key(redis, depth_key);
  // One gap entry for the outage (a second only if the loaded machine stalled the sink for the
  // 50 records' worth of time again right after): each right after the range it names.
  ASSERT_GE(after.gaps.size(), 1u) << "a gap entry for the outage";
  std::uint64_t dropped_in_gaps = 0;
  for (const auto& gap : after.gaps) {
    const std::uint64_t from = std::stoull(gap.fields.at("from"));
    const std::uint64_t to = std::stoull(gap.fields.at("to"));
    EXPECT_LE(from, to);
    EXPECT_EQ(gap.id, gap.fields.at("to") + "-1") << "placed right after its range";
    dropped_in_gaps += std::stoull(gap.fields.at("dropped"));
  }
  const std::uint64_t covered =
      expect_gaps_cover_what_is_missing(after, lines.at("btcusdt@depth@100ms"));
  EXPECT_EQ(covered, dropped_in_gaps) << "the gap entries count what they cover";
  // The log says it too (warnings are echoed on stderr), not only metrics.json.
  const std::string output = run.process->output();
  EXPECT_NE(output.find("redis sink not connected ("), std::string::npos) << output;
  EXPECT_NE(output.find("redis sink dropped "), std::string::npos) << output;
  report_figure("Redis killed: outage ms / dropped (all streams) / depth events in the gap entry",
                std::to_string(static_cast<long>(outage_ms)) + " / " +
                    std::to_string(redis_metric(*metrics, "dropped")) + " / " +
                    std::to_string(covered));
  report_figure("Redis restarted: ms until the gap entry was published", recovery_ms);
  report_figure("reconnects / gap entries (all streams)",
                std::to_string(redis_metric(*metrics, "reconnects")) + " / " +
                    std::to_string(redis_metric(*metrics, "gaps_marked")));
}

TEST(FaultRedis, FrozenRedisKeepsTheQueueBoundedAndTheRecordingWhole) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  const std::vector<std::string> symbols{"BTCUSDT"};
  const SymbolUnderTest btc{"usdm", "BTCUSDT"};
  constexpr std::uint64_t kQueue = 200;
  Simulator sim(engine_sim_args({"--market", "usdm", "--symbols", "BTCUSDT"}, "53"));
  RecorderRun run =
      record_with_redis(sim, symbols, redis, {"--redis-queue", std::to_string(kQueue)});
  const std::string depth_key = "depthrec:usdm:BTCUSDT:depth";
  ASSERT_TRUE(wait_until([&] { return redis.xlen(depth_key) >= 50; }, std::chrono::seconds(20)));
  ASSERT_TRUE(redis.process().signal(SIGSTOP));
  const bool dropped = wait_for_metrics(
      run, [](const rapidjson::Document& m) { return redis_metric(m, "dropped") > 0; });
  ASSERT_TRUE(redis.process().signal(SIGCONT));
  ASSERT_TRUE(dropped) << "the sink's queue filled and dropped while Redis was frozen";
  const auto metrics = stop_once_every_book_is_at_truth(sim, run, {btc});
  ASSERT_TRUE(metrics);
  // The queue stayed within its bound (+1: the note of what was dropped).
  EXPECT_LE(redis_metric(*metrics, "queue_peak"), kQueue + 1);
  // The file writer and the network thread never waited on Redis: nothing dropped there, and
  // every event depthsim sent is recorded and verified.
  EXPECT_EQ(metric_at(*metrics, {"log_queue", "drops"}), 0u);
  expect_stream_replays_to_truth(sim, run, btc, 0);
  const auto lines = recorded_lines_by_stream(run.data_dir());
  const AfterFault after = read_depth_key(redis, depth_key);
  EXPECT_GE(after.gaps.size(), 1u) << "the records skipped while frozen are named by a gap entry";
  const std::uint64_t covered =
      expect_gaps_cover_what_is_missing(after, lines.at("btcusdt@depth@100ms"));
  report_figure("Redis frozen: queue peak / bound / dropped (all streams) / depth events in gaps",
                std::to_string(redis_metric(*metrics, "queue_peak")) + " / " +
                    std::to_string(kQueue) + " / " +
                    std::to_string(redis_metric(*metrics, "dropped")) + " / " +
                    std::to_string(covered));
}

}  // namespace
}  // namespace itest::faults_redis
