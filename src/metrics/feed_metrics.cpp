#include "depthrec/feed_metrics.hpp"

#include "depthrec/epoch_time.hpp"
#include "metrics/round_half_away.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace depthrec {
namespace {

constexpr double kNsPerSecond = 1e9;

// Per-second rate; 0 for an empty span (a rate over no time means nothing).
double rate(std::uint64_t count, double seconds) {
  return seconds > 0.0 ? static_cast<double>(count) / seconds : 0.0;
}

std::string decimal_text(const std::optional<Decimal>& value) {
  return value ? to_string(*value) : std::string();
}

// The six histograms of a feed with their summary in FeedFigures and, for the four exposed as
// Prometheus buckets, their counts in RunLatencyBuckets (null otherwise).
struct HistogramField {
  LatencyHistogram FeedMetrics::Histograms::*histogram;
  HistogramSummary FeedFigures::*summary;
  ExpositionCounts RunLatencyBuckets::*buckets;
};
constexpr HistogramField kHistogramFields[] = {
    {&FeedMetrics::Histograms::event_latency_us, &FeedFigures::event_latency_us,
     &RunLatencyBuckets::event_latency_us},
    {&FeedMetrics::Histograms::event_latency_corrected_us, &FeedFigures::event_latency_corrected_us,
     &RunLatencyBuckets::event_latency_corrected_us},
    {&FeedMetrics::Histograms::pipeline_ns, &FeedFigures::pipeline_ns,
     &RunLatencyBuckets::pipeline_ns},
    {&FeedMetrics::Histograms::batch_span, &FeedFigures::batch_span, nullptr},
    {&FeedMetrics::Histograms::queue_depth, &FeedFigures::queue_depth, nullptr},
    {&FeedMetrics::Histograms::callback_ns, &FeedFigures::callback_ns,
     &RunLatencyBuckets::callback_ns},
};
constexpr std::size_t kHistogramCount = sizeof(kHistogramFields) / sizeof(kHistogramFields[0]);

// The summary (and exposition counts) of one of `run`'s histograms.
void take_run_figures(const FeedMetrics::Histograms& run, const HistogramField& field,
                      FeedFigures& summaries, RunLatencyBuckets& buckets) {
  const LatencyHistogram& histogram = run.*field.histogram;
  summaries.*field.summary = histogram.summary();
  if (field.buckets != nullptr) buckets.*field.buckets = histogram.counts_below(kExpositionEdges);
}

void copy_summaries(const FeedFigures& from, FeedFigures& into) {
  for (const HistogramField& field : kHistogramFields) into.*field.summary = from.*field.summary;
}

// The histograms' part of a snapshot: `run_*` the figures of every value of the run, `window`
// the window's summaries (the rest of `out` is copy_state_locked's).
void set_histogram_figures(const FeedFigures& run_summaries, const RunLatencyBuckets& run_buckets,
                           const FeedFigures& window, MetricsSnapshot& out) {
  copy_summaries(run_summaries, out.run);
  copy_summaries(window, out.window);
  out.run_buckets = run_buckets;
}

}  // namespace

namespace {

// Every counter of FeedCounters, once: the window's difference and a run's sum walk this list.
// The static_assert fails when a counter is added to the struct but not here.
constexpr std::uint64_t FeedCounters::*kCounterFields[] = {
    &FeedCounters::messages,
    &FeedCounters::frames,
    &FeedCounters::bytes,
    &FeedCounters::breaks,
    &FeedCounters::resyncs,
    &FeedCounters::reconnects,
    &FeedCounters::stale_dropped,
    &FeedCounters::duplicates,
    &FeedCounters::gaps,
    &FeedCounters::parse_errors,
    &FeedCounters::other_symbol_frames,
    &FeedCounters::other_stream_frames,
    &FeedCounters::control_frames,
    &FeedCounters::ticker_messages,
    &FeedCounters::stalls,
    &FeedCounters::send_queue_overflows,
    &FeedCounters::connect_failures,
    &FeedCounters::queue_drops,
    &FeedCounters::snapshot_ok,
    &FeedCounters::snapshot_failed,
    &FeedCounters::snapshot_rate_limited,
    &FeedCounters::snapshot_banned,
    &FeedCounters::snapshot_too_old,
    &FeedCounters::snapshot_unjoined,
    &FeedCounters::rollovers,
    &FeedCounters::rollover_fallbacks,
    &FeedCounters::rollover_overlap_events,
};
static_assert(sizeof(FeedCounters) ==
                  sizeof(kCounterFields) / sizeof(kCounterFields[0]) * sizeof(std::uint64_t),
              "a FeedCounters field is missing from kCounterFields");

}  // namespace

FeedCounters operator-(const FeedCounters& later, const FeedCounters& earlier) {
  FeedCounters out;
  for (const auto field : kCounterFields) out.*field = later.*field - earlier.*field;
  return out;
}

