// The two report formats of a MetricsSnapshot: metrics.json and the SUMMARY log line.
//
// metrics.json keeps the seed's schema exactly (same keys, same meaning, seed keys first, in the
// seed's order): timestamp, window_sec, runtime_seconds, total_messages, recv_rate,
// latency_ms{avg_ms,min_ms,max_ms,p50,p95,p99}, continuity{breaks,resyncs,reconnects},
// batch_span{p95,max}, log_queue{depth_p95,depth_max,drops}, symbol. Like the seed, these are
// whole-run figures and latency_ms is the raw event latency (receive time - E); "timestamp" is UTC
// in the seed's form "2025-10-17T08:38:01.509". Our keys follow: version (1), timestamp_ns, market,
// stream, event_latency_corrected_ms, pipeline_latency_ms / _us, callback_us, clock_offset_ms (null
// while unknown) and clock{...}, frames, bytes, parse_errors{...}, integrity{...}, writer{...},
// snapshots{...}, rest{...} (the REST weight scheduler, null before it reported), sync{...},
// book{...}, stalls, send_queue_overflows, last_message_age_ms, and
// window{...} (the same figures over the last window_sec, with the seed's object names). Units
// are in the key names; a figure with no data is 0 (seed keys) or null (ours, where "unknown"
// differs from 0).
#pragma once

#include <string>

#include "depthrec/metrics_snapshot.hpp"

namespace depthrec {

inline constexpr int kMetricsJsonVersion = 1;

// Pretty-printed (2-space indent) metrics.json text, ending with a newline.
std::string to_metrics_json(const MetricsSnapshot& snapshot);

// The seed's line, same fields in the same order, then ours:
// "SUMMARY | t=1200s | msgs=2639 | rate=2.20/s | p50=79.0 p95=81.0 p99=98.0 | breaks=0 resyncs=0
//  reconnects=0 | batch_span_p95=795 max=1536 | log_q_p95=2 max=7 drops=0 | corr_p99=3.2
//  pipe_p99=12.3us offset=-1503ms" (one line, no newline). offset=n/a while it is unknown.
std::string summary_line(const MetricsSnapshot& snapshot);

// "2025-10-17T08:38:01.509": UTC, milliseconds, no zone suffix (the seed's form).
std::string format_seed_timestamp(std::int64_t unix_ns);

}  // namespace depthrec
