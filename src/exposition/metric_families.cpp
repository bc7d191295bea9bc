#include "exposition/metric_families.hpp"

#include "exposition/channel_families.hpp"
#include "exposition/family_builder.hpp"
#include "exposition/process_wide_families.hpp"

#include <cmath>
#include <limits>

namespace depthrec::exposition {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr double kNsPerSecond = 1e9;
constexpr double kUsPerSecond = 1e6;

struct CounterField {
  const char* name;
  const char* help;
  std::uint64_t FeedCounters::*field;
};

// Every FeedCounters figure of metrics.json, by its Prometheus name.
constexpr CounterField kStreamCounters[] = {
    {"depthrec_events_total", "Depth events recorded (metrics.json total_messages)",
     &FeedCounters::messages},
    {"depthrec_frames_total", "Frames received: depth events, other frames, refused frames",
     &FeedCounters::frames},
    {"depthrec_received_bytes_total", "Payload bytes of every frame received",
     &FeedCounters::bytes},
    {"depthrec_breaks_total", "Continuity of the book lost (update-id gap, reconnect, ...)",
     &FeedCounters::breaks},
    {"depthrec_resyncs_total", "Syncs started after the first one", &FeedCounters::resyncs},
    {"depthrec_reconnects_total", "Reconnections", &FeedCounters::reconnects},
    {"depthrec_stale_dropped_total", "Events older than the book, dropped",
     &FeedCounters::stale_dropped},
    {"depthrec_duplicates_total", "Events seen twice, dropped", &FeedCounters::duplicates},
    {"depthrec_gaps_total", "Gap markers written, any reason", &FeedCounters::gaps},
    {"depthrec_parse_errors_total", "Refused frames", &FeedCounters::parse_errors},
    {"depthrec_other_symbol_frames_total", "Depth frames of a symbol not recorded here",
     &FeedCounters::other_symbol_frames},
    {"depthrec_other_stream_frames_total", "Frames of a stream not recorded here",
     &FeedCounters::other_stream_frames},
    {"depthrec_control_frames_total", "Subscription replies, server events",
     &FeedCounters::control_frames},
    {"depthrec_ticker_messages_total", "bookTicker frames of the stream's symbol",
     &FeedCounters::ticker_messages},
    {"depthrec_stalls_total", "Times the stream went silent past the stall timeout",
     &FeedCounters::stalls},
    {"depthrec_send_queue_overflows_total", "Connections cut: the server did not read our pongs",
     &FeedCounters::send_queue_overflows},
    {"depthrec_connect_failures_total", "Connection attempts failed before opening",
     &FeedCounters::connect_failures},
    {"depthrec_queue_drops_total", "Records the writer queue refused (log_queue.drops)",
     &FeedCounters::queue_drops},
    {"depthrec_rollovers_total", "Make-before-break connection rollovers completed",
     &FeedCounters::rollovers},
    {"depthrec_rollover_fallbacks_total", "Rollovers given up (reconnect and resync instead)",
     &FeedCounters::rollover_fallbacks},
    {"depthrec_rollover_overlap_events_total", "Successor events the book already had",
     &FeedCounters::rollover_overlap_events},
};

struct SnapshotResult {
  const char* result;
  std::uint64_t FeedCounters::*field;
};
constexpr SnapshotResult kSnapshotResults[] = {
    {"ok", &FeedCounters::snapshot_ok},
    {"failed", &FeedCounters::snapshot_failed},
    {"rate_limited_429", &FeedCounters::snapshot_rate_limited},
    {"banned_418", &FeedCounters::snapshot_banned},
    {"too_old", &FeedCounters::snapshot_too_old},
    {"unjoined", &FeedCounters::snapshot_unjoined},
};

Labels stream_labels(const StreamReport& report) {
  const StreamKey& key = report.snapshot.key;
  return {{"market", std::string(to_string(key.market))},
          {"symbol", key.symbol},
          {"channel", channel_of(key)},
          {"conn", std::to_string(report.connection)}};
}

// One family with a value per stream; `value` returns nullopt where the figure is unknown yet
// (the series is then left out rather than given a made-up 0).
template <typename Value>
void per_stream(std::vector<MetricFamily>& families, const std::vector<StreamReport>& streams,
                const std::vector<Labels>& labels, const char* name, const char* help,
                MetricType type, Value value) {
  MetricFamily& family = add_family(families, name, help, type);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const std::optional<double> v = value(streams[i]);
    if (v) add_value(family, labels[i], *v);
  }
}

