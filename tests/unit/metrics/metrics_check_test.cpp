#include "depthrec/metrics_check.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>
#include <string>

#include "metrics_fixtures.hpp"

namespace depthrec {
namespace {

constexpr std::int64_t kFileTime = 1'760'690'281'509'000'000;  // the fixtures' timestamp
constexpr std::int64_t kNow = kFileTime + 5'000'000'000;

std::string fixture(const std::string& name) {
  return test::metrics_fixture(name);
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const MetricCheck& find(const CheckReport& report, const std::string& metric) {
  for (const auto& check : report.checks) {
    if (check.metric == metric) return check;
  }
  static const MetricCheck missing{"<absent>", AlertLevel::critical, std::nullopt, ""};
  ADD_FAILURE() << "no check named " << metric;
  return missing;
}

// The seed's example with one value replaced (a JSON pointer such as "/continuity/resyncs").
std::string seed_with(const char* pointer, double value) {
  rapidjson::Document doc;
  doc.Parse(read(fixture("metrics_seed.json")).c_str());
  rapidjson::Pointer(pointer).Set(doc, value);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return buffer.GetString();
}

TEST(MetricsCheck, SeedExampleIsAllOk) {
  const CheckReport report = check_metrics_file(fixture("metrics_seed.json"), CheckOptions{}, kNow);
  EXPECT_EQ(report.status, AlertLevel::ok);
  EXPECT_EQ(report.symbol, "ETHUSDT");
  ASSERT_EQ(report.checks.size(), 12u);
  const char* order[] = {"rate",   "p50",          "p95",        "p99",
                         "breaks", "resyncs",      "reconnects", "drops",
                         "stale",  "clock_offset", "unsynced",   "snapshot_failures"};
  for (std::size_t i = 0; i < 12; ++i) EXPECT_EQ(report.checks[i].metric, order[i]);
  EXPECT_EQ(format_check_line(report.checks[0]), "OK       rate=2.20/s (warn <0.5, crit <0.1)");
  EXPECT_EQ(format_check_line(report.checks[3]),
            "OK       p99=98.0ms [raw] (warn >500, crit >2000)");
  // The seed has no sync or snapshot keys: unknown, not an alert.
  EXPECT_EQ(format_check_line(report.checks[10]),
            "OK       unsynced=unknown (\"book.unsynced_ms\" not in the file)");
  EXPECT_EQ(format_status_line(report), "STATUS OK: 0 warning, 0 critical, 12 ok (ETHUSDT)");
}

// The defect of issue 17: snapshots failing for minutes left the book never synced while every
// other figure looked healthy, and the check said STATUS OK.
TEST(MetricsCheck, BookNeverSyncedAndFailingSnapshotsAreCritical) {
  const CheckReport report =
      check_metrics_file(fixture("metrics_unsynced.json"), CheckOptions{}, kNow);
  EXPECT_EQ(report.status, AlertLevel::critical);
  EXPECT_EQ(format_check_line(find(report, "unsynced")), "CRITICAL unsynced=180.0s (crit >60)");
  EXPECT_EQ(format_check_line(find(report, "snapshot_failures")),
            "CRITICAL snapshot_failures=41 in a row (crit >5)");
  EXPECT_EQ(format_status_line(report), "STATUS CRITICAL: 0 warning, 2 critical, 10 ok (BTCUSDT)");
  // A synced book with snapshots fetched: both OK, with their values.
  const CheckReport ok = check_metrics_file(fixture("metrics_ok.json"), CheckOptions{}, kNow);
  EXPECT_EQ(ok.status, AlertLevel::ok);
  EXPECT_EQ(format_check_line(find(ok, "unsynced")), "OK       unsynced=0.0s (crit >60)");
  EXPECT_EQ(find(ok, "snapshot_failures").value, 0.0);
}

// Each limit on its own: strict, warn and crit from the options, none disables; a value of the
// wrong type is CRITICAL like any mistyped key.
TEST(MetricsCheck, UnsyncedAndSnapshotFailureThresholds) {
  const auto level = [](const char* pointer, double value, const CheckOptions& options,
                        const char* metric) {
    return find(check_metrics_text(seed_with(pointer, value), options, kNow, std::nullopt), metric)
        .level;
  };
  const CheckOptions defaults;
  EXPECT_EQ(level("/book/unsynced_ms", 60'000, defaults, "unsynced"), AlertLevel::ok);
  EXPECT_EQ(level("/book/unsynced_ms", 60'001, defaults, "unsynced"), AlertLevel::critical);
  EXPECT_EQ(level("/snapshots/consecutive_failures", 5, defaults, "snapshot_failures"),
            AlertLevel::ok);
  EXPECT_EQ(level("/snapshots/consecutive_failures", 6, defaults, "snapshot_failures"),
            AlertLevel::critical);
  CheckOptions options;
  options.thresholds.unsynced_sec = AlertLimits{AlertDirection::above, 5.0, 30.0};
  options.thresholds.snapshot_failures = AlertLimits{AlertDirection::above, 1.0, std::nullopt};
  EXPECT_EQ(level("/book/unsynced_ms", 5'000, options, "unsynced"), AlertLevel::ok);
  EXPECT_EQ(level("/book/unsynced_ms", 5'500, options, "unsynced"), AlertLevel::warning);
  EXPECT_EQ(level("/book/unsynced_ms", 30'500, options, "unsynced"), AlertLevel::critical);
  EXPECT_EQ(level("/snapshots/consecutive_failures", 2, options, "snapshot_failures"),
            AlertLevel::warning);
  EXPECT_EQ(level("/snapshots/consecutive_failures", 1000, options, "snapshot_failures"),
            AlertLevel::warning);  // crit none: never critical
  for (const char* text : {R"({"book":{"unsynced_ms":"5"}})", R"({"book":{"unsynced_ms":null}})"}) {
    EXPECT_EQ(find(check_metrics_text(text, defaults, kNow, std::nullopt), "unsynced").level,
              AlertLevel::critical)
        << text;
  }
  EXPECT_EQ(find(check_metrics_text(R"({"snapshots":{"consecutive_failures":true}})", defaults,
                                    kNow, std::nullopt),
                 "snapshot_failures")
                .level,
            AlertLevel::critical);
}

// Each metric is read from its own key: changing that key alone moves that check alone.
TEST(MetricsCheck, EachMetricClassedFromItsKey) {
  struct Case {
    const char* pointer;
    double value;
    const char* metric;
    AlertLevel level;
  };
  const Case cases[] = {
      {"/recv_rate", 0.3, "rate", AlertLevel::warning},
      {"/recv_rate", 0.05, "rate", AlertLevel::critical},
      {"/latency_ms/p50", 250, "p50", AlertLevel::warning},
      {"/latency_ms/p50", 600, "p50", AlertLevel::critical},
      {"/latency_ms/p95", 400, "p95", AlertLevel::warning},
      {"/latency_ms/p95", 1200, "p95", AlertLevel::critical},
      {"/latency_ms/p99", 600, "p99", AlertLevel::warning},
      {"/latency_ms/p99", 2500, "p99", AlertLevel::critical},
      {"/continuity/breaks", 1, "breaks", AlertLevel::critical},
      {"/continuity/resyncs", 2, "resyncs", AlertLevel::warning},
      {"/continuity/resyncs", 3, "resyncs", AlertLevel::warning},
      {"/continuity/resyncs", 4, "resyncs", AlertLevel::critical},
      {"/continuity/reconnects", 1, "reconnects", AlertLevel::ok},
      {"/continuity/reconnects", 4, "reconnects", AlertLevel::warning},
      {"/continuity/reconnects", 6, "reconnects", AlertLevel::critical},
      {"/log_queue/drops", 1, "drops", AlertLevel::critical},
      {"/clock_offset_ms", -1503, "clock_offset", AlertLevel::warning},
      {"/clock_offset_ms", 20, "clock_offset", AlertLevel::ok},
  };
  for (const Case& c : cases) {
    const CheckReport report =
        check_metrics_text(seed_with(c.pointer, c.value), CheckOptions{}, kNow, std::nullopt);
    EXPECT_EQ(find(report, c.metric).level, c.level) << c.pointer << "=" << c.value;
    EXPECT_EQ(report.status, c.level) << c.pointer << "=" << c.value;
    for (const auto& check : report.checks) {
      if (check.metric != c.metric) {
        EXPECT_EQ(check.level, AlertLevel::ok) << check.text;
      }
    }
  }
}

TEST(MetricsCheck, OverriddenThresholds) {
  CheckOptions options;
  options.thresholds.p99_ms = AlertLimits{AlertDirection::above, 90.0, 95.0};
  const std::string seed = read(fixture("metrics_seed.json"));
  EXPECT_EQ(find(check_metrics_text(seed, options, kNow, std::nullopt), "p99").level,
            AlertLevel::critical);
  options.thresholds.p99_ms.crit.reset();
  EXPECT_EQ(find(check_metrics_text(seed, options, kNow, std::nullopt), "p99").level,
            AlertLevel::warning);
  options.thresholds.rate = AlertLimits{AlertDirection::below, 3.0, 1.0};
  EXPECT_EQ(find(check_metrics_text(seed, options, kNow, std::nullopt), "rate").level,
            AlertLevel::warning);
}

TEST(MetricsCheck, LatencySourceCorrectedByDefaultWhenPresent) {
  const std::string path = fixture("metrics_warning.json");  // corrected p99 650, raw p99 < 0
  CheckOptions options;
  CheckReport report = check_metrics_file(path, options, kNow);
  EXPECT_EQ(find(report, "p99").level, AlertLevel::warning);
  EXPECT_NE(find(report, "p99").text.find("[corrected]"), std::string::npos);
  options.latency = LatencySource::raw;
  report = check_metrics_file(path, options, kNow);
  EXPECT_EQ(find(report, "p99").level, AlertLevel::ok);
  EXPECT_NE(find(report, "p99").text.find("[raw]"), std::string::npos);
  // Demanding corrected latency of a seed file (which has none) is a missing key.
  options.latency = LatencySource::corrected;
  report = check_metrics_file(fixture("metrics_seed.json"), options, kNow);
  EXPECT_EQ(find(report, "p99").level, AlertLevel::critical);
  EXPECT_NE(find(report, "p99").text.find("event_latency_corrected_ms.p99"), std::string::npos);
}

TEST(MetricsCheck, WarningFixtureClassesResyncsThreeAndReconnectsFiveAsWarnings) {
  const CheckReport report =
      check_metrics_file(fixture("metrics_warning.json"), CheckOptions{}, kNow);
  EXPECT_EQ(report.status, AlertLevel::warning);
  EXPECT_EQ(find(report, "resyncs").level, AlertLevel::warning);
  EXPECT_EQ(find(report, "reconnects").level, AlertLevel::warning);
  EXPECT_EQ(find(report, "clock_offset").level, AlertLevel::warning);
  EXPECT_EQ(format_status_line(report), "STATUS WARNING: 4 warning, 0 critical, 8 ok (BTCUSDT)");
}

TEST(MetricsCheck, WindowScopeReadsTheWindowObject) {
  CheckOptions options;
  options.scope = MetricsScope::window;
  CheckReport report = check_metrics_file(fixture("metrics_critical.json"), options, kNow);
  EXPECT_EQ(find(report, "rate").level, AlertLevel::ok);  // window rate 2.0, run rate 0.05
  EXPECT_EQ(find(report, "breaks").level, AlertLevel::critical);
  EXPECT_EQ(find(report, "drops").level, AlertLevel::ok);  // the drops were before this window
  report = check_metrics_file(fixture("metrics_seed.json"), options, kNow);
  EXPECT_EQ(report.status, AlertLevel::critical);  // a seed file has no window object
  EXPECT_EQ(find(report, "window").level, AlertLevel::critical);
}

TEST(MetricsCheck, StalenessFromTimestampNsTimestampOrMtime) {
  const std::string seed = read(fixture("metrics_seed.json"));  // "timestamp" only, window_sec 10
  CheckOptions options;
  EXPECT_EQ(
      find(check_metrics_text(seed, options, kFileTime + 30'000'000'000, std::nullopt), "stale")
          .level,
      AlertLevel::ok);
  EXPECT_EQ(
      find(check_metrics_text(seed, options, kFileTime + 30'001'000'000, std::nullopt), "stale")
          .level,
      AlertLevel::critical);
  options.thresholds.stale_intervals = 10;
  EXPECT_EQ(
      find(check_metrics_text(seed, options, kFileTime + 60'000'000'000, std::nullopt), "stale")
          .level,
      AlertLevel::ok);
  options.thresholds.stale_intervals = 0;  // off
  EXPECT_EQ(
      find(check_metrics_text(seed, options, kFileTime + 1'000'000'000'000, std::nullopt), "stale")
          .level,
      AlertLevel::ok);

  // timestamp_ns wins over timestamp; without either, the file's mtime; without that, CRITICAL.
  const std::string ours = R"({"timestamp":"2020-01-01T00:00:00.000","timestamp_ns":)" +
                           std::to_string(kFileTime) + R"(,"window_sec":10})";
  EXPECT_EQ(find(check_metrics_text(ours, CheckOptions{}, kNow, std::nullopt), "stale").level,
            AlertLevel::ok);
  const std::string bare = R"({"window_sec":10})";
  const MetricCheck by_mtime =
      find(check_metrics_text(bare, CheckOptions{}, kNow, kFileTime), "stale");
  EXPECT_EQ(by_mtime.level, AlertLevel::ok);
  EXPECT_NE(by_mtime.text.find("file mtime"), std::string::npos);
  EXPECT_EQ(find(check_metrics_text(bare, CheckOptions{}, kNow, std::nullopt), "stale").level,
            AlertLevel::critical);
  EXPECT_EQ(
      find(check_metrics_text(R"({"timestamp_ns":1})", CheckOptions{}, kNow, std::nullopt), "stale")
          .level,
      AlertLevel::critical);  // no window_sec
}

// Found by fuzz_metrics_check: now - timestamp_ns overflowed for a timestamp far in the past (the
// wrapped age was negative, so a file from before the epoch passed as fresh).
TEST(MetricsCheck, ExtremeTimestampsAreStaleNotWrapped) {
  for (const char* text : {R"({"window_sec":10,"timestamp_ns":-9223372036854775807})",
                           R"({"window_sec":10,"timestamp_ns":-9000000000000000000})"}) {
    const MetricCheck stale =
        find(check_metrics_text(text, CheckOptions{}, kNow, std::nullopt), "stale");
    EXPECT_EQ(stale.level, AlertLevel::critical) << text << ": " << stale.text;
    ASSERT_TRUE(stale.value.has_value());
    EXPECT_GT(*stale.value, 1e10) << text;
  }
}

TEST(MetricsCheck, BrokenFilesAreCritical) {
  for (const char* text : {"", "{", "[1,2]", "\"x\"", "{\"recv_rate\": 1,}"}) {
    const CheckReport report = check_metrics_text(text, CheckOptions{}, kNow, std::nullopt);
    EXPECT_EQ(report.status, AlertLevel::critical) << text;
    ASSERT_EQ(report.checks.size(), 1u) << text;
    EXPECT_EQ(report.checks[0].metric, "file");
  }
  EXPECT_EQ(check_metrics_file(fixture("metrics_invalid.json"), CheckOptions{}, kNow).status,
            AlertLevel::critical);
  const CheckReport missing =
      check_metrics_file(fixture("no_such_metrics.json"), CheckOptions{}, kNow);
  EXPECT_EQ(missing.status, AlertLevel::critical);
  EXPECT_NE(missing.checks[0].text.find("No such file"), std::string::npos);
  EXPECT_EQ(check_metrics_file(test::metrics_fixture_dir(), CheckOptions{}, kNow).status,
            AlertLevel::critical);  // a directory
  const CheckReport keys =
      check_metrics_file(fixture("metrics_missing_keys.json"), CheckOptions{}, kNow);
  EXPECT_EQ(keys.status, AlertLevel::critical);
  EXPECT_EQ(find(keys, "rate").level, AlertLevel::critical);
  EXPECT_EQ(find(keys, "p50").level, AlertLevel::ok);  // present and fine
  EXPECT_EQ(find(keys, "p95").level, AlertLevel::critical);
  // A value of the wrong type is as bad as a missing one.
  EXPECT_EQ(
      find(check_metrics_text(R"({"recv_rate":"2.2"})", CheckOptions{}, kNow, std::nullopt), "rate")
          .level,
      AlertLevel::critical);
}

TEST(MetricsCheck, JsonOutputParsesBack) {
  const CheckReport report =
      check_metrics_file(fixture("metrics_critical.json"), CheckOptions{}, kNow);
  rapidjson::Document doc;
  doc.Parse(to_json(report).c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["status"].GetString(), "CRITICAL");
  EXPECT_EQ(doc["exit_code"].GetInt(), 2);
  ASSERT_EQ(doc["checks"].Size(), report.checks.size());
  EXPECT_STREQ(doc["checks"][0]["metric"].GetString(), "rate");
  EXPECT_STREQ(doc["checks"][0]["level"].GetString(), "CRITICAL");
  EXPECT_DOUBLE_EQ(doc["checks"][0]["value"].GetDouble(), 0.05);
}

TEST(MetricsCheck, ParseSeedTimestamp) {
  EXPECT_EQ(parse_seed_timestamp("2025-10-17T08:38:01.509"), kFileTime);
  EXPECT_EQ(parse_seed_timestamp("2025-10-17T08:38:01.509Z"), kFileTime);
  EXPECT_EQ(parse_seed_timestamp("2025-10-17T08:38:01"), kFileTime - 509'000'000);
  EXPECT_EQ(parse_seed_timestamp("2025-10-17T08:38:01.509123"), kFileTime + 123'000);
  EXPECT_EQ(parse_seed_timestamp("2262-04-11T00:00:00"), 9'223'286'400'000'000'000);
  // Found by fuzz_metrics_check: a year whose nanoseconds overflow int64 (undefined behaviour,
  // a wrapped time) is no timestamp.
  for (const char* bad :
       {"", "2025-10-17", "2025-13-17T08:38:01", "2025-10-17T08:38:01.",
        "2025-10-17T08:38:01+02:00", "yesterday at noon", "4050-10-17T08:38:01.509",
        "2263-01-01T00:00:00", "0001-01-01T00:00:00"}) {
    EXPECT_FALSE(parse_seed_timestamp(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace depthrec
