#include "exposition/process_wide_families.hpp"

#include "exposition/family_builder.hpp"

namespace depthrec::exposition {

using prometheus::MetricFamily;
using prometheus::MetricType;

void add_process_wide_families(std::vector<MetricFamily>& families,
                               const MetricsSnapshot& process_wide) {
  const MetricsSnapshot& s = process_wide;
  const auto one = [&](const char* name, const char* help, MetricType type, double value) {
    add_value(add_family(families, name, help, type), {}, value);
  };
  const auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    one(name, help, MetricType::Counter, static_cast<double>(value));
  };
  const auto gauge = [&](const char* name, const char* help, double value) {
    one(name, help, MetricType::Gauge, value);
  };
  counter("depthrec_writer_records_written_total", "Records the writer wrote",
          s.writer.records_written);
  counter("depthrec_writer_written_bytes_total", "Uncompressed bytes the writer wrote",
          s.writer.bytes_written);
  counter("depthrec_writer_write_errors_total", "Storage write errors", s.writer.write_errors);
  counter("depthrec_writer_segments_total", "Data files opened", s.writer.segments);
  gauge("depthrec_writer_unwritten_bytes", "Held in memory while storage fails",
        static_cast<double>(s.writer.unwritten_bytes));
  gauge("depthrec_writer_queue_max_bytes", "Most bytes the writer queue held at once",
        static_cast<double>(s.writer.queue_bytes_max));
  counter("depthrec_writer_queue_byte_drops_total", "Records dropped by the queue's byte bound",
          s.writer.queue_byte_drops);
  gauge("depthrec_text_log_writable", "1 while the text log can be written",
        s.text_log.writable ? 1.0 : 0.0);
  counter("depthrec_text_log_write_errors_total", "Text log write errors", s.text_log.write_errors);
  if (s.redis.enabled) {  // --redis: metrics.json redis{...}
    const RedisSinkState& r = s.redis;
    gauge("depthrec_redis_connected", "1 while the Redis sink is connected",
          r.connected ? 1.0 : 0.0);
    counter("depthrec_redis_published_total", "Entries Redis added (gap entries included)",
            r.published);
    counter("depthrec_redis_duplicates_suppressed_total",
            "Entries Redis already had (another recorder's copy)", r.duplicates_suppressed);
    counter("depthrec_redis_dropped_total", "Records the Redis sink skipped", r.dropped);
    counter("depthrec_redis_gaps_marked_total", "redis_drop gap entries published", r.gaps_marked);
    counter("depthrec_redis_errors_total", "Entries Redis refused (OOM...)", r.errors);
    counter("depthrec_redis_repair_gaps_given_up_total",
            "Trade-id gaps whose repaired trades came too late for the Redis stream's order",
            r.repair_hold.gaps_given_up);
    counter("depthrec_redis_reconnects_total", "Redis connections after the first", r.reconnects);
    gauge("depthrec_redis_queue_depth", "Records waiting in the Redis sink's queue",
          static_cast<double>(r.queue_depth));
    gauge("depthrec_redis_queue_peak", "Most records the Redis sink's queue held",
          static_cast<double>(r.queue_peak));
  }
  if (s.rest.budget.empty()) return;  // no REST scheduler reported yet
  const RestState& r = s.rest;
  const Labels budget{{"budget", r.budget}};
  const auto rest = [&](const char* name, const char* help, MetricType type, double value) {
    add_value(add_family(families, name, help, type), budget, value);
  };
  rest("depthrec_rest_weight_limit", "The exchange's REST weight per window", MetricType::Gauge,
       r.weight_limit);
  rest("depthrec_rest_weight_planned_limit", "The most weight the scheduler spends a window",
       MetricType::Gauge, r.weight_planned_limit);
  rest("depthrec_rest_weight_used", "Weight used within the window", MetricType::Gauge,
       static_cast<double>(r.weight_used));
  rest("depthrec_rest_window_seconds", "The REST budget's window", MetricType::Gauge,
       static_cast<double>(r.window_ms) / 1e3);
  rest("depthrec_rest_requests_total", "REST requests sent", MetricType::Counter,
       static_cast<double>(r.requests));
  rest("depthrec_rest_cancelled_total", "REST requests cancelled before they were sent",
       MetricType::Counter, static_cast<double>(r.cancelled));
  rest("depthrec_rest_refused_total", "REST requests heavier than the budget admits",
       MetricType::Counter, static_cast<double>(r.refused));
  rest("depthrec_rest_http_429_total", "REST answers 429 (rate limited)", MetricType::Counter,
       static_cast<double>(r.http_429));
  rest("depthrec_rest_http_418_total", "REST answers 418 (IP banned)", MetricType::Counter,
       static_cast<double>(r.http_418));
  rest("depthrec_rest_blocked_seconds_total", "Time held back by Retry-After, bans, backoff",
       MetricType::Counter, static_cast<double>(r.blocked_ms) / 1e3);
  rest("depthrec_rest_blocked_remaining_seconds", "Time still to wait before the next request",
       MetricType::Gauge, static_cast<double>(r.blocked_remaining_ms) / 1e3);
  MetricFamily& queued = add_family(families, "depthrec_rest_queued_requests",
                                    "REST requests waiting, by priority", MetricType::Gauge);
  add_value(queued, {{"budget", r.budget}, {"priority", "resync"}},
            static_cast<double>(r.queued_resync));
  add_value(queued, {{"budget", r.budget}, {"priority", "initial"}},
            static_cast<double>(r.queued_initial));
  add_value(queued, {{"budget", r.budget}, {"priority", "low"}}, static_cast<double>(r.queued_low));
}

void add_process_families(std::vector<MetricFamily>& families, const ProcessFigures& process) {
  const ProcessFigures& p = process;
  const auto one = [&](const char* name, const char* help, MetricType type, double value) {
    add_value(add_family(families, name, help, type), {}, value);
  };
  one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
      MetricType::Counter, p.cpu_seconds);
  one("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
      p.resident_memory_bytes);
  one("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
      p.virtual_memory_bytes);
  one("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, p.open_fds);
  one("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge, p.max_fds);
  one("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
      MetricType::Gauge, p.start_time_seconds);
}

}  // namespace depthrec::exposition
