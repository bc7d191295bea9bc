// The seed's one-line forms: the SUMMARY line and metrics.json's timestamp.
#include "depthrec/metrics_report.hpp"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace depthrec {

std::string format_seed_timestamp(std::int64_t unix_ns) {
  std::int64_t seconds = unix_ns / 1'000'000'000;
  std::int64_t rest_ns = unix_ns % 1'000'000'000;
  if (rest_ns < 0) {  // before 1970: floor, not truncation toward zero
    rest_ns += 1'000'000'000;
    seconds -= 1;
  }
  const std::int64_t millis = rest_ns / 1'000'000;
  const auto time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

std::string summary_line(const MetricsSnapshot& s) {
  const FeedFigures& run = s.run;
  const auto ms = [](std::int64_t us) { return static_cast<double>(us) / 1e3; };
  char seed[512];
  std::snprintf(seed, sizeof seed,
                "SUMMARY | t=%" PRId64 "s | msgs=%" PRIu64
                " | rate=%.2f/s | p50=%.1f p95=%.1f p99=%.1f | breaks=%" PRIu64 " resyncs=%" PRIu64
                " reconnects=%" PRIu64 " | batch_span_p95=%" PRId64 " max=%" PRId64
                " | log_q_p95=%" PRId64 " max=%" PRId64 " drops=%" PRIu64,
                static_cast<std::int64_t>(std::floor(std::max(0.0, run.seconds))),
                run.counters.messages, run.recv_rate, ms(run.event_latency_us.p50),
                ms(run.event_latency_us.p95), ms(run.event_latency_us.p99), run.counters.breaks,
                run.counters.resyncs, run.counters.reconnects, run.batch_span.p95,
                run.batch_span.max, run.queue_depth.p95, run.queue_depth.max,
                run.counters.queue_drops);
  char ours[160];
  if (s.clock_offset.valid()) {
    std::snprintf(ours, sizeof ours, " | corr_p99=%.1f pipe_p99=%.1fus offset=%.0fms",
                  ms(run.event_latency_corrected_us.p99),
                  static_cast<double>(run.pipeline_ns.p99) / 1e3, s.clock_offset.offset_ms);
  } else {
    std::snprintf(ours, sizeof ours, " | corr_p99=%.1f pipe_p99=%.1fus offset=n/a",
                  ms(run.event_latency_corrected_us.p99),
                  static_cast<double>(run.pipeline_ns.p99) / 1e3);
  }
  return std::string(seed) + ours;
}

}  // namespace depthrec
