#include "depthrec/metrics_report.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "full_snapshot.hpp"
#include "metrics_fixtures.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kSeedTime = 1'760'690'281'509'000'000;  // 2025-10-17T08:38:01.509Z

// The seed's metrics.json example: 1200 s, 2639 messages, p50/p95/p99 = 79/81/98 ms, ...
MetricsSnapshot seed_example() {
  MetricsSnapshot s;
  s.key = StreamKey{Market::usdm, "ETHUSDT", "ethusdt@depth@100ms"};
  s.window_sec = 10;
  s.taken_ns = kSeedTime;
  s.start_ns = kSeedTime - 1200'000'000'000;
  s.window_start_ns = kSeedTime - 10'000'000'000;
  s.run.seconds = 1200.0;
  s.run.counters.messages = 2639;
  s.run.recv_rate = 2639.0 / 1200.0;
  s.run.event_latency_us =
      HistogramSummary{2639, 75'000, 150'000, 80'500.0, 79'000, 81'000, 98'000, 140'000};
  s.run.batch_span.p95 = 795;
  s.run.batch_span.max = 1536;
  s.run.queue_depth.p95 = 2;
  s.run.queue_depth.max = 7;
  s.run.pipeline_ns.p99 = 12'300;
  s.run.event_latency_corrected_us.p99 = 3'200;
  s.window.seconds = 10.0;
  s.window.counters.messages = 22;
  s.window.recv_rate = 2.2;
  return s;
}

// "dddd-dd-ddTdd:dd:dd.ddd" (std::regex trips g++ 12's -Wmaybe-uninitialized under ASan).
bool has_seed_timestamp_shape(const std::string& text) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.ddd";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == 'd' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(SummaryLine, SeedFieldsInTheSeedsOrderThenOurs) {
  MetricsSnapshot s = seed_example();
  s.clock_offset.source = ClockOffsetSource::rest;
  s.clock_offset.offset_ms = -1503.4;
  EXPECT_EQ(summary_line(s),
            "SUMMARY | t=1200s | msgs=2639 | rate=2.20/s | p50=79.0 p95=81.0 p99=98.0 | "
            "breaks=0 resyncs=0 reconnects=0 | batch_span_p95=795 max=1536 | "
            "log_q_p95=2 max=7 drops=0 | corr_p99=3.2 pipe_p99=12.3us offset=-1503ms");
}

