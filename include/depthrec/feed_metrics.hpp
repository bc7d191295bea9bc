// The counters and histograms of one feed (market, symbol, stream).
//
// Threads: the network thread records; any other thread reads a MetricsSnapshot. One std::mutex
// guards everything, so a snapshot is consistent (every figure from the same instant). Each
// record_* call takes the lock once: a depth event is one call, record_event(), about 0.1 us
// uncontended (lock + twelve histogram records). snapshot() holds the lock while it copies the
// histograms (it summarises the copy after); a roll holds it for a swap (close_window) and for
// adding the closed window to the run (finish_roll): the network thread waits at most that long.
//
// Times are the local wall clock in ns since the Unix epoch (the recording's recv_ns), passed in by
// the caller so that tests control time. A value is recorded once, in the current window's
// histograms; roll_window() closes the window (the seed's window_sec, metrics.json's period) and
// adds it to the histograms of the windows before it, so the run's figures are those two merged
// (exact: same buckets, count, min and max), computed only when a snapshot asks for them: a roll
// merges first and summarises the closed windows in place, snapshot() merges into a copy.
// Memory: the 18 histograms (the closed windows', the window's, and the spare a roll swaps the
// window with) allocate their buckets 64 at a time as values reach them (issue 12: thousands of
// feeds in one process): ~15 KB for a feed whose values span a few powers of two, at most
// ~0.65 MB (every histogram spread over its whole range).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "depthrec/clock_offset.hpp"
#include "depthrec/decimal.hpp"
#include "depthrec/latency_histogram.hpp"
#include "depthrec/market.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/parse_error.hpp"

namespace depthrec {

inline std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The book after an event (or after a change of sync state).
struct BookTop {
  bool synced = false;
  std::uint64_t last_update_id = 0;
  std::optional<Decimal> best_bid;
  std::optional<Decimal> best_ask;
};

// Everything the hot path records about one depth event, in one call.
struct EventSample {
  std::int64_t recv_ns = 0;        // local wall clock at frame receipt
  std::int64_t event_time_ms = 0;  // E; 0 when absent (spot partial depth): no event latency
  std::int64_t pipeline_ns = -1;   // receipt to hand-off to the writer; < 0: not measured
  std::uint64_t batch_span = 0;    // u - U
  std::size_t frame_bytes = 0;
  std::int64_t callback_ns = -1;  // time in the library's event callback; < 0: no callback
  std::int64_t queue_depth = -1;  // writer queue depth after this event's push; < 0: not pushed
  std::uint64_t queue_drops = 0;  // the queue's cumulative drop count (read if queue_depth >= 0)
  std::optional<BookTop> book;    // the book after this event; none: unchanged
};

// A frame that is not a depth event of this feed.
enum class OtherFrame : std::uint8_t {
  control,       // subscription reply, server event, ...
  book_ticker,   // a bookTicker of this feed's symbol: market data (ticker_messages)
  other_symbol,  // a depth or bookTicker frame of another symbol
  other_stream,  // a frame of a stream this feed does not record
};

enum class SnapshotFetch : std::uint8_t {
  ok,
  failed,        // network error, bad body, other HTTP status
  rate_limited,  // HTTP 429
  banned,        // HTTP 418
};

struct FeedMetricsConfig {
  int window_sec = 10;  // the seed's metrics period; reported as window_sec
  ClockOffsetConfig clock;
};

class FeedMetrics {
 public:
  FeedMetrics(StreamKey key, std::int64_t start_ns, FeedMetricsConfig config = {});
  FeedMetrics(const FeedMetrics&) = delete;
  FeedMetrics& operator=(const FeedMetrics&) = delete;

  // Hot path: one depth event of this feed (counts a message and a frame).
  void record_event(const EventSample& sample);

  // Frames that are not depth events of this feed (each counts a frame and its bytes).
  void record_other_frame(OtherFrame kind, std::size_t bytes, std::int64_t recv_ns);
  void record_parse_error(ParseError error, std::size_t bytes, std::int64_t recv_ns);

