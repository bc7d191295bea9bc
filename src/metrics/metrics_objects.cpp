// metrics.json's objects that describe a part of the run beside the feed: the clock estimate,
// the REST scheduler, and the optional sinks and observers (metrics_objects.hpp).
#include "metrics/metrics_objects.hpp"

#include "metrics/json_fields.hpp"

namespace depthrec::metrics_document {

using namespace json_fields;

void write_clock(Writer& w, const ClockOffset& clock) {
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

void write_redis(Writer& w, const RedisSinkState& r) {
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
  key(w, "repair_hold");
  w.StartObject();
  count(w, "lines_held", r.repair_hold.lines_held);
  count(w, "gaps_released", r.repair_hold.gaps_released);
  count(w, "gaps_given_up", r.repair_hold.gaps_given_up);
  count(w, "late_lines", r.repair_hold.late_lines);
  count(w, "holding", r.repair_hold.holding);
  w.EndObject();
  // Frame receipt, and the sink's offer(), to the write() of the entry's batch.
  const auto lag_object = [&](const char* name, const LagFigures& lag) {
    key(w, name);
    w.StartObject();
    count(w, "samples", lag.samples);
    key(w, "p50");
    w.Double(round_to(lag.p50_ms, 3));
    key(w, "p99");
    w.Double(round_to(lag.p99_ms, 3));
    key(w, "max");
    w.Double(round_to(lag.max_ms, 3));
    w.EndObject();
  };
  lag_object("write_lag_ms", r.write_lag);
  lag_object("queue_lag_ms", r.queue_lag);
  text_or_null(w, "last_error", r.last_error);
  w.EndObject();
}

void write_parquet(Writer& w, const ParquetSinkState& p) {
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

void write_observers(Writer& w, const std::vector<ObserverFigures>& observers) {
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

void write_rest(Writer& w, const RestState& r) {
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

}  // namespace depthrec::metrics_document
