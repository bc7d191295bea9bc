// A consistent, self-contained copy of one feed's metrics at one instant: what metrics.json, the
// SUMMARY line and depthrec-check read. Plain data, safe to pass between threads. Filled by
// FeedMetrics::snapshot(); every figure is either over the whole run or over the current window.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "depthrec/clock_offset.hpp"
#include "depthrec/lag_figures.hpp"
#include "depthrec/latency_histogram.hpp"
#include "depthrec/market.hpp"
#include "depthrec/observer_figures.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

// Monotonic counts. A window's counts are the run's counts minus those at the window's start.
struct FeedCounters {
  std::uint64_t messages = 0;  // depth events of this feed (the seed's total_messages)
  std::uint64_t frames = 0;    // every frame: depth events, other frames, refused frames
  std::uint64_t bytes = 0;     // payload bytes of every frame
  std::uint64_t breaks = 0;    // continuity of the book lost (pu / U mismatch, reconnect, ...)
  std::uint64_t resyncs = 0;   // syncs started after the first one
  std::uint64_t reconnects = 0;
  std::uint64_t stale_dropped = 0;        // events older than the book (u below its id), dropped
  std::uint64_t duplicates = 0;           // events seen twice (same U/u), dropped
  std::uint64_t gaps = 0;                 // gap markers of any reason (see MetricsSnapshot::gaps)
  std::uint64_t parse_errors = 0;         // refused frames (by kind: MetricsSnapshot::parse_errors)
  std::uint64_t other_symbol_frames = 0;  // depth frames of a symbol this feed does not record
  std::uint64_t other_stream_frames = 0;  // frames of a stream this feed does not record
  std::uint64_t control_frames = 0;       // subscription replies, server events, ...
  std::uint64_t ticker_messages = 0;      // bookTicker frames of this feed's symbol (market data)
  std::uint64_t stalls = 0;               // times the feed went silent past the stall timeout
  std::uint64_t send_queue_overflows = 0;  // connections cut: the server did not read our pongs
  std::uint64_t connect_failures =
      0;                          // connection attempts that failed before opening (DNS, TCP, TLS)
  std::uint64_t queue_drops = 0;  // records the writer queue refused (log_queue.drops)
  std::uint64_t snapshot_ok = 0;  // REST snapshot fetches that succeeded
  std::uint64_t snapshot_failed = 0;        // ... failed for any other reason
  std::uint64_t snapshot_rate_limited = 0;  // ... answered HTTP 429
  std::uint64_t snapshot_banned = 0;        // ... answered HTTP 418
  std::uint64_t snapshot_too_old = 0;  // fetched, but older than the buffered events: fetched again
  std::uint64_t snapshot_unjoined = 0;   // loaded, but no event joined it (ahead of the stream)
  std::uint64_t rollovers = 0;           // make-before-break rollovers completed (no gap)
  std::uint64_t rollover_fallbacks = 0;  // rollovers given up (close, reconnect, resync instead)
  std::uint64_t rollover_overlap_events = 0;  // successor events the book already had (dropped)
};
FeedCounters operator-(const FeedCounters& later, const FeedCounters& earlier);
FeedCounters& operator+=(FeedCounters& into,
                         const FeedCounters& more);  // the counts of two spans or streams

// Figures over one span of time: the whole run, or the current window.
struct FeedFigures {
  double seconds = 0.0;
  FeedCounters counters;
  double recv_rate = 0.0;                       // messages / seconds
  double bytes_rate = 0.0;                      // bytes / seconds
  HistogramSummary event_latency_us;            // raw: receive time - E (negative if behind)
  HistogramSummary event_latency_corrected_us;  // receive time - E - estimated clock offset
  HistogramSummary pipeline_ns;                 // frame receipt to hand-off to the writer
  HistogramSummary batch_span;                  // u - U of each event (update ids)
  HistogramSummary queue_depth;                 // writer queue depth sampled at each push
  HistogramSummary callback_ns;                 // time spent in the library's event callback
};