  // Continuity. record_break: the book lost continuity (counts a break and a gap of `reason`,
  // e.g. "pu_mismatch", "u_gap", "buffer_overflow"). record_gap: the recording has a hole but the
  // book did not break (e.g. "writer_drop", "reconnect"). Reasons are the recording's gap reasons.
  void record_break(std::string_view reason);
  void record_gap(std::string_view reason);
  void record_stale_dropped(std::uint64_t events = 1);
  void record_duplicate(std::uint64_t events = 1);
  void record_reconnect();
  void record_stall();
  void record_send_queue_overflow();
  // Make-before-break rollover: one completed (with the successor's events the book already
  // had), or one given up for a close-and-reconnect.
  void record_rollover(std::uint64_t overlap_events);
  void record_rollover_fallback();
  void record_connect_failure();  // an attempt that failed before the connection opened

  // A sync (snapshot + buffered events) began / ended. Only is_resync syncs count as resyncs;
  // the first sync's duration is reported apart. sync_finished without a start is ignored.
  void sync_started(std::int64_t now_ns, bool is_resync);
  void sync_finished(std::int64_t now_ns);
  // now_ns: when the book reached this state (a synced book turning unsynced starts the clock
  // of book.unsynced_ms; before the first sync it runs from the start).
  void set_book(const BookTop& book, std::int64_t now_ns);

  // One REST snapshot fetch; when it carried the server's time (snapshot E, or serverTime),
  // also pass it with the request's send and receive times to record_server_time().
  void record_snapshot_fetch(SnapshotFetch result);
  // A fetched snapshot (counted ok above) that was older than the buffered events: not used.
  void record_snapshot_too_old();
  void record_snapshot_unjoined();
  void record_server_time(std::int64_t sent_ns, std::int64_t received_ns,
                          std::int64_t server_time_ms);

  // Writer queue pushes that are not depth events (snapshots, gap markers).
  void record_queue(std::int64_t depth, std::uint64_t drops_total);
  void set_writer_stats(const WriterStats& stats);
  void set_text_log_state(const TextLogState& state);
  void set_redis_state(const RedisSinkState& state);
  void set_parquet_state(const ParquetSinkState& state);
  void set_rest_state(const RestState& state);
  // Levels the book dropped by its level bound (OrderBook::levels_dropped), cumulative.
  void set_book_levels_dropped(std::uint64_t levels);

  // The histograms kept for a span of time (the closed windows, the current one, or those of
  // many feeds merged: every feed's have the same buckets, so a merge is exact).
  struct Histograms {
    Histograms();
    void reset();
    void merge(const Histograms& other);
    // The six summaries of `figures` (FeedFigures' histogram fields).
    void summarise(FeedFigures& figures) const;
    LatencyHistogram event_latency_us;
    LatencyHistogram event_latency_corrected_us;
    LatencyHistogram pipeline_ns;
    LatencyHistogram batch_span;
    LatencyHistogram queue_depth;
    LatencyHistogram callback_ns;
  };
  // Many feeds' run and window histograms added together: the aggregate of a many-stream run
  // (aggregate_metrics), whose percentiles are then those of the union of the streams' values.
  // Two ways to fill it at a print: reset() then each feed's roll_window adds its closed windows
  // and its window; or, while the feeds merged are the same as at the last print (none left the
  // aggregate), start_roll_from_windows() then each roll adds its window only and
  // finish_roll_from_windows() adds the windows to the run kept from before: the same counts,
  // min, max and sum (integers, exact below 2^53), at the cost of what changed (issue 12).
  struct MergedHistograms {
    void reset() {
      run.reset();
      window.reset();
      from_windows = false;
    }
    void start_roll_from_windows() {
      window.reset();
      from_windows = true;
    }
    void finish_roll_from_windows() {
      if (from_windows) run.merge(window);
    }
    Histograms run;
    Histograms window;
    bool from_windows = false;  // roll_window leaves `run` to finish_roll_from_windows
  };
  // The figures now: the whole run, and the window since the last roll_window(). With
  // `merge_into`, the run's and the window's histograms are also added to it.
  MetricsSnapshot snapshot(std::int64_t now_ns, MergedHistograms* merge_into = nullptr) const;
  // snapshot(now_ns, merge_into), then a new window starts at now_ns.
  MetricsSnapshot roll_window(std::int64_t now_ns, MergedHistograms* merge_into = nullptr);
  // roll_window in two steps, so that a many-stream print takes on the recording thread only
  // what must be consistent (issue 12). close_window(now_ns): a new window starts, the closed
  // one's histograms handed over by a swap (no bucket allocated once warm) and the figures
  // copied as of now_ns (no summary). finish_roll(), on any one thread: the closed window added
  // to the run, the summaries taken, `out` filled as roll_window would return it (its strings
  // reused).
  // The caller orders them: each close_window's finish_roll returns before the next
  // close_window. Meanwhile snapshot() counts the handed-over window in the run.
  void close_window(std::int64_t now_ns);
  void finish_roll(MetricsSnapshot& out, MergedHistograms* merge_into = nullptr);

