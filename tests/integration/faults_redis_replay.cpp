// depthrec-replay --to-redis (issue 14) against a real redis-server the test starts (Unix socket
// in a temporary directory, stopped by its pid): a Redis frozen (SIGSTOP) while the recorder
// publishes leaves a hole its redis_drop gap entry names; republishing the recording fills the
// hole in place, with the live sink's ids, deletes the gap entry, and finds everything else
// already present; a second run publishes nothing; depthrec-consume then reads every recorded
// depth event exactly once, no break, no gap.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "engine_e2e_support.hpp"
#include "faults_support.hpp"
#include "redis_e2e_support.hpp"

namespace itest::faults_redis_replay {
namespace {

const std::string kKey = "depthrec:usdm:BTCUSDT:depth";
constexpr std::uint64_t kEvents = 600;

struct ToolOutput {
  int exit_code = -1;
  std::string text;
};

ToolOutput run_tool(const std::string& program, const std::vector<std::string>& args) {
  const std::string dir = make_temp_dir("replay-redis");
  ChildProcess process(program, args, dir + "/output.txt");
  ToolOutput out;
  const auto code = process.wait_exit(std::chrono::seconds(60));
  out.exit_code = code ? *code : -1;
  out.text = process.output();
  return out;
}

// depthrec-replay --to-redis's counts, parsed from its summary line.
struct FillFigures {
  unsigned long long published = 0, present = 0, refused = 0, gaps_removed = 0;
  bool parsed = false;
};
FillFigures fill_figures(const std::string& text) {
  FillFigures f;
  const std::size_t at = text.find("published ");
  if (at == std::string::npos) return f;
  f.parsed = std::sscanf(text.c_str() + at,
                         "published %llu, already present %llu, refused %llu, gap entries "
                         "removed %llu",
                         &f.published, &f.present, &f.refused, &f.gaps_removed) == 4;
  return f;
}

TEST(FaultRedisReplay, ToRedisFillsTheHoleAFrozenRedisLeftAndConsumersSeeEveryEventOnce) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis;
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "400", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--seed", "61"});
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT", "--market", "usdm", "--streams", "depth@100ms",
                           "--print-interval", "1", "--redis", redis.url(), "--redis-queue", "20"});
  ASSERT_TRUE(wait_until([&] { return redis.xlen(kKey) >= 50; }, std::chrono::seconds(20)));
  ASSERT_TRUE(redis.process().signal(SIGSTOP));
  const bool dropped = wait_for_metrics(run, [](const rapidjson::Document& m) {
    return metric_at(m, {"redis", "dropped"}) > 0;
  });
  ASSERT_TRUE(redis.process().signal(SIGCONT));
  ASSERT_TRUE(dropped) << "the sink's queue (20 records) filled while Redis was frozen";
  // Until depthsim's last event is in Redis (<u>-0) and the gap entry is published.
  const bool done = wait_for_last_event_in_redis(sim, redis, "BTCUSDT", kKey, kEvents, [&] {
    const auto metrics = read_metrics(run.metrics_path());
    return metrics && metric_at(*metrics, {"redis", "gaps_marked"}) >= 1;
  });
  ASSERT_TRUE(done) << run.process->output();
  stop_recorder(run);
  const std::vector<std::string> recorded =
      recorded_stream_lines(run.data_dir(), "btcusdt@depth@100ms");
  const std::uint64_t before = redis.xlen(kKey);
  ASSERT_LT(before, recorded.size() + 1) << "the freeze left a hole (and a gap entry)";

  const ToolOutput fill =
      run_tool(binary("depthrec-replay"), {"--to-redis", redis.url(), run.data_dir()});
  EXPECT_EQ(fill.exit_code, 0) << fill.text;
  const FillFigures first = fill_figures(fill.text);
  ASSERT_TRUE(first.parsed) << fill.text;
  EXPECT_GT(first.published, 0u) << fill.text;
  EXPECT_EQ(first.refused, 0u) << fill.text;
  EXPECT_GE(first.gaps_removed, 1u) << fill.text;
  EXPECT_EQ(first.published + first.present, recorded.size()) << fill.text;

  // The stream is now the recording: the same lines, in the same order, each once, events at
  // their sequence's id.
  const auto entries = redis.entries(kKey);
  ASSERT_EQ(entries.size(), recorded.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].fields.at("data"), recorded[i]) << "entry " << i;
    const auto u = entries[i].fields.find("u");
    if (u != entries[i].fields.end()) {
      EXPECT_EQ(entries[i].id, u->second + "-0");
    }
  }

  // Idempotent: a second run finds everything present.
  const ToolOutput again =
      run_tool(binary("depthrec-replay"), {"--to-redis", redis.url(), run.data_dir()});
  const FillFigures second = fill_figures(again.text);
  EXPECT_EQ(again.exit_code, 0) << again.text;
  EXPECT_EQ(second.published, 0u) << again.text;
  EXPECT_EQ(second.present, recorded.size()) << again.text;

  // A consumer group reads every recorded depth event once, with no break and no gap entry.
  std::uint64_t depth_events = 0;
  std::string last_u;
  for (const auto& entry : entries) {
    const auto u = entry.fields.find("u");
    if (u == entry.fields.end()) continue;
    ++depth_events;
    last_u = u->second;
  }
  const ToolOutput consumed =
      run_tool(binary("depthrec-consume"), {"--redis", redis.url(), "--json", kKey});
  EXPECT_EQ(consumed.exit_code, 0) << consumed.text;
  rapidjson::Document report;
  report.Parse(consumed.text.c_str());
  ASSERT_TRUE(report.IsObject() && report.HasMember("streams")) << consumed.text;
  const rapidjson::Value& stream = report["streams"][0];
  EXPECT_EQ(u64(stream, "depth_events"), depth_events);
  // The book it rebuilt reached the last recorded event with no break on the way.
  EXPECT_TRUE(stream["synced"].GetBool());
  EXPECT_EQ(std::to_string(u64(stream, "last_update_id")), last_u);
  EXPECT_GT(u64(stream, "applied"), depth_events / 2);
  EXPECT_EQ(u64(stream, "breaks"), 0u);
  EXPECT_EQ(u64(stream, "gap_entries"), 0u);
  report_figure(
      "--to-redis after a freeze: entries before / published / already present / gap "
      "entries removed",
      std::to_string(before) + " / " + std::to_string(first.published) + " / " +
          std::to_string(first.present) + " / " + std::to_string(first.gaps_removed));
}

}  // namespace
}  // namespace itest::faults_redis_replay
