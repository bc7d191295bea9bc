// The seed's monitoring thresholds and how a value is classed against them.
//
// The seed's table (normal / warning / abnormal):
//   rate        1.0-3.0/s   <0.5/s   <0.1/s
//   p50         50-100 ms   >200 ms  >500 ms
//   p95         70-150 ms   >300 ms  >1000 ms
//   p99         80-200 ms   >500 ms  >2000 ms
//   breaks      0           "0"      >0        -> no warning level: any break is critical
//   resyncs     0           1-2      >3        -> 3 is a WARNING (the seed's abnormal is strictly
//   >3) reconnects  0-1         2-3      >5        -> 4 and 5 are WARNINGs (abnormal is strictly
//   >5) drops       0           0        >0        -> any drop is critical
// So every limit is strict: "above" metrics alert when value > limit, "below" metrics when
// value < limit, the critical limit is tested first, and a missing limit never fires.
// Ours: a metrics file older than stale_intervals x window_sec is CRITICAL; |clock offset| over
// 1000 ms is a WARNING (raw latency is then meaningless; corrected latency is still checked); a
// book unsynced for more than 60 s (since the start or since it lost sync) is CRITICAL, and so are
// more than 5 failed REST snapshots in a row (the retries back off 0.2, 0.4, ... 6.4 s: about 13 s
// of failures), since both leave a recording without a book while every other figure looks fine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace depthrec {

enum class AlertLevel : std::uint8_t { ok = 0, warning = 1, critical = 2 };
std::string_view to_string(AlertLevel level);  // "OK", "WARNING", "CRITICAL"
int exit_code(AlertLevel level);               // 0, 1, 2 (the Nagios convention)
AlertLevel worst(AlertLevel a, AlertLevel b);

enum class AlertDirection : std::uint8_t {
  above,  // latencies, counts: bad when high
  below,  // rates: bad when low
};

struct AlertLimits {
  AlertDirection direction = AlertDirection::above;
  std::optional<double> warn;
  std::optional<double> crit;
};

// Critical if past crit, else warning if past warn, else ok ("past" is strict, see above).
AlertLevel classify(double value, const AlertLimits& limits);
// "(warn <0.5, crit <0.1)", "(crit >0)", "(no limits)": how a check line shows its limits;
// a subject goes before each comparison: "(warn |offset| >1000)".
std::string describe_limits(const AlertLimits& limits, std::string_view subject = "");

struct AlertThresholds {
  AlertLimits rate{AlertDirection::below, 0.5, 0.1};        // messages/s
  AlertLimits p50_ms{AlertDirection::above, 200.0, 500.0};  // event latency
  AlertLimits p95_ms{AlertDirection::above, 300.0, 1000.0};
  AlertLimits p99_ms{AlertDirection::above, 500.0, 2000.0};
  AlertLimits breaks{AlertDirection::above, std::nullopt, 0.0};
  AlertLimits resyncs{AlertDirection::above, 0.0, 3.0};
  AlertLimits reconnects{AlertDirection::above, 1.0, 5.0};
  AlertLimits drops{AlertDirection::above, std::nullopt, 0.0};
  AlertLimits offset_abs_ms{AlertDirection::above, 1000.0, std::nullopt};   // |clock offset|
  AlertLimits unsynced_sec{AlertDirection::above, std::nullopt, 60.0};      // book.unsynced_ms
  AlertLimits snapshot_failures{AlertDirection::above, std::nullopt, 5.0};  // ... in a row
  double stale_intervals = 3.0;  // critical when older than this many window_sec; 0: off
};

}  // namespace depthrec