FeedCounters& operator+=(FeedCounters& into, const FeedCounters& more) {
  for (const auto field : kCounterFields) into.*field += more.*field;
  return into;
}

FeedMetrics::Histograms::Histograms() = default;

void FeedMetrics::Histograms::reset() {
  event_latency_us.reset();
  event_latency_corrected_us.reset();
  pipeline_ns.reset();
  batch_span.reset();
  queue_depth.reset();
  callback_ns.reset();
}

void FeedMetrics::Histograms::merge(const Histograms& other) {
  event_latency_us.merge(other.event_latency_us);
  event_latency_corrected_us.merge(other.event_latency_corrected_us);
  pipeline_ns.merge(other.pipeline_ns);
  batch_span.merge(other.batch_span);
  queue_depth.merge(other.queue_depth);
  callback_ns.merge(other.callback_ns);
}

void FeedMetrics::Histograms::summarise(FeedFigures& figures) const {
  figures.event_latency_us = event_latency_us.summary();
  figures.event_latency_corrected_us = event_latency_corrected_us.summary();
  figures.pipeline_ns = pipeline_ns.summary();
  figures.batch_span = batch_span.summary();
  figures.queue_depth = queue_depth.summary();
  figures.callback_ns = callback_ns.summary();
}

FeedMetrics::FeedMetrics(StreamKey key, std::int64_t start_ns, FeedMetricsConfig config)
    : key_(std::move(key)),
      config_(config),
      start_ns_(start_ns),
      window_start_ns_(start_ns),
      clock_(config.clock),
      unsynced_since_ns_(start_ns) {
  gaps_.reserve(8);
}

void FeedMetrics::count_frame(std::size_t bytes, std::int64_t /*recv_ns*/) {
  ++counters_.frames;
  counters_.bytes += bytes;
}

void FeedMetrics::record_event(const EventSample& sample) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_frame(sample.frame_bytes, sample.recv_ns);
  ++counters_.messages;
  last_message_ns_ = sample.recv_ns;
  std::int64_t event_ns = 0;
  if (sample.event_time_ms > 0 && epoch_ms_to_ns(sample.event_time_ms, event_ns)) {
    clock_.add_stream_sample(sample.recv_ns, sample.event_time_ms);
    const std::int64_t raw_ns = sample.recv_ns - event_ns;
    const std::int64_t raw_us = raw_ns / 1000;
    const std::int64_t corrected_us =
        round_half_away(static_cast<double>(raw_ns) / 1000.0 - clock_.offset_ms() * 1000.0);
    window_.event_latency_us.record(raw_us);
    window_.event_latency_corrected_us.record(corrected_us);
  }
  if (sample.pipeline_ns >= 0) {
    window_.pipeline_ns.record(sample.pipeline_ns);
  }
  const auto span = static_cast<std::int64_t>(
      std::min<std::uint64_t>(sample.batch_span, static_cast<std::uint64_t>(INT64_MAX)));
  window_.batch_span.record(span);
  if (sample.callback_ns >= 0) {
    window_.callback_ns.record(sample.callback_ns);
  }
  if (sample.queue_depth >= 0) record_queue_locked(sample.queue_depth, sample.queue_drops);
  if (sample.book) set_book_locked(*sample.book, sample.recv_ns);
}

void FeedMetrics::record_other_frame(OtherFrame kind, std::size_t bytes, std::int64_t recv_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_frame(bytes, recv_ns);
  switch (kind) {
    case OtherFrame::control:
      ++counters_.control_frames;
      break;
    case OtherFrame::book_ticker:
      ++counters_.ticker_messages;
      break;
    case OtherFrame::other_symbol:
      ++counters_.other_symbol_frames;
      break;
    case OtherFrame::other_stream:
      ++counters_.other_stream_frames;
      break;
  }
}

void FeedMetrics::record_parse_error(ParseError error, std::size_t bytes, std::int64_t recv_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_frame(bytes, recv_ns);
  ++counters_.parse_errors;
  const auto index = static_cast<std::size_t>(error);
  if (index < parse_errors_.size()) ++parse_errors_[index];
}

void FeedMetrics::count_gap(std::string_view reason) {
  ++counters_.gaps;
  for (auto& [name, count] : gaps_) {
    if (name == reason) {
      ++count;
      return;
    }
  }
  gaps_.emplace_back(std::string(reason), 1);  // a new reason: rare, so the allocation is fine
}

void FeedMetrics::record_break(std::string_view reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.breaks;
  count_gap(reason);
}

void FeedMetrics::record_gap(std::string_view reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  count_gap(reason);
}

void FeedMetrics::record_stale_dropped(std::uint64_t events) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_.stale_dropped += events;
}