// Cumulative figures of the writer thread, as the writer reports them.
struct WriterStats {
  std::uint64_t records_written = 0;
  std::uint64_t bytes_written = 0;  // uncompressed
  std::uint64_t write_errors = 0;
  std::uint64_t segments = 0;          // files opened
  std::uint64_t unwritten_bytes = 0;   // held while storage fails (pending + compressed backlog)
  std::uint64_t queue_bytes_max = 0;   // writer queue: most bytes queued at once
  std::uint64_t queue_byte_drops = 0;  // records dropped by the queue's byte bound
};

// The text log's file (logs/), as the log reports it: a log that cannot be written must be seen.
struct TextLogState {
  bool writable = true;  // false while its file cannot be opened or written
  std::uint64_t write_errors = 0;
  std::string last_error;  // empty if none yet
};

// The Redis Streams sink (--redis), as it reports itself: metrics.json redis{...}.
struct RedisSinkState {
  bool enabled = false;  // false: no --redis, no redis{} in metrics.json
  bool connected = false;
  std::string url;                          // the password hidden
  std::uint64_t published = 0;              // entries added (gap entries included)
  std::uint64_t duplicates_suppressed = 0;  // entries Redis already had (another recorder's)
  std::uint64_t dropped = 0;                // records skipped: queue full, refused, at stop
  std::uint64_t gaps_marked = 0;            // redis_drop gap entries published
  std::uint64_t errors = 0;                 // entries refused otherwise (OOM...)
  std::uint64_t reconnects = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t queue_depth = 0;
  std::uint64_t queue_peak = 0;
  std::uint64_t queue_capacity = 0;
  // --repair-trades: aggTrade lines held after an id gap until its gap_fill (in id order then).
  struct RepairHold {
    std::uint64_t lines_held = 0;     // lines that waited
    std::uint64_t gaps_released = 0;  // gaps whose gap_fill came in time
    std::uint64_t gaps_given_up = 0;  // a key's bound (lines, time) hit first, or the sink stopped
    std::uint64_t late_lines = 0;  // their repair's lines after that: not published (a gap entry)
    std::uint64_t holding = 0;     // lines held now
  } repair_hold;
  // Frame receipt to the write() of its entry's batch (the sink's share of the lag), the run's.
  LagFigures write_lag;
  // The sink's handing of the record to that write() (queue wait, planning, write).
  LagFigures queue_lag;
  std::string last_error;  // empty if none yet
};

// The live Parquet datasets (--parquet DIR), as their writer reports itself: metrics.json
// parquet{...}.
struct ParquetSinkState {
  bool enabled = false;  // false: no --parquet, no parquet{} in metrics.json
  std::string dir;
  std::int64_t rotate_sec = 0;
  std::uint64_t files_open = 0;
  std::uint64_t files_closed = 0;     // complete, under their final name
  std::uint64_t files_failed = 0;     // removed: a write, fsync or rename failed
  std::uint64_t rows = 0;             // rows written (open and closed files)
  std::uint64_t bytes = 0;            // bytes of the closed files
  std::uint64_t dropped = 0;          // records its queue refused (full, bytes bound, at stop)
  std::uint64_t rows_refused = 0;     // items of failed files or with a value beyond its column
  std::uint64_t records_skipped = 0;  // records of no dataset (connect, subscriptions...)
  std::uint64_t partials_found = 0;   // a crashed run's .tmp files renamed .partial at start
  std::uint64_t files_recovered = 0;  // a crashed run's .tmp files recovered at start
  std::uint64_t queue_depth = 0;
  std::string last_error;  // empty if none yet
};

// The process's REST scheduler, as the feed's weight budget sees it (metrics.json rest{...}):
// what a user needs to see why a snapshot waits.
struct RestState {
  std::string budget;  // the budget's name ("spot", "futures"); empty: no scheduler reported
  std::int64_t window_ms = 60000;
  int weight_limit = 0;           // the exchange's weight per window
  int weight_planned_limit = 0;   // the most the scheduler spends (safety margin below the limit)
  int weight_initial_limit = 0;   // ... of which initial syncs and server-time requests
  std::uint64_t weight_used = 0;  // within the window, raised to the server's count when higher
  std::uint64_t queued_resync = 0, queued_initial = 0, queued_low = 0;
  std::uint64_t requests = 0;   // sent
  std::uint64_t cancelled = 0;  // removed from the queue before they were sent
  std::uint64_t refused = 0;    // heavier than the budget admits: failed at once
  std::uint64_t http_429 = 0, http_418 = 0;
  std::int64_t blocked_ms = 0;            // time held back by Retry-After, 418 bans, backoff
  std::int64_t blocked_remaining_ms = 0;  // still to wait
};

