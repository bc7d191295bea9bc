// Checking a metrics.json against AlertThresholds: the engine of `depthrec-check`.
//
// Checks, in output order: rate, p50, p95, p99, breaks, resyncs, reconnects, drops (the seed's
// table), then staleness, clock offset, unsynced (book.unsynced_ms) and snapshot_failures
// (snapshots.consecutive_failures). A file that cannot be read or is not a JSON object gives one
// CRITICAL check named "file"; a missing or mistyped key makes its own check CRITICAL, except our
// extension keys, which are OK "unknown" when absent, so that the check works on the seed's files
// too (raw latency, no offset, sync or snapshot check).
//
// A many-stream metrics.json (issue 12) has `streams`: every entry is checked too, on its own
// figures (run figures, in either scope: an entry has no window) against the same limits: rate,
// p50/p95/p99, breaks, resyncs, reconnects, stale (last_message_age_ms over stale_intervals x
// window_sec), unsynced (book.unsynced_ms) and snapshot_failures. Only the alerts are reported,
// grouped by kind, at most max_stream_lines a kind (the others counted). An entry that is not an
// object, or lacks a figure the seed's table needs, is a CRITICAL alert of its own; a `streams`
// that is not an array is a CRITICAL check "streams". A file without `streams` reports exactly
// what it did before.
//
// Latency: with LatencySource::automatic the p50/p95/p99 checks use event_latency_corrected_ms when
// the file has it with a known clock offset (raw latency is skewed by the clock offset: a local
// clock 1.5 s behind makes raw p99 negative and hides real delay), else the seed's latency_ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/alert_thresholds.hpp"

namespace depthrec {

enum class LatencySource : std::uint8_t { automatic, corrected, raw };
enum class MetricsScope : std::uint8_t {
  run,     // the whole-run figures (the seed's keys): default, the seed's meaning
  window,  // the "window" object: the last window_sec only
};

struct CheckOptions {
  AlertThresholds thresholds;
  LatencySource latency = LatencySource::automatic;
  MetricsScope scope = MetricsScope::run;
  std::size_t max_stream_lines = 10;  // stream alerts shown per kind; the others are counted
};

struct MetricCheck {
  std::string metric;  // "rate", "p50", ..., "stale", "clock_offset", "unsynced", "file"
  AlertLevel level = AlertLevel::ok;
  std::optional<double> value;  // none when the value is missing
  std::string text;             // "rate=2.20/s (warn <0.5, crit <0.1)"
};

// One alert of one streams[] entry.
struct StreamAlert {
  std::string stream;  // "#3" (its index) when the entry names none
  std::string market;  // "?" when the entry names none
  std::string symbol;
  MetricCheck check;
};

// The alerts of one kind over every stream: the first max_stream_lines kept, the others counted.
struct StreamAlertGroup {
  std::string metric;  // "entry" (a malformed entry), "rate", "p50", ..., "snapshot_failures"
  std::vector<StreamAlert> shown;
  std::size_t omitted = 0;
  AlertLevel omitted_level = AlertLevel::ok;  // the worst of the omitted ones
};

struct StreamsReport {
  bool present = false;  // the file has a `streams` array
  std::size_t checked = 0;
  std::size_t failing = 0;               // streams with at least one alert
  std::vector<StreamAlertGroup> groups;  // in check order; only kinds that alerted
};

struct CheckReport {
  std::vector<MetricCheck> checks;
  AlertLevel status = AlertLevel::ok;  // the worst level of all checks and stream alerts
  std::string symbol;                  // from the file, if present
  StreamsReport streams;
};

// now_ns: the current time (ns since epoch); file_mtime_ns: the file's modification time, used for
// staleness when the document has neither timestamp_ns nor a parseable timestamp.
CheckReport check_metrics_text(std::string_view json_text, const CheckOptions& options,
                               std::int64_t now_ns, std::optional<std::int64_t> file_mtime_ns);
CheckReport check_metrics_file(const std::string& path, const CheckOptions& options,
                               std::int64_t now_ns);

// "OK       rate=2.20/s (warn <0.5, crit <0.1)": the level padded to 8 columns, then the text.
std::string format_check_line(const MetricCheck& check);
// The stream alerts, a line each, by kind: "CRITICAL stream=ethusdt@depth@100ms market=usdm
// symbol=ETHUSDT breaks=1 (crit >0)", then per kind "CRITICAL ... and 37 more streams with breaks"
// when some were left out. Empty for a file without `streams`.
std::vector<std::string> format_stream_lines(const CheckReport& report);
// "STATUS WARNING: 1 warning, 0 critical, 8 ok (ETHUSDT)", and with `streams`
// "..., streams: 1 of 3 failing".
std::string format_status_line(const CheckReport& report);
// {"status":"WARNING","exit_code":1,"symbol":..,"checks":[{"metric":..,"level":..,"value":..,
//  "text":..}, ...]}; with `streams` also
//  "streams":{"checked":3,"failing":1,"alerts":[{"stream":..,
//  "market":..,"symbol":..,"metric":..,"level":..,"value":..,"text":..}],"omitted":[{"metric":..,
//  "level":..,"count":..}]}.
std::string to_json(const CheckReport& report);

// Parses the seed's "2025-10-17T08:38:01.509" (optionally with a trailing Z) as UTC.
std::optional<std::int64_t> parse_seed_timestamp(std::string_view text);

}  // namespace depthrec