std::optional<double> known_seconds(std::int64_t ns) {
  if (ns < 0) return std::nullopt;
  return static_cast<double>(ns) / kNsPerSecond;
}

// A LatencyHistogram's run as a Prometheus histogram: bounds kExpositionEdges / `per_second`.
ClientMetric histogram_metric(Labels labels, const HistogramSummary& summary,
                              const ExpositionCounts& below, double per_second) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = summary.count;
  metric.histogram.sample_sum = summary.mean * static_cast<double>(summary.count) / per_second;
  for (std::size_t i = 0; i < kExpositionEdges.size(); ++i) {
    metric.histogram.bucket.push_back(
        {below[i], static_cast<double>(kExpositionEdges[i]) / per_second});
  }
  metric.histogram.bucket.push_back({summary.count, std::numeric_limits<double>::infinity()});
  return metric;
}

void stream_histograms(std::vector<MetricFamily>& families,
                       const std::vector<StreamReport>& streams,
                       const std::vector<Labels>& labels) {
  struct Histogram {
    const char* name;
    const char* help;
    HistogramSummary FeedFigures::*summary;
    ExpositionCounts RunLatencyBuckets::*below;
    double per_second;
    bool skip_when_empty;
  };
  constexpr Histogram kHistograms[] = {
      {"depthrec_event_latency_seconds",
       "Receive time minus the exchange's event time E (raw; negative when the local clock is "
       "behind)",
       &FeedFigures::event_latency_us, &RunLatencyBuckets::event_latency_us, kUsPerSecond, false},
      {"depthrec_event_latency_corrected_seconds",
       "Event latency corrected by the estimated clock offset",
       &FeedFigures::event_latency_corrected_us, &RunLatencyBuckets::event_latency_corrected_us,
       kUsPerSecond, false},
      {"depthrec_pipeline_latency_seconds", "Frame receipt to hand-off to the writer",
       &FeedFigures::pipeline_ns, &RunLatencyBuckets::pipeline_ns, kNsPerSecond, false},
      {"depthrec_callback_duration_seconds", "Time spent in the library's update callbacks",
       &FeedFigures::callback_ns, &RunLatencyBuckets::callback_ns, kNsPerSecond, true},
  };
  for (const Histogram& h : kHistograms) {
    MetricFamily& family = add_family(families, h.name, h.help, MetricType::Histogram);
    for (std::size_t i = 0; i < streams.size(); ++i) {
      const MetricsSnapshot& s = streams[i].snapshot;
      // No callback registered (the CLI never has one): 17 series a stream saved, not 17 zeros.
      if (h.skip_when_empty && (s.run.*h.summary).count == 0) continue;
      family.metric.push_back(
          histogram_metric(labels[i], s.run.*h.summary, s.run_buckets.*h.below, h.per_second));
    }
  }
}

