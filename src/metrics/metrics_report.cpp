// metrics.json: the seed's members in the seed's order, then ours (metrics_document.hpp). The
// objects for the clock, REST and the sinks are in metrics_objects.cpp, the SUMMARY line in
// metrics_summary.cpp.
#include "depthrec/metrics_report.hpp"

#include "metrics/json_fields.hpp"
#include "metrics/metrics_document.hpp"
#include "metrics/metrics_objects.hpp"

namespace depthrec {
namespace {

using Writer = metrics_document::Writer;
using namespace json_fields;

// Units of the histograms: latencies in us (event) and ns (pipeline, callback).
double us_to_ms(double us) {
  return round_to(us / 1e3, 3);
}
double ns_to_ms(double ns) {
  return round_to(ns / 1e6, 6);
}
double ns_to_us(double ns) {
  return round_to(ns / 1e3, 3);
}
double ns_to_ms_3(std::int64_t ns) {
  return round_to(static_cast<double>(ns) / 1e6, 3);
}

// The seed's latency_ms object (event latency, histogram in us).
void seed_latency(Writer& w, const HistogramSummary& us) {
  w.StartObject();
  number(w, "avg_ms", us_to_ms(us.mean));
  number(w, "min_ms", us_to_ms(static_cast<double>(us.min)));
  number(w, "max_ms", us_to_ms(static_cast<double>(us.max)));
  number(w, "p50", us_to_ms(static_cast<double>(us.p50)));
  number(w, "p95", us_to_ms(static_cast<double>(us.p95)));
  number(w, "p99", us_to_ms(static_cast<double>(us.p99)));
  w.EndObject();
}

// Our latency objects: the seed's keys plus count and p999, converted by `to_unit`.
template <typename Convert>
void latency(Writer& w, const HistogramSummary& h, Convert to_unit) {
  w.StartObject();
  count(w, "count", h.count);
  number(w, "avg", to_unit(h.mean));
  number(w, "min", to_unit(static_cast<double>(h.min)));
  number(w, "max", to_unit(static_cast<double>(h.max)));
  number(w, "p50", to_unit(static_cast<double>(h.p50)));
  number(w, "p95", to_unit(static_cast<double>(h.p95)));
  number(w, "p99", to_unit(static_cast<double>(h.p99)));
  number(w, "p999", to_unit(static_cast<double>(h.p999)));
  w.EndObject();
}

void seed_continuity(Writer& w, const FeedCounters& c) {
  w.StartObject();
  count(w, "breaks", c.breaks);
  count(w, "resyncs", c.resyncs);
  count(w, "reconnects", c.reconnects);
  w.EndObject();
}

void seed_batch_span(Writer& w, const HistogramSummary& span) {
  w.StartObject();
  integer(w, "p95", span.p95);
  integer(w, "max", span.max);
  w.EndObject();
}

void seed_log_queue(Writer& w, const HistogramSummary& depth, std::uint64_t drops) {
  w.StartObject();
  integer(w, "depth_p95", depth.p95);
  integer(w, "depth_max", depth.max);
  count(w, "drops", drops);
  w.EndObject();
}

// The figures every span has; the seed's objects keep their names and shapes.
void span_figures(Writer& w, const FeedFigures& f) {
  const auto ms = [](double us) { return us_to_ms(us); };
  const auto pipe_ms = [](double ns) { return ns_to_ms(ns); };
  const auto us = [](double ns) { return ns_to_us(ns); };
  key(w, "latency_ms");
  seed_latency(w, f.event_latency_us);
  key(w, "continuity");
  seed_continuity(w, f.counters);
  key(w, "batch_span");
  seed_batch_span(w, f.batch_span);
  key(w, "log_queue");
  seed_log_queue(w, f.queue_depth, f.counters.queue_drops);
  key(w, "event_latency_corrected_ms");
  latency(w, f.event_latency_corrected_us, ms);
  key(w, "pipeline_latency_ms");
  latency(w, f.pipeline_ns, pipe_ms);
  key(w, "pipeline_latency_us");
  latency(w, f.pipeline_ns, us);
  key(w, "callback_us");
  latency(w, f.callback_ns, us);
  count(w, "frames", f.counters.frames);
  count(w, "bytes", f.counters.bytes);
  number(w, "bytes_rate", round_to(f.bytes_rate, 1));
  count(w, "ticker_messages", f.counters.ticker_messages);
  count(w, "parse_errors_total", f.counters.parse_errors);
  count(w, "stalls", f.counters.stalls);
  count(w, "send_queue_overflows", f.counters.send_queue_overflows);
  count(w, "connect_failures", f.counters.connect_failures);
  key(w, "integrity");
  w.StartObject();
  count(w, "stale_dropped", f.counters.stale_dropped);
  count(w, "duplicates", f.counters.duplicates);
  count(w, "gaps", f.counters.gaps);
  count(w, "other_symbol_frames", f.counters.other_symbol_frames);
  count(w, "other_stream_frames", f.counters.other_stream_frames);
  count(w, "control_frames", f.counters.control_frames);
  w.EndObject();
  key(w, "snapshots");
  w.StartObject();
  count(w, "ok", f.counters.snapshot_ok);
  count(w, "failed", f.counters.snapshot_failed);
  count(w, "rate_limited_429", f.counters.snapshot_rate_limited);
  count(w, "banned_418", f.counters.snapshot_banned);
  count(w, "too_old", f.counters.snapshot_too_old);
  count(w, "unjoined", f.counters.snapshot_unjoined);
  w.EndObject();
}

void nullable_ms(Writer& w, const char* name, std::int64_t ns) {
  key(w, name);
  if (ns >= 0) {
    w.Double(ns_to_ms_3(ns));
  } else {
    w.Null();
  }
}

}  // namespace

std::string to_metrics_json(const MetricsSnapshot& snapshot) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  metrics_document::configure(w);
  w.StartObject();
  metrics_document::write_members(w, snapshot);
  w.EndObject();
  return metrics_document::text_of(buffer);
}