struct SyncTimes {
  std::int64_t initial_sync_ns = -1;  // first sync's duration; < 0: not synced yet
  std::int64_t last_resync_ns = -1;   // < 0: no resync finished
  std::int64_t max_resync_ns = -1;
  bool in_progress = false;
  std::int64_t in_progress_ns = 0;  // how long the current sync has been running
};

struct BookState {
  std::uint64_t levels_dropped = 0;  // by --max-book-levels (set apart from the top's fields)
  bool synced = false;
  std::int64_t unsynced_ns = 0;  // how long not synced: since the start or since sync was lost
  std::uint64_t last_update_id = 0;
  std::string best_bid;  // canonical decimal text; empty when the side is empty
  std::string best_ask;
};

// Events buffered while books wait for their snapshot, under the tail and the shared bound of a
// many-stream run (src/session/presync_budget.hpp); metrics.json `presync`, per stream and top
// level.
struct PresyncState {
  bool bounded = false;                 // a many-stream run: the figures are written
  std::uint64_t bound_bytes = 0;        // --max-presync-buffer-mb (top level)
  std::uint64_t buffered_bytes = 0;     // now (top level: every stream's)
  std::uint64_t peak_bytes = 0;         // the most every stream held at once (top level)
  std::uint64_t tail_trimmed = 0;       // events older than the tail while the request was queued
  std::uint64_t budget_dropped = 0;     // oldest events dropped to keep the shared bound
  std::uint64_t snapshots_too_old = 0;  // snapshots older than the first kept event: fetched again
};

// The upper bounds of the latency histograms' Prometheus buckets, in each histogram's own unit
// (us for event latency: 125 us .. 2.048 s; ns for pipeline and callback: 125 ns .. 2.048 ms):
// 125 x 2^n, each an edge of LatencyHistogram's buckets, so a cumulative count (the values below
// the bound) is exact, not interpolated.
inline constexpr std::array<std::int64_t, 15> kExpositionEdges{
    125,    250,    500,     1'000,   2'000,   4'000,     8'000,    16'000,
    32'000, 64'000, 128'000, 256'000, 512'000, 1'024'000, 2'048'000};
using ExpositionCounts = std::array<std::uint64_t, kExpositionEdges.size()>;

// The whole run's latency histograms counted below each of kExpositionEdges (count, sum and the
// rest are in FeedFigures' summaries).
struct RunLatencyBuckets {
  ExpositionCounts event_latency_us{};
  ExpositionCounts event_latency_corrected_us{};
  ExpositionCounts pipeline_ns{};
  ExpositionCounts callback_ns{};
};

struct MetricsSnapshot {
  StreamKey key;
  int window_sec = 10;
  std::int64_t taken_ns = 0;         // wall clock, ns since the Unix epoch
  std::int64_t start_ns = 0;         // when the feed's metrics started
  std::int64_t window_start_ns = 0;  // when the current window started
  FeedFigures run;
  FeedFigures window;
  std::array<std::uint64_t, kParseErrorCount> parse_errors{};  // whole run, by ParseError value
  std::vector<std::pair<std::string, std::uint64_t>>
      gaps;  // whole run, by reason, in first-seen order
  WriterStats writer;
  TextLogState text_log;
  RedisSinkState redis;
  ParquetSinkState parquet;
  RestState rest;
  ClockOffset clock_offset;
  SyncTimes sync;
  std::uint64_t snapshot_failures_in_a_row = 0;  // failed REST snapshots since the last one fetched
  BookState book;
  std::int64_t last_message_age_ns = -1;  // since the last depth event; < 0: none yet
  PresyncState presync;
  RunLatencyBuckets run_buckets;  // the feed's own (an aggregate keeps its first stream's)
  std::string metrics_listen;     // "127.0.0.1:9464" while /metrics is served; empty: not served
  std::vector<ObserverFigures> observers;  // the library's observers (observer.hpp), if any
};

}  // namespace depthrec