TEST(SummaryLine, UnknownOffsetAndNonZeroCounters) {
  MetricsSnapshot s = seed_example();
  s.run.seconds = 59.99;
  s.run.counters.breaks = 1;
  s.run.counters.resyncs = 2;
  s.run.counters.reconnects = 3;
  s.run.counters.queue_drops = 10;
  s.run.event_latency_us.p50 = -1'420'350;
  const std::string line = summary_line(s);
  EXPECT_NE(line.find("| t=59s |"), std::string::npos) << line;
  EXPECT_NE(line.find("p50=-1420.3 "), std::string::npos) << line;
  EXPECT_NE(line.find("breaks=1 resyncs=2 reconnects=3"), std::string::npos) << line;
  EXPECT_NE(line.find("drops=10 |"), std::string::npos) << line;
  EXPECT_NE(line.find("offset=n/a"), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(SeedTimestamp, UtcWithMilliseconds) {
  EXPECT_EQ(format_seed_timestamp(kSeedTime), "2025-10-17T08:38:01.509");
  EXPECT_EQ(format_seed_timestamp(0), "1970-01-01T00:00:00.000");
  EXPECT_EQ(format_seed_timestamp(-1), "1969-12-31T23:59:59.999");
}

TEST(MetricsJson, SeedKeysFirstInOrderWithTheSeedsTypesAndValues) {
  const rapidjson::Document doc = parse(to_metrics_json(seed_example()));
  ASSERT_TRUE(doc.IsObject());
  const std::vector<std::string> seed_keys = {
      "timestamp",  "window_sec", "runtime_seconds", "total_messages", "recv_rate",
      "latency_ms", "continuity", "batch_span",      "log_queue",      "symbol"};
  auto member = doc.MemberBegin();
  for (const auto& name : seed_keys) {
    ASSERT_NE(member, doc.MemberEnd());
    EXPECT_EQ(std::string(member->name.GetString()), name);
    ++member;
  }
  EXPECT_STREQ(doc["timestamp"].GetString(), "2025-10-17T08:38:01.509");
  ASSERT_TRUE(doc["window_sec"].IsInt());
  EXPECT_EQ(doc["window_sec"].GetInt(), 10);
  ASSERT_TRUE(doc["runtime_seconds"].IsDouble());
  EXPECT_DOUBLE_EQ(doc["runtime_seconds"].GetDouble(), 1200.0);
  ASSERT_TRUE(doc["total_messages"].IsUint64());
  EXPECT_EQ(doc["total_messages"].GetUint64(), 2639u);
  ASSERT_TRUE(doc["recv_rate"].IsDouble());
  EXPECT_DOUBLE_EQ(doc["recv_rate"].GetDouble(), 2.2);

  const auto& latency = doc["latency_ms"];
  const std::vector<std::pair<const char*, double>> expected_latency = {
      {"avg_ms", 80.5}, {"min_ms", 75.0}, {"max_ms", 150.0},
      {"p50", 79.0},    {"p95", 81.0},    {"p99", 98.0}};
  ASSERT_EQ(latency.MemberCount(), expected_latency.size());
  auto field = latency.MemberBegin();
  for (const auto& [name, value] : expected_latency) {
    EXPECT_STREQ(field->name.GetString(), name);
    ASSERT_TRUE(field->value.IsDouble()) << name;
    EXPECT_DOUBLE_EQ(field->value.GetDouble(), value) << name;
    ++field;
  }
  const auto expect_counts = [](const rapidjson::Value& object,
                                const std::vector<std::pair<const char*, std::int64_t>>& fields) {
    ASSERT_TRUE(object.IsObject());
    ASSERT_EQ(object.MemberCount(), fields.size());
    auto it = object.MemberBegin();
    for (const auto& [name, value] : fields) {
      EXPECT_STREQ(it->name.GetString(), name);
      ASSERT_TRUE(it->value.IsInt64()) << name;
      EXPECT_EQ(it->value.GetInt64(), value) << name;
      ++it;
    }
  };
  expect_counts(doc["continuity"], {{"breaks", 0}, {"resyncs", 0}, {"reconnects", 0}});
  expect_counts(doc["batch_span"], {{"p95", 795}, {"max", 1536}});
  expect_counts(doc["log_queue"], {{"depth_p95", 2}, {"depth_max", 7}, {"drops", 0}});
  EXPECT_STREQ(doc["symbol"].GetString(), "ETHUSDT");
}

TEST(MetricsJson, ExtensionKeysArePresentWithTheirTypes) {
  const std::string text = to_metrics_json(seed_example());
  EXPECT_EQ(text.back(), '\n');
  const rapidjson::Document doc = parse(text);
  EXPECT_EQ(doc["version"].GetInt(), kMetricsJsonVersion);
  EXPECT_EQ(doc["timestamp_ns"].GetInt64(), kSeedTime);
  EXPECT_STREQ(doc["market"].GetString(), "usdm");
  EXPECT_STREQ(doc["stream"].GetString(), "ethusdt@depth@100ms");
  for (const char* name : {"event_latency_corrected_ms", "pipeline_latency_ms",
                           "pipeline_latency_us", "callback_us"}) {
    ASSERT_TRUE(doc.HasMember(name)) << name;
    for (const char* field : {"count", "avg", "min", "max", "p50", "p95", "p99", "p999"}) {
      EXPECT_TRUE(doc[name].HasMember(field)) << name << "." << field;
    }
  }
  EXPECT_DOUBLE_EQ(doc["pipeline_latency_us"]["p99"].GetDouble(), 12.3);
  EXPECT_DOUBLE_EQ(doc["pipeline_latency_ms"]["p99"].GetDouble(), 0.0123);
  EXPECT_TRUE(doc["clock_offset_ms"].IsNull());  // no sample yet
  EXPECT_STREQ(doc["clock"]["source"].GetString(), "none");
  for (const char* name : {"malformed_json", "not_an_object", "missing_field", "wrong_type",
                           "bad_number", "bad_decimal", "bad_level", "too_large", "total"}) {
    EXPECT_TRUE(doc["parse_errors"].HasMember(name)) << name;
  }
  for (const char* name : {"writer", "snapshots", "sync", "book", "integrity", "window"}) {
    EXPECT_TRUE(doc[name].IsObject()) << name;
  }
  EXPECT_TRUE(doc["book"]["best_bid"].IsNull());
  EXPECT_TRUE(doc["last_message_age_ms"].IsNull());
  const auto& window = doc["window"];
  EXPECT_DOUBLE_EQ(window["seconds"].GetDouble(), 10.0);
  EXPECT_EQ(window["messages"].GetUint64(), 22u);
  for (const char* name : {"latency_ms", "continuity", "batch_span", "log_queue",
                           "event_latency_corrected_ms", "pipeline_latency_us", "integrity"}) {
    EXPECT_TRUE(window[name].IsObject()) << name;
  }
}

TEST(MetricsJson, FromLiveFeedMetrics) {
  constexpr std::int64_t kMs = 1'000'000;
  FeedMetrics m(StreamKey{Market::spot, "BNBBTC", "bnbbtc@depth@100ms"}, kSeedTime);
  m.record_server_time(kSeedTime, kSeedTime + 30 * kMs, kSeedTime / kMs + 1515);
  for (int i = 0; i < 50; ++i) {
    EventSample e;
    e.event_time_ms = kSeedTime / kMs + 2000 + i * 100;
    e.recv_ns = (e.event_time_ms - 1500 + 60) * kMs;
    e.pipeline_ns = 3000 + i;
    e.batch_span = 10;
    e.frame_bytes = 1286;
    e.callback_ns = 800;
    e.book = BookTop{true, 77, Decimal{123}, std::nullopt};
    m.record_event(e);
  }
  m.record_parse_error(ParseError::bad_level, 10, kSeedTime);
  m.record_break("u_gap");
  const rapidjson::Document doc = parse(to_metrics_json(m.snapshot(kSeedTime + 10'000 * kMs)));
  EXPECT_EQ(doc["total_messages"].GetUint64(), 50u);
  EXPECT_DOUBLE_EQ(doc["recv_rate"].GetDouble(), 5.0);
  EXPECT_DOUBLE_EQ(doc["latency_ms"]["p50"].GetDouble(), -1440.0);
  ASSERT_TRUE(doc["clock_offset_ms"].IsDouble());
  EXPECT_NEAR(doc["clock_offset_ms"].GetDouble(), -1500.0, 16.0);
  EXPECT_NEAR(doc["event_latency_corrected_ms"]["p50"].GetDouble(), 60.0, 16.0);
  EXPECT_EQ(doc["parse_errors"]["bad_level"].GetUint64(), 1u);
  EXPECT_EQ(doc["parse_errors"]["total"].GetUint64(), 1u);
  EXPECT_EQ(doc["integrity"]["gaps"]["u_gap"].GetUint64(), 1u);
  EXPECT_EQ(doc["continuity"]["breaks"].GetUint64(), 1u);
  EXPECT_STREQ(doc["book"]["best_bid"].GetString(), "0.00000123");
  EXPECT_TRUE(doc["book"]["best_ask"].IsNull());
  EXPECT_EQ(doc["book"]["last_update_id"].GetUint64(), 77u);
  EXPECT_TRUE(doc["book"]["synced"].GetBool());
  EXPECT_DOUBLE_EQ(doc["book"]["unsynced_ms"].GetDouble(), 0.0);
  EXPECT_EQ(doc["snapshots"]["consecutive_failures"].GetUint64(), 0u);
  EXPECT_EQ(doc["ticker_messages"].GetUint64(), 0u);
  EXPECT_EQ(doc["window"]["ticker_messages"].GetUint64(), 0u);
  EXPECT_DOUBLE_EQ(doc["callback_us"]["p50"].GetDouble(), 0.8);
  EXPECT_STREQ(doc["market"].GetString(), "spot");
  EXPECT_TRUE(has_seed_timestamp_shape(doc["timestamp"].GetString()))
      << doc["timestamp"].GetString();
}

// What depthrec-check's unsynced and failing-snapshot alerts read.
TEST(MetricsJson, UnsyncedTimeAndConsecutiveSnapshotFailures) {
  constexpr std::int64_t kMs = 1'000'000;
  FeedMetrics m(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, kSeedTime);
  for (int i = 0; i < 7; ++i) m.record_snapshot_fetch(SnapshotFetch::failed);
  const rapidjson::Document doc = parse(to_metrics_json(m.snapshot(kSeedTime + 95'250 * kMs)));
  EXPECT_FALSE(doc["book"]["synced"].GetBool());
  EXPECT_DOUBLE_EQ(doc["book"]["unsynced_ms"].GetDouble(), 95'250.0);
  EXPECT_EQ(doc["snapshots"]["consecutive_failures"].GetUint64(), 7u);
  EXPECT_EQ(doc["snapshots"]["failed"].GetUint64(), 7u);
}

// The REST scheduler's figures for the feed's budget: null until a scheduler reported them.
TEST(MetricsJson, RestSchedulerObject) {
  FeedMetrics m(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, kSeedTime);
  EXPECT_TRUE(parse(to_metrics_json(m.snapshot(kSeedTime)))["rest"].IsNull());
  RestState rest;
  rest.budget = "futures";
  rest.weight_limit = 2400;
  rest.weight_planned_limit = 2160;
  rest.weight_initial_limit = 1920;
  rest.weight_used = 41;
  rest.queued_resync = 1;
  rest.queued_initial = 2;
  rest.queued_low = 3;
  rest.requests = 4;
  rest.cancelled = 5;
  rest.refused = 6;
  rest.http_429 = 7;
  rest.http_418 = 8;
  rest.blocked_ms = 9000;
  rest.blocked_remaining_ms = 1000;
  m.set_rest_state(rest);
  const std::string text = to_metrics_json(m.snapshot(kSeedTime));
  const rapidjson::Document doc = parse(text);
  ASSERT_TRUE(doc["rest"].IsObject()) << text;
  const auto& r = doc["rest"];
  EXPECT_STREQ(r["budget"].GetString(), "futures");
  EXPECT_EQ(r["window_ms"].GetInt64(), 60000);
  EXPECT_EQ(r["weight_limit"].GetInt64(), 2400);
  EXPECT_EQ(r["weight_planned_limit"].GetInt64(), 2160);
  EXPECT_EQ(r["weight_initial_limit"].GetInt64(), 1920);
  EXPECT_EQ(r["weight_used"].GetUint64(), 41u);
  EXPECT_EQ(r["queued"]["resync"].GetUint64(), 1u);
  EXPECT_EQ(r["queued"]["initial"].GetUint64(), 2u);
  EXPECT_EQ(r["queued"]["low"].GetUint64(), 3u);
  EXPECT_EQ(r["requests"].GetUint64(), 4u);
  EXPECT_EQ(r["cancelled"].GetUint64(), 5u);
  EXPECT_EQ(r["refused"].GetUint64(), 6u);
  EXPECT_EQ(r["http_429"].GetUint64(), 7u);
  EXPECT_EQ(r["http_418"].GetUint64(), 8u);
  EXPECT_EQ(r["blocked_ms"].GetInt64(), 9000);
  EXPECT_EQ(r["blocked_remaining_ms"].GetInt64(), 1000);
  // After snapshots{...}, before sync{...}: the REST figures sit beside the snapshot counts.
  EXPECT_LT(text.find("\"snapshots\""), text.find("\"rest\""));
  EXPECT_LT(text.find("\"rest\""), text.find("\"sync\""));
}

TEST(MetricsJson, RedisObjectCarriesTheSinksTwoLagDistributions) {
  FeedMetrics m(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, kSeedTime);
  RedisSinkState redis;
  redis.enabled = true;
  redis.url = "unix:///tmp/redis.sock";
  redis.write_lag = LagFigures{12, 0.25, 1.5, 7.125};
  redis.queue_lag = LagFigures{11, 0.0625, 0.75, 3.0};
  m.set_redis_state(redis);
  const std::string text = to_metrics_json(m.snapshot(kSeedTime));
  const rapidjson::Document doc = parse(text);
  ASSERT_TRUE(doc["redis"].IsObject()) << text;
  const auto& write_lag = doc["redis"]["write_lag_ms"];
  EXPECT_EQ(write_lag["samples"].GetUint64(), 12u);
  EXPECT_DOUBLE_EQ(write_lag["p50"].GetDouble(), 0.25);
  EXPECT_DOUBLE_EQ(write_lag["p99"].GetDouble(), 1.5);
  EXPECT_DOUBLE_EQ(write_lag["max"].GetDouble(), 7.125);
  const auto& queue_lag = doc["redis"]["queue_lag_ms"];
  EXPECT_EQ(queue_lag["samples"].GetUint64(), 11u);
  EXPECT_DOUBLE_EQ(queue_lag["p50"].GetDouble(), 0.063);  // rounded to 3 decimals
  EXPECT_DOUBLE_EQ(queue_lag["p99"].GetDouble(), 0.75);
  EXPECT_DOUBLE_EQ(queue_lag["max"].GetDouble(), 3.0);
  // In the order README.md lists them: the queue figures, the two lags, then last_error.
  EXPECT_LT(text.find("\"queue_capacity\""), text.find("\"write_lag_ms\""));
  EXPECT_LT(text.find("\"write_lag_ms\""), text.find("\"queue_lag_ms\""));
  EXPECT_LT(text.find("\"queue_lag_ms\""), text.find("\"last_error\"", text.find("\"redis\"")));
}

// metrics_full_golden.json was written by to_metrics_json before metrics.json had one writer for
// the single-stream and the many-stream documents (commit 6bd8839): every member, byte for byte.
TEST(MetricsJson, EveryMemberIsWrittenByteForByteAsBefore) {
  std::ifstream in(test::metrics_fixture("metrics_full_golden.json"), std::ios::binary);
  std::stringstream golden;
  golden << in.rdbuf();
  ASSERT_FALSE(golden.str().empty());
  EXPECT_EQ(to_metrics_json(test::full_snapshot()), golden.str());
}

// A name from the network or a file is written as valid JSON whatever its bytes: quotes,
// backslashes and control characters escaped, bytes that are not UTF-8 replaced by U+FFFD.
TEST(MetricsJson, AnyNameGivesValidJson) {
  MetricsSnapshot s = test::full_snapshot();
  s.key.symbol = "A\"B\\C\n\x01\xff\xc3(\xe2\x82\xac";
  s.key.stream = std::string("x\0y\xed\xa0\x80z", 7);
  s.text_log.last_error = "\xf0\x9f\x98";
  s.gaps = {{"re\"ason\xfe", 1}};
  const std::string text = to_metrics_json(s);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
  ASSERT_FALSE(doc.HasParseError()) << text;
  EXPECT_EQ(std::string(doc["symbol"].GetString(), doc["symbol"].GetStringLength()),
            "A\"B\\C\n\x01\xEF\xBF\xBD\xEF\xBF\xBD(\xe2\x82\xac");
  EXPECT_EQ(std::string(doc["stream"].GetString(), doc["stream"].GetStringLength()),
            std::string("x\0y\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz", 13));
  EXPECT_STREQ(doc["text_log"]["last_error"].GetString(), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(doc["integrity"]["gaps"].HasMember("re\"ason\xEF\xBF\xBD"));
}

}  // namespace
}  // namespace depthrec