void metrics_document::write_presync(Writer& w, const PresyncState& presync, bool run_wide) {
  key(w, "presync");
  w.StartObject();
  if (run_wide) count(w, "bound_bytes", presync.bound_bytes);
  count(w, "buffered_bytes", presync.buffered_bytes);
  if (run_wide) count(w, "peak_bytes", presync.peak_bytes);
  count(w, "tail_trimmed", presync.tail_trimmed);
  count(w, "budget_dropped", presync.budget_dropped);
  count(w, "snapshots_too_old", presync.snapshots_too_old);
  w.EndObject();
}

void metrics_document::write_members(Writer& w, const MetricsSnapshot& s) {
  const FeedFigures& run = s.run;
  // The seed's keys, in the seed's order.
  key(w, "timestamp");
  w.String(format_seed_timestamp(s.taken_ns));
  integer(w, "window_sec", s.window_sec);
  number(w, "runtime_seconds", round_to(run.seconds, 3));
  count(w, "total_messages", run.counters.messages);
  number(w, "recv_rate", round_to(run.recv_rate, 2));
  key(w, "latency_ms");
  seed_latency(w, run.event_latency_us);
  key(w, "continuity");
  seed_continuity(w, run.counters);
  key(w, "batch_span");
  seed_batch_span(w, run.batch_span);
  key(w, "log_queue");
  seed_log_queue(w, run.queue_depth, run.counters.queue_drops);
  key(w, "symbol");
  w.String(valid_utf8(s.key.symbol));

  // Ours.
  integer(w, "version", kMetricsJsonVersion);
  integer(w, "timestamp_ns", s.taken_ns);
  key(w, "market");
  w.String(std::string(to_string(s.key.market)));
  key(w, "stream");
  w.String(valid_utf8(s.key.stream));
  key(w, "event_latency_corrected_ms");
  latency(w, run.event_latency_corrected_us, [](double us) { return us_to_ms(us); });
  key(w, "pipeline_latency_ms");
  latency(w, run.pipeline_ns, [](double ns) { return ns_to_ms(ns); });
  key(w, "pipeline_latency_us");
  latency(w, run.pipeline_ns, [](double ns) { return ns_to_us(ns); });
  key(w, "callback_us");
  latency(w, run.callback_ns, [](double ns) { return ns_to_us(ns); });
  metrics_document::write_clock(w, s.clock_offset);
  count(w, "frames", run.counters.frames);
  count(w, "bytes", run.counters.bytes);
  number(w, "bytes_rate", round_to(run.bytes_rate, 1));
  count(w, "ticker_messages", run.counters.ticker_messages);
  key(w, "parse_errors");
  w.StartObject();
  count(w, "total", run.counters.parse_errors);
  for (int i = 1; i < kParseErrorCount; ++i) {
    key(w, std::string(to_string(static_cast<ParseError>(i))).c_str());
    w.Uint64(s.parse_errors[static_cast<std::size_t>(i)]);
  }
  w.EndObject();
  key(w, "integrity");
  w.StartObject();
  count(w, "stale_dropped", run.counters.stale_dropped);
  count(w, "duplicates", run.counters.duplicates);
  count(w, "other_symbol_frames", run.counters.other_symbol_frames);
  count(w, "other_stream_frames", run.counters.other_stream_frames);
  count(w, "control_frames", run.counters.control_frames);
  key(w, "gaps");
  w.StartObject();
  for (const auto& [reason, n] : s.gaps) {
    const std::string name = valid_utf8(reason);
    w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.Uint64(n);
  }
  w.EndObject();
  w.EndObject();
  key(w, "writer");
  w.StartObject();
  count(w, "records_written", s.writer.records_written);
  count(w, "bytes_written", s.writer.bytes_written);
  count(w, "write_errors", s.writer.write_errors);
  count(w, "segments", s.writer.segments);
  count(w, "unwritten_bytes", s.writer.unwritten_bytes);
  count(w, "queue_bytes_max", s.writer.queue_bytes_max);
  count(w, "queue_byte_drops", s.writer.queue_byte_drops);
  w.EndObject();
  key(w, "snapshots");
  w.StartObject();
  count(w, "ok", run.counters.snapshot_ok);
  count(w, "failed", run.counters.snapshot_failed);
  count(w, "rate_limited_429", run.counters.snapshot_rate_limited);
  count(w, "banned_418", run.counters.snapshot_banned);
  count(w, "too_old", run.counters.snapshot_too_old);
  count(w, "consecutive_failures", s.snapshot_failures_in_a_row);
  count(w, "unjoined", run.counters.snapshot_unjoined);
  w.EndObject();
  metrics_document::write_rest(w, s.rest);
  key(w, "sync");
  w.StartObject();
  nullable_ms(w, "initial_ms", s.sync.initial_sync_ns);
  nullable_ms(w, "last_resync_ms", s.sync.last_resync_ns);
  nullable_ms(w, "max_resync_ms", s.sync.max_resync_ns);
  key(w, "in_progress");
  w.Bool(s.sync.in_progress);
  number(w, "in_progress_ms", ns_to_ms_3(s.sync.in_progress_ns));
  w.EndObject();
  key(w, "book");
  w.StartObject();
  key(w, "synced");
  w.Bool(s.book.synced);
  count(w, "last_update_id", s.book.last_update_id);
  text_or_null(w, "best_bid", s.book.best_bid);
  text_or_null(w, "best_ask", s.book.best_ask);
  number(w, "unsynced_ms", ns_to_ms_3(s.book.unsynced_ns));
  count(w, "levels_dropped", s.book.levels_dropped);
  w.EndObject();
  if (s.presync.bounded) metrics_document::write_presync(w, s.presync, true);
  count(w, "stalls", run.counters.stalls);
  count(w, "send_queue_overflows", run.counters.send_queue_overflows);
  count(w, "connect_failures", run.counters.connect_failures);
  key(w, "rollover");
  w.StartObject();
  count(w, "completed", run.counters.rollovers);
  count(w, "fallbacks", run.counters.rollover_fallbacks);
  count(w, "overlap_events", run.counters.rollover_overlap_events);
  w.EndObject();
  nullable_ms(w, "last_message_age_ms", s.last_message_age_ns);
  key(w, "text_log");
  w.StartObject();
  key(w, "writable");
  w.Bool(s.text_log.writable);
  count(w, "write_errors", s.text_log.write_errors);
  text_or_null(w, "last_error", s.text_log.last_error);
  w.EndObject();
  text_or_null(w, "metrics_listen", s.metrics_listen);  // where /metrics is served, or null
  if (s.redis.enabled) metrics_document::write_redis(w, s.redis);
  if (s.parquet.enabled) metrics_document::write_parquet(w, s.parquet);
  if (!s.observers.empty()) metrics_document::write_observers(w, s.observers);

  key(w, "window");
  w.StartObject();
  number(w, "seconds", round_to(s.window.seconds, 3));
  integer(w, "start_ns", s.window_start_ns);
  count(w, "messages", s.window.counters.messages);
  number(w, "recv_rate", round_to(s.window.recv_rate, 2));
  span_figures(w, s.window);
  w.EndObject();
}

}  // namespace depthrec