// Per-stream figures beside the counters: a value, or nullopt where it is not known yet (the
// series is then left out rather than given a made-up 0).
struct StreamFigure {
  const char* name;
  const char* help;
  MetricType type;
  std::optional<double> (*value)(const StreamReport&);
};
constexpr StreamFigure kStreamFigures[] = {
    {"depthrec_stream_recording", "1 while the stream is recorded, 0 once unsubscribed",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> { return r.removed ? 0.0 : 1.0; }},
    {"depthrec_book_synced", "1 while the local book is synced", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return r.snapshot.book.synced ? 1.0 : 0.0;
     }},
    {"depthrec_book_unsynced_seconds", "How long the book has not been synced (0 while synced)",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return known_seconds(r.snapshot.book.unsynced_ns);
     }},
    {"depthrec_book_last_update_id", "The book's last update id", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.book.last_update_id);
     }},
    {"depthrec_book_levels_dropped_total", "Levels dropped by --max-book-levels",
     MetricType::Counter,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.book.levels_dropped);
     }},
    {"depthrec_last_event_age_seconds", "Time since the stream's last depth event",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return known_seconds(r.snapshot.last_message_age_ns);
     }},
    {"depthrec_sync_initial_seconds", "Duration of the first sync", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return known_seconds(r.snapshot.sync.initial_sync_ns);
     }},
    {"depthrec_sync_last_resync_seconds", "Duration of the last resync", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return known_seconds(r.snapshot.sync.last_resync_ns);
     }},
    {"depthrec_sync_max_resync_seconds", "Longest resync", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return known_seconds(r.snapshot.sync.max_resync_ns);
     }},
    {"depthrec_sync_in_progress_seconds", "How long the current sync has run (0: none)",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return known_seconds(r.snapshot.sync.in_progress_ns);
     }},
    {"depthrec_snapshot_consecutive_failures", "REST snapshots failed since the last success",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.snapshot_failures_in_a_row);
     }},
    {"depthrec_clock_offset_seconds", "Estimated local clock minus exchange clock",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       if (!r.snapshot.clock_offset.valid()) return std::nullopt;
       return r.snapshot.clock_offset.offset_ms / 1e3;
     }},
    {"depthrec_batch_span_p95_update_ids", "95th percentile of u - U of the events",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.run.batch_span.p95);
     }},
    {"depthrec_batch_span_max_update_ids", "Largest u - U of an event", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.run.batch_span.max);
     }},
    {"depthrec_log_queue_depth_p95", "95th percentile of the writer queue depth at a push",
     MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.run.queue_depth.p95);
     }},
    {"depthrec_log_queue_depth_max", "Deepest writer queue at a push", MetricType::Gauge,
     [](const StreamReport& r) -> std::optional<double> {
       return static_cast<double>(r.snapshot.run.queue_depth.max);
     }},
};

void stream_families(std::vector<MetricFamily>& families,
                     const std::vector<StreamReport>& streams) {
  std::vector<Labels> labels;
  labels.reserve(streams.size());
  for (const StreamReport& report : streams) labels.push_back(stream_labels(report));
  for (const CounterField& counter : kStreamCounters) {
    per_stream(families, streams, labels, counter.name, counter.help, MetricType::Counter,
               [&](const StreamReport& r) -> std::optional<double> {
                 return static_cast<double>(r.snapshot.run.counters.*counter.field);
               });
  }
  MetricFamily& snapshots = add_family(families, "depthrec_snapshots_total",
                                       "REST book snapshot fetches by result", MetricType::Counter);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    for (const SnapshotResult& result : kSnapshotResults) {
      Labels with_result = labels[i];
      with_result.push_back({"result", result.result});
      add_value(snapshots, std::move(with_result),
                static_cast<double>(streams[i].snapshot.run.counters.*result.field));
    }
  }
  for (const StreamFigure& figure : kStreamFigures)
    per_stream(families, streams, labels, figure.name, figure.help, figure.type, figure.value);
  stream_histograms(families, streams, labels);
}

}  // namespace

std::string channel_of(const StreamKey& key) {
  const std::size_t at = key.stream.find('@');
  return at == std::string::npos ? key.stream : key.stream.substr(at + 1);
}

std::vector<MetricFamily> metric_families(const MetricsSnapshot& process_wide,
                                          const std::vector<StreamReport>& streams,
                                          const std::optional<ProcessFigures>& process,
                                          const std::vector<ChannelFigures>& channels) {
  std::vector<MetricFamily> families;
  add_value(add_family(families, "depthrec_up",
                       "1 while the recorder reports its streams, 0 while starting or stopping",
                       MetricType::Gauge),
            {}, streams.empty() ? 0.0 : 1.0);
  if (!streams.empty()) {
    add_value(add_family(families, "depthrec_streams", "Streams configured (removed included)",
                         MetricType::Gauge),
              {}, static_cast<double>(streams.size()));
    stream_families(families, streams);
    add_trade_repair_families(families, channels);
    add_process_wide_families(families, process_wide);
  }
  if (process) add_process_families(families, *process);
  return families;
}

}  // namespace depthrec::exposition