void FeedMetrics::record_duplicate(std::uint64_t events) {
  std::lock_guard<std::mutex> lock(mutex_);
  counters_.duplicates += events;
}

void FeedMetrics::record_reconnect() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.reconnects;
}

void FeedMetrics::record_rollover(std::uint64_t overlap_events) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.rollovers;
  counters_.rollover_overlap_events += overlap_events;
}

void FeedMetrics::record_rollover_fallback() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.rollover_fallbacks;
}

void FeedMetrics::record_stall() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.stalls;
}

void FeedMetrics::record_send_queue_overflow() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.send_queue_overflows;
}

void FeedMetrics::record_connect_failure() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.connect_failures;
}

void FeedMetrics::sync_started(std::int64_t now_ns, bool is_resync) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (is_resync) ++counters_.resyncs;
  sync_in_progress_ = true;
  sync_is_resync_ = is_resync;
  sync_start_ns_ = now_ns;
}

void FeedMetrics::sync_finished(std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!sync_in_progress_) return;
  sync_in_progress_ = false;
  const std::int64_t duration = std::max<std::int64_t>(0, now_ns - sync_start_ns_);
  if (sync_is_resync_) {
    sync_times_.last_resync_ns = duration;
    sync_times_.max_resync_ns = std::max(sync_times_.max_resync_ns, duration);
  } else if (sync_times_.initial_sync_ns < 0) {
    sync_times_.initial_sync_ns = duration;
  }
}

void FeedMetrics::set_book_locked(const BookTop& book, std::int64_t now_ns) {
  if (book_.synced && !book.synced) unsynced_since_ns_ = now_ns;
  book_ = book;
}

void FeedMetrics::set_book(const BookTop& book, std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  set_book_locked(book, now_ns);
}

void FeedMetrics::record_snapshot_fetch(SnapshotFetch result) {
  std::lock_guard<std::mutex> lock(mutex_);
  switch (result) {
    case SnapshotFetch::ok:
      ++counters_.snapshot_ok;
      snapshot_failures_in_a_row_ = 0;
      return;
    case SnapshotFetch::failed:
      ++counters_.snapshot_failed;
      break;
    case SnapshotFetch::rate_limited:
      ++counters_.snapshot_rate_limited;
      break;
    case SnapshotFetch::banned:
      ++counters_.snapshot_banned;
      break;
  }
  ++snapshot_failures_in_a_row_;
}

void FeedMetrics::record_snapshot_too_old() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.snapshot_too_old;
}

void FeedMetrics::record_snapshot_unjoined() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counters_.snapshot_unjoined;
}

void FeedMetrics::record_server_time(std::int64_t sent_ns, std::int64_t received_ns,
                                     std::int64_t server_time_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  clock_.add_rest_sample(sent_ns, received_ns, server_time_ms);
}

void FeedMetrics::record_queue_locked(std::int64_t depth, std::uint64_t drops_total) {
  window_.queue_depth.record(depth);
  // The queue's count is cumulative (and may be shared by feeds): keep the highest seen.
  counters_.queue_drops = std::max(counters_.queue_drops, drops_total);
}

void FeedMetrics::record_queue(std::int64_t depth, std::uint64_t drops_total) {
  std::lock_guard<std::mutex> lock(mutex_);
  record_queue_locked(std::max<std::int64_t>(0, depth), drops_total);
}

void FeedMetrics::set_writer_stats(const WriterStats& stats) {
  std::lock_guard<std::mutex> lock(mutex_);
  writer_ = stats;
}

void FeedMetrics::set_book_levels_dropped(std::uint64_t levels) {
  std::lock_guard<std::mutex> lock(mutex_);
  book_levels_dropped_ = levels;
}

void FeedMetrics::set_text_log_state(const TextLogState& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  text_log_ = state;
}

void FeedMetrics::set_redis_state(const RedisSinkState& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  redis_ = state;
}

void FeedMetrics::set_parquet_state(const ParquetSinkState& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  parquet_ = state;
}

void FeedMetrics::set_rest_state(const RestState& state) {
  std::lock_guard<std::mutex> lock(mutex_);
  rest_ = state;
}

