// check_metrics_text (depthrec-check's engine) on arbitrary bytes as a metrics.json, with default
// limits and with every limit moved by the input's first byte. Checks:
//  - no crash, whatever the document holds (numbers of any size, wrong types, deep nesting);
//  - the status is the worst level of the checks; a file problem is one CRITICAL "file" check;
//  - every check has a metric name and a text;
//  - to_json() gives valid JSON whose status and number of checks match the report;
//  - deterministic (the same input gives the same report);
//  - a many-stream file (`streams`): at most max_stream_lines alerts shown per kind, every shown
//    alert is not OK and names its stream, no more failing streams than checked ones, the status
//    is at least every stream alert's level, and to_json()'s "streams" matches the report.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "depthrec/metrics_check.hpp"
#include "fuzz_check.hpp"

namespace {

using namespace depthrec;

constexpr std::int64_t kNow = 1'760'690'286'509'000'000;  // 2025-10-17, the fixtures' time

CheckOptions options_from(std::uint8_t byte) {
  CheckOptions options;
  AlertThresholds& t = options.thresholds;
  const double shift = static_cast<double>(byte % 16);
  for (AlertLimits* limits :
       {&t.rate, &t.p50_ms, &t.p95_ms, &t.p99_ms, &t.breaks, &t.resyncs, &t.reconnects, &t.drops,
        &t.offset_abs_ms, &t.unsynced_sec, &t.snapshot_failures}) {
    if (byte & 0x10) limits->warn.reset();
    if (limits->crit) *limits->crit += shift;
  }
  options.latency = static_cast<LatencySource>(byte % 3);
  options.scope = (byte & 0x20) ? MetricsScope::window : MetricsScope::run;
  t.stale_intervals = (byte & 0x40) ? 0.0 : 3.0;
  options.max_stream_lines = byte % 4;
  return options;
}

void check_stream_alerts(const CheckReport& report, const CheckOptions& options,
                         const rapidjson::Document& doc) {
  const StreamsReport& streams = report.streams;
  FUZZ_CHECK(streams.failing <= streams.checked);
  std::size_t shown = 0;
  for (const StreamAlertGroup& group : streams.groups) {
    FUZZ_CHECK(group.shown.size() <= options.max_stream_lines);
    FUZZ_CHECK(!group.shown.empty() || group.omitted > 0);
    for (const StreamAlert& alert : group.shown) {
      FUZZ_CHECK(alert.check.level != AlertLevel::ok && alert.check.metric == group.metric);
      FUZZ_CHECK(!alert.stream.empty() && !alert.check.text.empty());
      FUZZ_CHECK(worst(report.status, alert.check.level) == report.status);
    }
    FUZZ_CHECK(worst(report.status, group.omitted_level) == report.status);
    shown += group.shown.size() + (group.omitted > 0 ? 1 : 0);
  }
  FUZZ_CHECK(format_stream_lines(report).size() == shown);
  FUZZ_CHECK(streams.present == doc.HasMember("streams"));
  if (streams.present) {
    FUZZ_CHECK(doc["streams"]["checked"].GetUint64() == streams.checked);
    FUZZ_CHECK(doc["streams"]["failing"].GetUint64() == streams.failing);
  }
}

void check_report(const CheckReport& report, const CheckOptions& options) {
  FUZZ_CHECK(!report.checks.empty());
  AlertLevel worst_level = AlertLevel::ok;
  for (const MetricCheck& check : report.checks) {
    FUZZ_CHECK(!check.metric.empty());
    FUZZ_CHECK(!check.text.empty());
    FUZZ_CHECK(!format_check_line(check).empty());
    worst_level = worst(worst_level, check.level);
  }
  for (const StreamAlertGroup& group : report.streams.groups) {
    for (const StreamAlert& alert : group.shown)
      worst_level = worst(worst_level, alert.check.level);
    worst_level = worst(worst_level, group.omitted_level);
  }
  FUZZ_CHECK(report.status == worst_level);
  if (report.checks.front().metric == "file") {
    FUZZ_CHECK(report.checks.size() == 1 && report.status == AlertLevel::critical);
  }
  const std::string json = to_json(report);
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  FUZZ_CHECK(!doc.HasParseError() && doc.IsObject());
  FUZZ_CHECK(doc["exit_code"].GetInt() == exit_code(report.status));
  FUZZ_CHECK(doc["checks"].Size() == report.checks.size());
  FUZZ_CHECK(format_status_line(report).rfind("STATUS ", 0) == 0);
  check_stream_alerts(report, options, doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const CheckOptions defaults;
  const CheckReport report = check_metrics_text(text, defaults, kNow, std::nullopt);
  check_report(report, defaults);
  FUZZ_CHECK(to_json(check_metrics_text(text, defaults, kNow, std::nullopt)) == to_json(report));
  if (size > 0) {
    const CheckOptions options = options_from(data[0]);
    const CheckReport moved = check_metrics_text(text.substr(1), options, kNow,
                                                 static_cast<std::int64_t>(data[0]) * 1'000'000);
    check_report(moved, options);
  }
  return 0;
}
