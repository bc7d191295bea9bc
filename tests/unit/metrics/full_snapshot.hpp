// A MetricsSnapshot with every member of metrics.json set to a value of its own (none left at
// its default), for tests that compare the written text byte for byte.
#pragma once

#include "depthrec/metrics_snapshot.hpp"

namespace depthrec::test {

inline FeedFigures full_figures(std::uint64_t base) {
  FeedFigures f;
  f.seconds = 1200.5;
  f.recv_rate = 2.2 + static_cast<double>(base);
  f.bytes_rate = 1234.5;
  f.counters.messages = 2639 + base;
  f.counters.breaks = 1;
  f.counters.resyncs = 2;
  f.counters.reconnects = 3;
  f.counters.queue_drops = 4;
  f.counters.frames = 2700;
  f.counters.bytes = 987654;
  f.counters.ticker_messages = 55;
  f.counters.parse_errors = 6;
  f.counters.stalls = 7;
  f.counters.send_queue_overflows = 8;
  f.counters.connect_failures = 9;
  f.counters.stale_dropped = 10;
  f.counters.duplicates = 11;
  f.counters.gaps = 12;
  f.counters.other_symbol_frames = 13;
  f.counters.other_stream_frames = 14;
  f.counters.control_frames = 15;
  f.counters.snapshot_ok = 16;
  f.counters.snapshot_failed = 17;
  f.counters.snapshot_rate_limited = 18;
  f.counters.snapshot_banned = 19;
  f.counters.snapshot_too_old = 20;
  f.counters.snapshot_unjoined = 21;
  f.counters.rollovers = 22;
  f.counters.rollover_fallbacks = 23;
  f.counters.rollover_overlap_events = 24;
  f.event_latency_us =
      HistogramSummary{2639, 75'000, 150'000, 80'512.3, 79'000, 81'000, 98'000, 140'000};
  f.event_latency_corrected_us =
      HistogramSummary{2600, 1'000, 9'000, 2'345.6, 2'000, 3'000, 3'200, 8'000};
  f.pipeline_ns = HistogramSummary{2639, 3'000, 90'000, 6'543.2, 5'000, 9'000, 12'300, 80'000};
  f.batch_span = HistogramSummary{2639, 1, 1536, 300.5, 200, 795, 1200, 1500};
  f.queue_depth = HistogramSummary{2639, 0, 7, 1.5, 1, 2, 5, 7};
  f.callback_ns = HistogramSummary{2639, 100, 9'000, 456.7, 400, 800, 1'200, 8'000};
  return f;
}

inline MetricsSnapshot full_snapshot() {
  MetricsSnapshot s;
  s.key = StreamKey{Market::usdm, "ETHUSDT", "ethusdt@depth@100ms"};
  s.window_sec = 10;
  s.taken_ns = 1'760'690'281'509'000'000;
  s.start_ns = s.taken_ns - 1200'000'000'000;
  s.window_start_ns = s.taken_ns - 10'000'000'000;
  s.run = full_figures(0);
  s.window = full_figures(1);
  s.window.seconds = 10.0;
  for (std::size_t i = 0; i < s.parse_errors.size(); ++i) s.parse_errors[i] = 100 + i;
  s.gaps = {{"pu_mismatch", 3}, {"writer_drop", 1}};
  s.writer = WriterStats{2600, 5'000'000, 1, 3, 4096, 65536, 2};
  s.text_log.writable = false;
  s.text_log.write_errors = 2;
  s.text_log.last_error = "write logs/x.log: \"No space\" \\ left";
  s.rest.budget = "futures";
  s.rest.weight_limit = 2400;
  s.rest.weight_planned_limit = 2160;
  s.rest.weight_initial_limit = 1920;
  s.rest.weight_used = 41;
  s.rest.queued_resync = 1;
  s.rest.requests = 4;
  s.rest.http_429 = 1;
  s.rest.blocked_ms = 9000;
  s.clock_offset.source = ClockOffsetSource::rest;
  s.clock_offset.offset_ms = -1503.25;
  s.clock_offset.uncertainty_ms = 2.5;
  s.clock_offset.rest_round_trip_ms = 5.0;
  s.clock_offset.stream_bound_ms = 1.25;
  s.clock_offset.has_stream_bound = true;
  s.clock_offset.large = true;
  s.clock_offset.rest_samples = 3;
  s.clock_offset.stream_outliers = 1;
  s.sync = SyncTimes{8'400'000, 7'900'000, 9'100'000, true, 1'500'000};
  s.snapshot_failures_in_a_row = 2;
  s.book.levels_dropped = 5;
  s.book.synced = false;
  s.book.unsynced_ns = 2'500'000'000;
  s.book.last_update_id = 4984028370730;
  s.book.best_bid = "63947.4";
  s.book.best_ask = "63947.5";
  s.last_message_age_ns = 12'000'000;
  return s;
}

}  // namespace depthrec::test