  const StreamKey& key() const { return key_; }
  const FeedMetricsConfig& config() const { return config_; }

 private:
  void count_frame(std::size_t bytes, std::int64_t recv_ns);
  void count_gap(std::string_view reason);
  void record_queue_locked(std::int64_t depth, std::uint64_t drops_total);
  void set_book_locked(const BookTop& book, std::int64_t now_ns);
  // Every figure of a snapshot but the histograms' summaries and buckets, as of now_ns: all of
  // `into`'s other fields assigned (a reused snapshot keeps nothing, its strings' capacity kept).
  void copy_state_locked(std::int64_t now_ns, MetricsSnapshot& into) const;
  // roll_window's run summaries: those of histograms whose window held values are taken again.
  void refresh_run_figures(const bool window_had_values[]);

  const StreamKey key_;
  const FeedMetricsConfig config_;
  const std::int64_t start_ns_;

  mutable std::mutex mutex_;
  std::int64_t window_start_ns_;
  FeedCounters counters_;
  FeedCounters window_base_;   // counters_ when the window started
  Histograms closed_windows_;  // every value before the current window (but handed_over_'s)
  Histograms window_;
  // close_window's: the closed window until its finish_roll adds it to closed_windows_ (empty
  // otherwise), and the figures as of its close. Changed under the lock (snapshot() reads them);
  // finish_roll, which the caller orders after close_window, reads them without it.
  Histograms handed_over_;
  MetricsSnapshot closed_state_;  // copy_state_locked's, at the close
  // The run's summaries and exposition counts as of the last roll (closed_windows_ changes only
  // there): a histogram whose window was empty keeps them, so a quiet stream's roll summarises
  // nothing (the 5 s print of every stream, issue 12).
  FeedFigures run_summaries_;
  RunLatencyBuckets run_buckets_;
  std::array<std::uint64_t, kParseErrorCount> parse_errors_{};
  std::vector<std::pair<std::string, std::uint64_t>> gaps_;
  WriterStats writer_;
  TextLogState text_log_;
  RedisSinkState redis_;
  ParquetSinkState parquet_;
  RestState rest_;
  ClockOffsetEstimator clock_;
  std::int64_t last_message_ns_ = -1;
  bool sync_in_progress_ = false;
  bool sync_is_resync_ = false;
  std::int64_t sync_start_ns_ = 0;
  SyncTimes sync_times_;
  std::uint64_t snapshot_failures_in_a_row_ = 0;
  BookTop book_;
  std::int64_t unsynced_since_ns_;  // meaningful while !book_.synced
  std::uint64_t book_levels_dropped_ = 0;
};

}  // namespace depthrec
