#include <gtest/gtest.h>

#include "exposition/health_check.hpp"
#include "exposition/listen_address.hpp"
#include "exposition/process_figures.hpp"

namespace depthrec::exposition {
namespace {

constexpr std::int64_t kStale = 30'000'000'000;

StreamReport live_synced(const char* symbol) {
  StreamReport r;
  r.snapshot.key = {Market::usdm, symbol, "x@depth@100ms"};
  r.snapshot.book.synced = true;
  r.snapshot.last_message_age_ns = 200'000'000;
  return r;
}

TEST(Healthz, HealthyWhenEveryStreamIsLiveAndSynced) {
  const HealthVerdict verdict = judge_health({live_synced("A"), live_synced("B")}, kStale);
  EXPECT_TRUE(verdict.healthy);
  EXPECT_EQ(health_body(verdict), "ok\n");
}

TEST(Healthz, NoStreamReportedIsUnhealthy) {
  const HealthVerdict verdict = judge_health({}, kStale);
  EXPECT_FALSE(verdict.healthy);
  EXPECT_NE(health_body(verdict).find("starting or stopping"), std::string::npos);
}

TEST(Healthz, EachStreamAtFaultGivesItsReason) {
  StreamReport unsynced = live_synced("UNSYNCED");
  unsynced.snapshot.book.synced = false;
  unsynced.snapshot.book.unsynced_ns = 3'200'000'000;
  StreamReport silent = live_synced("SILENT");
  silent.snapshot.last_message_age_ns = -1;
  StreamReport stale = live_synced("STALE");
  stale.snapshot.last_message_age_ns = kStale + 1;
  const HealthVerdict verdict = judge_health({live_synced("OK"), unsynced, silent, stale}, kStale);
  EXPECT_FALSE(verdict.healthy);
  ASSERT_EQ(verdict.reasons.size(), 3u);
  EXPECT_EQ(verdict.reasons[0], "usdm:UNSYNCED (x@depth@100ms): book not synced (for 3.2 s)");
  EXPECT_EQ(verdict.reasons[1], "usdm:SILENT (x@depth@100ms): no event received yet");
  EXPECT_EQ(verdict.reasons[2], "usdm:STALE (x@depth@100ms): stale, no event for 30.0 s");
  EXPECT_EQ(health_body(verdict).substr(0, 22), "unhealthy: 3 problems\n");
}

TEST(Healthz, AgeAtTheStallTimeoutIsStillLive) {
  StreamReport edge = live_synced("EDGE");
  edge.snapshot.last_message_age_ns = kStale;
  EXPECT_TRUE(judge_health({edge}, kStale).healthy);
}

TEST(Healthz, RemovedStreamsDoNotCountButOneMustRemain) {
  StreamReport removed = live_synced("GONE");
  removed.removed = true;
  removed.snapshot.book.synced = false;
  EXPECT_TRUE(judge_health({live_synced("A"), removed}, kStale).healthy);
  EXPECT_FALSE(judge_health({removed}, kStale).healthy);
}

TEST(Healthz, BodyIsBoundedWithManyReasons) {
  std::vector<StreamReport> streams(500, live_synced("X"));
  for (auto& s : streams) s.snapshot.book.synced = false;
  const std::string body = health_body(judge_health(streams, kStale), 100);
  EXPECT_NE(body.find("... and 400 more\n"), std::string::npos);
}

TEST(ListenAddress, LoopbackAddressesAndPortZero) {
  std::string error;
  auto a = parse_listen_address("127.0.0.1:9464", false, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->text(), "127.0.0.1:9464");
  EXPECT_TRUE(a->loopback);
  a = parse_listen_address("localhost:0", false, error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->text(), "127.0.0.1:0");
  a = parse_listen_address("[::1]:9464", false, error);
  ASSERT_TRUE(a) << error;
  EXPECT_TRUE(a->ipv6);
  EXPECT_EQ(a->text(), "[::1]:9464");
  a = parse_listen_address("127.1.2.3:1", false, error);
  ASSERT_TRUE(a) << error;
}

TEST(ListenAddress, RemoteAddressNeedsTheAllowFlag) {
  std::string error;
  EXPECT_FALSE(parse_listen_address("0.0.0.0:9464", false, error));
  EXPECT_NE(error.find("not a loopback address"), std::string::npos) << error;
  EXPECT_NE(error.find("--metrics-allow-remote"), std::string::npos) << error;
  EXPECT_FALSE(parse_listen_address("[::]:9464", false, error));
  const auto allowed = parse_listen_address("0.0.0.0:9464", true, error);
  ASSERT_TRUE(allowed);
  EXPECT_FALSE(allowed->loopback);
}

TEST(ListenAddress, MalformedTextIsAClearError) {
  for (const char* text : {"", "9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                           "127.0.0.1:94x4", "example.com:9464", "::1:9464", "[::1]9464", "[::1",
                           "[nothost]:1", "127.0.0.1:000000009"}) {
    std::string error;
    EXPECT_FALSE(parse_listen_address(text, true, error)) << text;
    EXPECT_NE(error.find("--metrics-listen"), std::string::npos) << text << ": " << error;
  }
}

TEST(ProcessFigures, ParsesTheKernelsStatLineWhateverTheCommand) {
  // comm "(a) b)" holds spaces and parentheses: fields count from the last ')'.
  const std::string stat =
      "42 ((a) b)) S 1 42 42 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 3 0 1000 8192000 300 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";
  const auto figures = parse_proc_stat(stat, 100.0, 4096.0, 1'700'000'000.0);
  ASSERT_TRUE(figures);
  EXPECT_DOUBLE_EQ(figures->cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(figures->start_time_seconds, 1'700'000'010.0);
  EXPECT_DOUBLE_EQ(figures->virtual_memory_bytes, 8'192'000.0);
  EXPECT_DOUBLE_EQ(figures->resident_memory_bytes, 300.0 * 4096.0);
  EXPECT_FALSE(parse_proc_stat("garbage", 100.0, 4096.0, 0.0));
  EXPECT_FALSE(parse_proc_stat("1 (x) S 1 2", 100.0, 4096.0, 0.0));
}

TEST(ProcessFigures, ThisProcessHasCpuMemoryAndDescriptors) {
  const auto figures = read_process_figures();
  ASSERT_TRUE(figures);
  EXPECT_GT(figures->resident_memory_bytes, 0.0);
  EXPECT_GE(figures->open_fds, 3.0);  // stdin, stdout, stderr
  EXPECT_GT(figures->max_fds, 0.0);
  EXPECT_GT(figures->start_time_seconds, 1.6e9);
}

}  // namespace
}  // namespace depthrec::exposition
