// Checking a metrics.json against AlertThresholds: the engine of `depthrec-check`.
//
// Checks, in output order: rate, p50, p95, p99, breaks, resyncs, reconnects, drops (the seed's
// table), then staleness, clock offset, unsynced (book.unsynced_ms) and snapshot_failures
// (snapshots.consecutive_failures). A file that cannot be read or is not a JSON object gives one
// CRITICAL check named "file"; a missing or mistyped key makes its own check CRITICAL, except our
// extension keys, which are OK "unknown" when absent, so that the check works on the seed's files
// too (raw latency, no offset, sync or snapshot check).
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
};

struct MetricCheck {
  std::string metric;  // "rate", "p50", ..., "stale", "clock_offset", "unsynced", "file"
  AlertLevel level = AlertLevel::ok;
  std::optional<double> value;  // none when the value is missing
  std::string text;             // "rate=2.20/s (warn <0.5, crit <0.1)"
};

struct CheckReport {
  std::vector<MetricCheck> checks;
  AlertLevel status = AlertLevel::ok;  // the worst level of all checks
  std::string symbol;                  // from the file, if present
};

// now_ns: the current time (ns since epoch); file_mtime_ns: the file's modification time, used for
// staleness when the document has neither timestamp_ns nor a parseable timestamp.
CheckReport check_metrics_text(std::string_view json_text, const CheckOptions& options,
                               std::int64_t now_ns, std::optional<std::int64_t> file_mtime_ns);
CheckReport check_metrics_file(const std::string& path, const CheckOptions& options,
                               std::int64_t now_ns);

// "OK       rate=2.20/s (warn <0.5, crit <0.1)": the level padded to 8 columns, then the text.
std::string format_check_line(const MetricCheck& check);
// "STATUS WARNING: 1 warning, 0 critical, 8 ok (ETHUSDT)"
std::string format_status_line(const CheckReport& report);
// {"status":"WARNING","exit_code":1,"symbol":..,"checks":[{"metric":..,"level":..,"value":..,
//  "text":..}, ...]}
std::string to_json(const CheckReport& report);

// Parses the seed's "2025-10-17T08:38:01.509" (optionally with a trailing Z) as UTC.
std::optional<std::int64_t> parse_seed_timestamp(std::string_view text);

}  // namespace depthrec
