// The Redis sink (issue 14) against a redis-server at its memory limit (started with --maxmemory
// and --maxmemory-policy noeviction; the test lowers the limit to just above what the server
// uses once entries flow): Redis refuses the XADDs with OOM, the sink counts them and names them
// by a redis_drop gap entry once Redis takes entries again, the recording goes on complete, and
// after the test frees memory (XTRIM) and gives the server room, publishing resumes: every event
// recorded after the gap is in Redis, in exchange order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_e2e_support.hpp"
#include "faults_support.hpp"
#include "redis_e2e_support.hpp"

namespace itest::faults_redis_memory {
namespace {

const std::string kKey = "depthrec:usdm:BTCUSDT:depth";
constexpr std::uint64_t kEvents = 800;
constexpr std::uint64_t kHeadroomBytes = 64 * 1024;

TEST(FaultRedisMemory, RefusedWritesAtMaxmemoryAreCountedMarkedAndPublishingResumes) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis({"--maxmemory", "64mb", "--maxmemory-policy", "noeviction"});
  const SymbolUnderTest btc{"usdm", "BTCUSDT"};
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "250", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "67"});
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT", "--market", "usdm", "--streams", "depth@100ms",
                           "--print-interval", "1", "--redis", redis.url()});
  ASSERT_TRUE(wait_until([&] { return redis.xlen(kKey) >= 50; }, std::chrono::seconds(20)));
  const std::uint64_t used = redis.info_figure("memory", "used_memory");
  ASSERT_GT(used, 0u);
  ASSERT_TRUE(redis.command({"CONFIG", "SET", "maxmemory", std::to_string(used + kHeadroomBytes)}));
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document& m) {
    return metric_at(m, {"redis", "errors"}) > 0 && metric_at(m, {"redis", "dropped"}) > 0;
  })) << "Redis refused XADDs with OOM and the sink counted them";
  const std::uint64_t entries_at_limit = redis.xlen(kKey);
  // Memory freed (a consumer trims what it read) and room given: publishing resumes.
  ASSERT_TRUE(redis.command({"XTRIM", kKey, "MAXLEN", "0"}));
  ASSERT_TRUE(redis.command({"CONFIG", "SET", "maxmemory", "64mb"}));
  ASSERT_TRUE(wait_for_last_event_in_redis(sim, redis, "BTCUSDT", kKey, kEvents, [&] {
    const auto metrics = read_metrics(run.metrics_path());
    return metrics && metric_at(*metrics, {"redis", "gaps_marked"}) >= 1;
  })) << run.process->output();
  stop_recorder(run);
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  // The recording is whole: every event depthsim sent, nothing dropped by the file writer.
  expect_stream_replays_to_truth(sim, run, btc, 0);
  EXPECT_EQ(metric_at(*metrics, {"log_queue", "drops"}), 0u);
  const std::uint64_t refused = metric_at(*metrics, {"redis", "errors"});
  const std::uint64_t dropped = metric_at(*metrics, {"redis", "dropped"});
  EXPECT_GE(refused, dropped) << "each dropped record was refused (gap entries may be too)";

  // After the trim the stream starts with the gap entry naming what Redis refused, then every
  // event recorded after it, in order, none missing.
  const auto entries = redis.entries(kKey);
  ASSERT_FALSE(entries.empty());
  std::uint64_t gap_to = 0, gap_dropped = 0;
  std::vector<std::string> published_u;
  for (const auto& entry : entries) {
    const auto& f = entry.fields;
    if (f.at("type") == "gap" && f.count("reason") && f.at("reason") == "redis_drop") {
      ASSERT_NE(f.at("to"), "null");
      gap_to = std::stoull(f.at("to"));
      gap_dropped += std::stoull(f.at("dropped"));
    } else if (f.count("u")) {
      published_u.push_back(f.at("u"));
    }
  }
  ASSERT_GT(gap_to, 0u) << "a redis_drop gap entry was published after the refusals";
  EXPECT_GE(gap_dropped, 1u);
  std::vector<std::string> recorded_after;
  for (const std::string& line : recorded_stream_lines(
           run.data_dir(), SymbolUnderTest::to_lower("BTCUSDT") + "@depth@100ms")) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    if (doc.IsObject() && str(doc, "type") == "depth" && u64(doc, "u") > gap_to)
      recorded_after.push_back(std::to_string(u64(doc, "u")));
  }
  ASSERT_FALSE(recorded_after.empty());
  EXPECT_EQ(published_u, recorded_after) << "every event after the gap, once, in order";
  report_figure(
      "maxmemory: entries at the limit / refused / records dropped / named by gap entries "
      "after the trim / events published after",
      std::to_string(entries_at_limit) + " / " + std::to_string(refused) + " / " +
          std::to_string(dropped) + " / " + std::to_string(gap_dropped) + " / " +
          std::to_string(published_u.size()));
}

}  // namespace
}  // namespace itest::faults_redis_memory