void FeedMetrics::copy_state_locked(std::int64_t now_ns, MetricsSnapshot& into) const {
  into.key = key_;
  into.window_sec = config_.window_sec;
  into.taken_ns = now_ns;
  into.start_ns = start_ns_;
  into.window_start_ns = window_start_ns_;
  const auto fill = [](FeedFigures& figures, double seconds, const FeedCounters& counters) {
    figures.seconds = std::max(0.0, seconds);
    figures.counters = counters;
    figures.recv_rate = rate(counters.messages, figures.seconds);
    figures.bytes_rate = rate(counters.bytes, figures.seconds);
  };
  fill(into.run, static_cast<double>(now_ns - start_ns_) / kNsPerSecond, counters_);
  fill(into.window, static_cast<double>(now_ns - window_start_ns_) / kNsPerSecond,
       counters_ - window_base_);
  into.parse_errors = parse_errors_;
  into.gaps = gaps_;  // assigned: a reused snapshot keeps its strings' capacity
  into.writer = writer_;
  into.text_log = text_log_;
  into.redis = redis_;
  into.parquet = parquet_;
  into.rest = rest_;
  into.clock_offset = clock_.estimate();
  into.sync = sync_times_;
  into.sync.in_progress = sync_in_progress_;
  into.sync.in_progress_ns =
      sync_in_progress_ ? std::max<std::int64_t>(0, now_ns - sync_start_ns_) : 0;
  into.snapshot_failures_in_a_row = snapshot_failures_in_a_row_;
  into.book.synced = book_.synced;
  into.book.unsynced_ns = book_.synced ? 0 : std::max<std::int64_t>(0, now_ns - unsynced_since_ns_);
  into.book.last_update_id = book_.last_update_id;
  into.book.best_bid = decimal_text(book_.best_bid);
  into.book.best_ask = decimal_text(book_.best_ask);
  into.book.levels_dropped = book_levels_dropped_;
  into.last_message_age_ns =
      last_message_ns_ < 0 ? -1 : std::max<std::int64_t>(0, now_ns - last_message_ns_);
  // Not a feed's own figures (the engine and the aggregate set them): as a new snapshot has them.
  into.presync = PresyncState{};
  into.metrics_listen.clear();
  into.observers.clear();
}

MetricsSnapshot FeedMetrics::snapshot(std::int64_t now_ns, MergedHistograms* merge_into) const {
  // The run: the closed windows, a window handed over to a roll not finished yet, and the
  // current one, in a copy (snapshot() leaves them as they are), summarised after the lock.
  Histograms run;
  FeedFigures window_summaries;
  MetricsSnapshot out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run.merge(closed_windows_);
    run.merge(handed_over_);
    run.merge(window_);
    if (merge_into != nullptr) {
      merge_into->run.merge(run);
      merge_into->window.merge(window_);
    }
    window_.summarise(window_summaries);
    copy_state_locked(now_ns, out);
  }
  FeedFigures run_summaries;
  RunLatencyBuckets run_buckets;
  for (const HistogramField& field : kHistogramFields) {
    take_run_figures(run, field, run_summaries, run_buckets);
  }
  set_histogram_figures(run_summaries, run_buckets, window_summaries, out);
  return out;
}

void FeedMetrics::refresh_run_figures(const bool window_had_values[]) {
  for (std::size_t i = 0; i < kHistogramCount; ++i) {
    if (window_had_values[i]) {
      take_run_figures(closed_windows_, kHistogramFields[i], run_summaries_, run_buckets_);
    }
  }
}

void FeedMetrics::close_window(std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  copy_state_locked(now_ns, closed_state_);
  // handed_over_ is empty (its finish_roll reset it) and keeps its bucket groups: the new window
  // records into them, allocation-free.
  std::swap(window_, handed_over_);
  window_start_ns_ = now_ns;
  window_base_ = counters_;
}

void FeedMetrics::finish_roll(MetricsSnapshot& out, MergedHistograms* merge_into) {
  // handed_over_, closed_windows_ and closed_state_ change only in close_window and here, which
  // the caller orders: read without the lock, changed under it (snapshot() reads them).
  // The closed windows are then the whole run, summarised in place, not merged into a fresh copy
  // per snapshot (its allocations and zeroing were most of a roll's cost over thousands of
  // streams). A histogram whose window held no value leaves the run's as it was: its summary is
  // kept.
  bool window_had_values[kHistogramCount];
  for (std::size_t i = 0; i < kHistogramCount; ++i) {
    window_had_values[i] = (handed_over_.*kHistogramFields[i].histogram).count() != 0;
  }
  FeedFigures window_summaries;
  handed_over_.summarise(window_summaries);
  if (merge_into != nullptr) merge_into->window.merge(handed_over_);
  {
    // One step for snapshot(): the window's values move from handed_over_ to the run.
    std::lock_guard<std::mutex> lock(mutex_);
    closed_windows_.merge(handed_over_);
    handed_over_.reset();
  }
  if (merge_into != nullptr && !merge_into->from_windows) merge_into->run.merge(closed_windows_);
  refresh_run_figures(window_had_values);
  out = closed_state_;
  set_histogram_figures(run_summaries_, run_buckets_, window_summaries, out);
}

MetricsSnapshot FeedMetrics::roll_window(std::int64_t now_ns, MergedHistograms* merge_into) {
  close_window(now_ns);
  MetricsSnapshot out;
  finish_roll(out, merge_into);
  return out;
}

}  // namespace depthrec
