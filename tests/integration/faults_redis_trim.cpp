// --redis-max-age against a real redis-server (Unix socket, stopped by its pid; stream nodes of
// 10 entries, so that `MINID ~` trims finely): the sink, fed a minute of depth records at 10 a
// second by exchange event time, keeps what is within the age of the newest, all of it, and at
// most the age + 1 s (one time mark a second) + one stream node more.
#include <gtest/gtest.h>

#include <string>

#include "faults_support.hpp"
#include "redis/redis_publisher.hpp"
#include "redis_server.hpp"

namespace itest::faults_redis_trim {
namespace {

constexpr std::int64_t kFirstEventMs = 1'700'000'000'000;
constexpr std::int64_t kStepMs = 100;
constexpr int kRecords = 600;
constexpr std::int64_t kAgeMs = 10'000;
constexpr std::int64_t kNodeEntries = 10;

std::string trim_test_depth_line(int i) {
  return R"({"type":"depth","symbol":"BTCUSDT","market":"usdm","stream":"btcusdt@depth@100ms","recv_ns":1,"E":)" +
         std::to_string(kFirstEventMs + i * kStepMs) + R"(,"U":1,"u":)" + std::to_string(1000 + i) +
         R"(,"b":[],"a":[]})";
}

TEST(FaultRedisTrim, MaxAgeKeepsWhatIsWithinTheAgeByEventTime) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  RedisServer redis({"--stream-node-max-entries", std::to_string(kNodeEntries)});
  depthrec::redis::RedisPublisherConfig config;
  std::string error;
  const auto url = depthrec::redis::parse_redis_url(redis.url(), error);
  ASSERT_TRUE(url) << error;
  config.url = *url;
  config.max_age_ms = kAgeMs;
  {
    depthrec::redis::RedisPublisher publisher(config);
    for (int i = 0; i < kRecords; ++i)
      ASSERT_TRUE(publisher.offer(trim_test_depth_line(i), "btcusdt@depth@100ms"));
    publisher.stop();  // drains
    const auto stats = publisher.stats();
    EXPECT_EQ(stats.published, static_cast<std::uint64_t>(kRecords));
    EXPECT_EQ(stats.errors, 0u) << stats.last_error;
  }
  const auto entries = redis.entries("depthrec:usdm:BTCUSDT:depth");
  ASSERT_FALSE(entries.empty());
  const std::int64_t newest = std::stoll(entries.back().fields.at("E"));
  const std::int64_t oldest = std::stoll(entries.front().fields.at("E"));
  EXPECT_EQ(newest, kFirstEventMs + (kRecords - 1) * kStepMs);
  // Nothing within the age is trimmed...
  EXPECT_LE(oldest, newest - kAgeMs);
  // ...and what is kept beyond it is at most one mark interval and one stream node.
  EXPECT_GE(oldest, newest - kAgeMs - 1000 - kNodeEntries * kStepMs);
  for (std::size_t i = 1; i < entries.size(); ++i)
    ASSERT_EQ(std::stoll(entries[i].fields.at("E")),
              std::stoll(entries[i - 1].fields.at("E")) + kStepMs)
        << "no hole among what is kept";
  report_figure("--redis-max-age 10s over 60 s of events: entries kept / oldest kept age (ms)",
                std::to_string(entries.size()) + " / " + std::to_string(newest - oldest));
}

}  // namespace
}  // namespace itest::faults_redis_trim
