#include "depthrec/metrics_report.hpp"

#include "metrics/json_fields.hpp"
#include "metrics/metrics_document.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>

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

void clock_object(Writer& w, const ClockOffset& clock) {
  key(w, "clock_offset_ms");
  if (clock.valid()) {
    w.Double(round_to(clock.offset_ms, 3));
  } else {
    w.Null();
  }
  key(w, "clock");
  w.StartObject();
  key(w, "source");
  w.String(std::string(to_string(clock.source)));
  key(w, "uncertainty_ms");
  if (clock.uncertainty_ms >= 0.0) {
    w.Double(round_to(clock.uncertainty_ms, 3));
  } else {
    w.Null();
  }
  key(w, "stream_bound_ms");
  if (clock.has_stream_bound) {
    w.Double(round_to(clock.stream_bound_ms, 3));
  } else {
    w.Null();
  }
  key(w, "rest_round_trip_ms");
  if (clock.rest_round_trip_ms >= 0.0) {
    w.Double(round_to(clock.rest_round_trip_ms, 3));
  } else {
    w.Null();
  }
  count(w, "rest_samples", clock.rest_samples);
  count(w, "stream_outliers", clock.stream_outliers);
  key(w, "large");
  w.Bool(clock.large);
  key(w, "consistent");
  w.Bool(clock.consistent);
  key(w, "rest_rejected");
  w.Bool(clock.rest_rejected);
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

// null for an empty text (no book side yet, no error).
void text_or_null(Writer& w, const char* name, const std::string& text) {
  key(w, name);
  text.empty() ? w.Null() : w.String(valid_utf8(text));
}

// The REST scheduler as the feed's budget sees it; null before a scheduler reported.
// redis{...}: the Redis Streams sink's figures (only with --redis).
void redis_object(Writer& w, const RedisSinkState& r) {
  key(w, "redis");
  w.StartObject();
  text_or_null(w, "url", r.url);
  key(w, "connected");
  w.Bool(r.connected);
  count(w, "published", r.published);
  count(w, "duplicates_suppressed", r.duplicates_suppressed);
  count(w, "dropped", r.dropped);
  count(w, "gaps_marked", r.gaps_marked);
  count(w, "errors", r.errors);
  count(w, "reconnects", r.reconnects);
  count(w, "connect_failures", r.connect_failures);
  count(w, "queue_depth", r.queue_depth);
  count(w, "queue_peak", r.queue_peak);
  count(w, "queue_capacity", r.queue_capacity);
  // Frame receipt, and the sink's offer(), to the write() of the entry's batch.
  const auto lag_object = [&](const char* name, std::uint64_t samples, double p50, double p99,
                              double max) {
    key(w, name);
    w.StartObject();
    count(w, "samples", samples);
    key(w, "p50");
    w.Double(round_to(p50, 3));
    key(w, "p99");
    w.Double(round_to(p99, 3));
    key(w, "max");
    w.Double(round_to(max, 3));
    w.EndObject();
  };
  lag_object("write_lag_ms", r.write_lag_samples, r.write_lag_p50_ms, r.write_lag_p99_ms,
             r.write_lag_max_ms);
  lag_object("queue_lag_ms", r.queue_lag_samples, r.queue_lag_p50_ms, r.queue_lag_p99_ms,
             r.queue_lag_max_ms);
  text_or_null(w, "last_error", r.last_error);
  w.EndObject();
}

// parquet{...}: the live Parquet datasets' figures (only with --parquet).
void parquet_object(Writer& w, const ParquetSinkState& p) {
  key(w, "parquet");
  w.StartObject();
  key(w, "dir");
  w.String(valid_utf8(p.dir));
  key(w, "rotate_sec");
  w.Int64(p.rotate_sec);
  count(w, "files_open", p.files_open);
  count(w, "files_closed", p.files_closed);
  count(w, "files_failed", p.files_failed);
  count(w, "rows", p.rows);
  count(w, "bytes", p.bytes);
  count(w, "dropped", p.dropped);
  count(w, "rows_refused", p.rows_refused);
  count(w, "records_skipped", p.records_skipped);
  count(w, "partials_found", p.partials_found);
  count(w, "files_recovered", p.files_recovered);
  count(w, "queue_depth", p.queue_depth);
  text_or_null(w, "last_error", p.last_error);
  w.EndObject();
}

// observers[...]: each library observer's counts (only when a Recorder has observers).
void observers_array(Writer& w, const std::vector<ObserverFigures>& observers) {
  key(w, "observers");
  w.StartArray();
  for (const ObserverFigures& o : observers) {
    w.StartObject();
    key(w, "name");
    w.String(valid_utf8(o.name));
    key(w, "channel");
    w.String(o.channel);
    key(w, "delivery");
    w.String(o.queued ? "queued" : "synchronous");
    count(w, "delivered", o.delivered);
    count(w, "dropped", o.dropped);
    count(w, "errors", o.errors);
    count(w, "queued_now", o.queued_now);
    w.EndObject();
  }
  w.EndArray();
}

void rest_object(Writer& w, const RestState& r) {
  key(w, "rest");
  if (r.budget.empty()) {
    w.Null();
    return;
  }
  w.StartObject();
  key(w, "budget");
  w.String(r.budget);
  integer(w, "window_ms", r.window_ms);
  integer(w, "weight_limit", r.weight_limit);
  integer(w, "weight_planned_limit", r.weight_planned_limit);
  integer(w, "weight_initial_limit", r.weight_initial_limit);
  count(w, "weight_used", r.weight_used);
  key(w, "queued");
  w.StartObject();
  count(w, "resync", r.queued_resync);
  count(w, "initial", r.queued_initial);
  count(w, "low", r.queued_low);
  w.EndObject();
  count(w, "requests", r.requests);
  count(w, "cancelled", r.cancelled);
  count(w, "refused", r.refused);
  count(w, "http_429", r.http_429);
  count(w, "http_418", r.http_418);
  integer(w, "blocked_ms", r.blocked_ms);
  integer(w, "blocked_remaining_ms", r.blocked_remaining_ms);
  w.EndObject();
}

}  // namespace

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
  clock_object(w, s.clock_offset);
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
  rest_object(w, s.rest);
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
  if (s.redis.enabled) redis_object(w, s.redis);
  if (s.parquet.enabled) parquet_object(w, s.parquet);
  if (!s.observers.empty()) observers_array(w, s.observers);

  key(w, "window");
  w.StartObject();
  number(w, "seconds", round_to(s.window.seconds, 3));
  integer(w, "start_ns", s.window_start_ns);
  count(w, "messages", s.window.counters.messages);
  number(w, "recv_rate", round_to(s.window.recv_rate, 2));
  span_figures(w, s.window);
  w.EndObject();
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
