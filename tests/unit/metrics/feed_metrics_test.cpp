#include "depthrec/feed_metrics.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "depthrec/latency_histogram.hpp"
#include "summary_checks.hpp"

namespace depthrec {
namespace {

using metrics_test_support::expect_same_summary;

constexpr std::int64_t kStart = 1'721'347'000'000'000'000;  // ns since epoch
constexpr std::int64_t kFeedMs = 1'000'000;
constexpr std::int64_t kSec = 1'000'000'000;

StreamKey btc_key() {
  return StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"};
}

// An event whose local receive time is `latency_ms` after E on a local clock `offset_ms` from the
// exchange's (offset = local - exchange).
EventSample event_at(std::int64_t exchange_ms, std::int64_t latency_ms, std::int64_t offset_ms) {
  EventSample s;
  s.event_time_ms = exchange_ms;
  s.recv_ns = (exchange_ms + latency_ms + offset_ms) * kFeedMs;
  s.pipeline_ns = 4000;
  s.batch_span = 30;
  s.frame_bytes = 650;
  return s;
}

TEST(FeedMetrics, RawLatencyIsNegativeWhenTheLocalClockIsBehind) {
  FeedMetrics m(btc_key(), kStart);
  const std::int64_t exchange_ms = kStart / kFeedMs + 2000;
  m.record_event(event_at(exchange_ms, 80, -1500));
  const MetricsSnapshot s = m.snapshot(kStart + 10 * kSec);
  EXPECT_EQ(s.run.event_latency_us.count, 1u);
  EXPECT_EQ(s.run.event_latency_us.p50, -1'420'000);
  EXPECT_EQ(s.run.counters.messages, 1u);
  EXPECT_EQ(s.run.counters.frames, 1u);
  EXPECT_EQ(s.run.counters.bytes, 650u);
  EXPECT_EQ(s.run.pipeline_ns.max, 4000);
  EXPECT_EQ(s.run.batch_span.max, 30);
}

TEST(FeedMetrics, CorrectedLatencyUsesTheRestClockSample) {
  FeedMetrics m(btc_key(), kStart);
  const std::int64_t exchange_ms = kStart / kFeedMs + 5000;
  // REST: sent at local L, answered 20 ms later; the server stamped exchange time L + 1500 + 10.
  const std::int64_t sent_local_ms = exchange_ms - 1500 - 100;
  m.record_server_time(sent_local_ms * kFeedMs, (sent_local_ms + 20) * kFeedMs,
                       sent_local_ms + 1500 + 10);
  for (int i = 0; i < 100; ++i) m.record_event(event_at(exchange_ms + i * 100, 80 + i % 5, -1500));
  const MetricsSnapshot s = m.snapshot(kStart + 20 * kSec);
  ASSERT_TRUE(s.clock_offset.valid());
  EXPECT_NEAR(s.clock_offset.offset_ms, -1500.0, s.clock_offset.uncertainty_ms);
  EXPECT_NEAR(s.clock_offset.uncertainty_ms, 10.5, 1e-3);  // 20 ms round trip / 2 + 0.5 ms
  // Raw is about -1420 ms; corrected lands on the true 80..84 ms within the uncertainty.
  EXPECT_NEAR(static_cast<double>(s.run.event_latency_us.p50), -1'418'000.0, 1'500.0);
  EXPECT_NEAR(static_cast<double>(s.run.event_latency_corrected_us.p50) / 1000.0, 82.0,
              s.clock_offset.uncertainty_ms + 1.0);
  EXPECT_EQ(s.run.event_latency_corrected_us.count, 100u);
}

TEST(FeedMetrics, WithoutRestTheStreamBoundCorrectsToTheFastestEvent) {
  FeedMetrics m(btc_key(), kStart);
  const std::int64_t exchange_ms = kStart / kFeedMs + 5000;
  m.record_event(event_at(exchange_ms, 50, -1500));
  m.record_event(event_at(exchange_ms + 100, 90, -1500));
  const MetricsSnapshot s = m.snapshot(kStart + 20 * kSec);
  EXPECT_EQ(s.clock_offset.source, ClockOffsetSource::stream);
  EXPECT_DOUBLE_EQ(s.clock_offset.offset_ms, -1450.0);
  EXPECT_EQ(s.run.event_latency_corrected_us.max, 40'000);
  EXPECT_EQ(s.run.event_latency_corrected_us.min, 0);
}

TEST(FeedMetrics, EventsWithoutEventTimeHaveNoLatency) {
  FeedMetrics m(btc_key(), kStart);
  EventSample partial;  // spot partial depth: no E
  partial.recv_ns = kStart + kSec;
  partial.frame_bytes = 100;
  m.record_event(partial);
  const MetricsSnapshot s = m.snapshot(kStart + 2 * kSec);
  EXPECT_EQ(s.run.counters.messages, 1u);
  EXPECT_EQ(s.run.event_latency_us.count, 0u);
  EXPECT_EQ(s.run.pipeline_ns.count, 0u);  // pipeline_ns < 0: not measured
  EXPECT_FALSE(s.clock_offset.valid());
}

TEST(FeedMetrics, CountsFramesParseErrorsGapsAndFetches) {
  FeedMetrics m(btc_key(), kStart);
  m.record_other_frame(OtherFrame::control, 30, kStart);
  m.record_other_frame(OtherFrame::book_ticker, 20, kStart);
  m.record_other_frame(OtherFrame::book_ticker, 20, kStart);
  m.record_other_frame(OtherFrame::other_symbol, 40, kStart);
  m.record_other_frame(OtherFrame::other_stream, 50, kStart);
  m.record_parse_error(ParseError::bad_decimal, 60, kStart);
  m.record_parse_error(ParseError::bad_decimal, 60, kStart);
  m.record_parse_error(ParseError::malformed_json, 5, kStart);
  m.record_break("pu_mismatch");
  m.record_break("pu_mismatch");
  m.record_gap("writer_drop");
  m.record_stale_dropped(3);
  m.record_duplicate();
  m.record_reconnect();
  m.record_stall();
  m.record_snapshot_fetch(SnapshotFetch::ok);
  m.record_snapshot_fetch(SnapshotFetch::rate_limited);
  m.record_snapshot_fetch(SnapshotFetch::banned);
  m.record_snapshot_too_old();
  m.record_snapshot_fetch(SnapshotFetch::failed);
  const MetricsSnapshot s = m.snapshot(kStart + kSec);
  const FeedCounters& c = s.run.counters;
  EXPECT_EQ(c.frames, 8u);
  EXPECT_EQ(c.bytes, 285u);
  EXPECT_EQ(c.messages, 0u);  // depth events only (the seed's total_messages)
  EXPECT_EQ(c.control_frames, 1u);
  EXPECT_EQ(c.ticker_messages, 2u);  // market data, not control frames
  EXPECT_EQ(c.other_symbol_frames, 1u);
  EXPECT_EQ(c.other_stream_frames, 1u);
  EXPECT_EQ(c.parse_errors, 3u);
  EXPECT_EQ(s.parse_errors[static_cast<std::size_t>(ParseError::bad_decimal)], 2u);
  EXPECT_EQ(s.parse_errors[static_cast<std::size_t>(ParseError::malformed_json)], 1u);
  EXPECT_EQ(c.breaks, 2u);
  EXPECT_EQ(c.gaps, 3u);
  ASSERT_EQ(s.gaps.size(), 2u);
  EXPECT_EQ(s.gaps[0].first, "pu_mismatch");
  EXPECT_EQ(s.gaps[0].second, 2u);
  EXPECT_EQ(s.gaps[1].first, "writer_drop");
  EXPECT_EQ(c.stale_dropped, 3u);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(c.reconnects, 1u);
  EXPECT_EQ(c.stalls, 1u);
  EXPECT_EQ(c.snapshot_ok, 1u);
  EXPECT_EQ(c.snapshot_rate_limited, 1u);
  EXPECT_EQ(c.snapshot_banned, 1u);
  EXPECT_EQ(c.snapshot_too_old, 1u);
  EXPECT_EQ(c.snapshot_failed, 1u);
}

TEST(FeedMetrics, SyncTimesSeparateTheFirstSyncFromResyncs) {
  FeedMetrics m(btc_key(), kStart);
  m.sync_finished(kStart);  // without a start: ignored
  m.sync_started(kStart, false);
  m.sync_finished(kStart + 300 * kFeedMs);
  m.sync_started(kStart + 10 * kSec, true);
  m.sync_finished(kStart + 10 * kSec + 700 * kFeedMs);
  m.sync_started(kStart + 20 * kSec, true);
  m.sync_finished(kStart + 20 * kSec + 200 * kFeedMs);
  m.sync_started(kStart + 30 * kSec, true);
  const MetricsSnapshot s = m.snapshot(kStart + 30 * kSec + 50 * kFeedMs);
  EXPECT_EQ(s.sync.initial_sync_ns, 300 * kFeedMs);
  EXPECT_EQ(s.sync.last_resync_ns, 200 * kFeedMs);
  EXPECT_EQ(s.sync.max_resync_ns, 700 * kFeedMs);
  EXPECT_TRUE(s.sync.in_progress);
  EXPECT_EQ(s.sync.in_progress_ns, 50 * kFeedMs);
  EXPECT_EQ(s.run.counters.resyncs, 3u);
}

TEST(FeedMetrics, BookQueueWriterAndLastMessageAge) {
  FeedMetrics m(btc_key(), kStart);
  EventSample e = event_at(kStart / kFeedMs, 80, 0);
  e.queue_depth = 7;
  e.queue_drops = 2;
  e.book = BookTop{true, 4984028370730, Decimal{6394390000000}, Decimal{6394400000000}};
  m.record_event(e);
  EventSample without_book = e;
  without_book.book.reset();  // no book in the sample: the state stays
  without_book.queue_depth = -1;
  m.record_event(without_book);
  m.record_queue(3, 1);  // a lower cumulative count is older news: drops stay 2
  m.set_writer_stats(WriterStats{10, 6500, 1, 2});
  const MetricsSnapshot s = m.snapshot(e.recv_ns + 1500 * kFeedMs);
  EXPECT_EQ(s.run.queue_depth.max, 7);
  EXPECT_EQ(s.run.queue_depth.count, 2u);
  EXPECT_EQ(s.run.counters.queue_drops, 2u);
  EXPECT_TRUE(s.book.synced);
  EXPECT_EQ(s.book.last_update_id, 4984028370730u);
  EXPECT_EQ(s.book.best_bid, "63943.9");
  EXPECT_EQ(s.book.best_ask, "63944");
  EXPECT_EQ(s.writer.bytes_written, 6500u);
  EXPECT_EQ(s.writer.segments, 2u);
  EXPECT_EQ(s.last_message_age_ns, 1500 * kFeedMs);
  EXPECT_EQ(s.run.counters.messages, 2u);
  m.set_book(BookTop{}, e.recv_ns);
  EXPECT_FALSE(m.snapshot(e.recv_ns).book.synced);
  EXPECT_EQ(m.snapshot(e.recv_ns).book.best_bid, "");
}

// book.unsynced_ms (depthrec-check's unsynced alert): from the start until the first sync, 0
// while synced, then from the moment the book lost sync (an event or a disconnect said so).
TEST(FeedMetrics, UnsyncedTimeRunsFromTheStartOrFromTheLossOfSync) {
  FeedMetrics m(btc_key(), kStart);
  EXPECT_FALSE(m.snapshot(kStart + 90 * kSec).book.synced);
  EXPECT_EQ(m.snapshot(kStart + 90 * kSec).book.unsynced_ns, 90 * kSec);  // never synced
  m.set_book(BookTop{true, 10, std::nullopt, std::nullopt}, kStart + 100 * kSec);
  EXPECT_EQ(m.snapshot(kStart + 200 * kSec).book.unsynced_ns, 0);
  EventSample gap = event_at(kStart / kFeedMs + 300'000, 50, 0);
  gap.book = BookTop{false, 10, std::nullopt, std::nullopt};  // a break: the book is unsynced
  m.record_event(gap);
  EXPECT_EQ(m.snapshot(gap.recv_ns + 7 * kSec).book.unsynced_ns, 7 * kSec);
  // Still unsynced (a disconnect while resyncing): the clock keeps running from the break.
  m.set_book(BookTop{false, 10, std::nullopt, std::nullopt}, gap.recv_ns + 8 * kSec);
  EXPECT_EQ(m.snapshot(gap.recv_ns + 9 * kSec).book.unsynced_ns, 9 * kSec);
  m.set_book(BookTop{true, 11, std::nullopt, std::nullopt}, gap.recv_ns + 10 * kSec);
  EXPECT_EQ(m.snapshot(gap.recv_ns + 11 * kSec).book.unsynced_ns, 0);
  m.set_book(BookTop{false, 11, std::nullopt, std::nullopt}, gap.recv_ns + 20 * kSec);
  EXPECT_EQ(m.snapshot(gap.recv_ns + 21 * kSec).book.unsynced_ns, kSec);  // a disconnect
}

// snapshots.consecutive_failures (the failing-snapshot alert): every kind of failure counts, a
// snapshot fetched resets it.
TEST(FeedMetrics, ConsecutiveSnapshotFailuresResetByAFetchedSnapshot) {
  FeedMetrics m(btc_key(), kStart);
  EXPECT_EQ(m.snapshot(kStart).snapshot_failures_in_a_row, 0u);
  m.record_snapshot_fetch(SnapshotFetch::failed);
  m.record_snapshot_fetch(SnapshotFetch::rate_limited);
  m.record_snapshot_fetch(SnapshotFetch::banned);
  m.record_snapshot_fetch(SnapshotFetch::failed);
  EXPECT_EQ(m.snapshot(kStart).snapshot_failures_in_a_row, 4u);
  m.record_snapshot_fetch(SnapshotFetch::ok);
  EXPECT_EQ(m.snapshot(kStart).snapshot_failures_in_a_row, 0u);
  m.record_snapshot_too_old();  // fetched, just not usable: not a REST failure
  m.record_snapshot_fetch(SnapshotFetch::failed);
  EXPECT_EQ(m.snapshot(kStart).snapshot_failures_in_a_row, 1u);
  EXPECT_EQ(m.snapshot(kStart).run.counters.snapshot_failed, 3u);
}

TEST(FeedMetrics, RollWindowStartsANewWindowAndKeepsTheRun) {
  FeedMetrics m(btc_key(), kStart);
  const std::int64_t t0_ms = kStart / kFeedMs;
  for (int i = 0; i < 20; ++i) m.record_event(event_at(t0_ms + i * 100, 50, 0));
  m.record_break("pu_mismatch");
  const MetricsSnapshot first = m.roll_window(kStart + 10 * kSec);
  EXPECT_EQ(first.window.counters.messages, 20u);
  EXPECT_EQ(first.window.counters.breaks, 1u);
  EXPECT_DOUBLE_EQ(first.window.seconds, 10.0);
  EXPECT_DOUBLE_EQ(first.window.recv_rate, 2.0);

  for (int i = 0; i < 5; ++i) m.record_event(event_at(t0_ms + 10'000 + i * 100, 200, 0));
  const MetricsSnapshot second = m.snapshot(kStart + 15 * kSec);
  EXPECT_EQ(second.window_start_ns, kStart + 10 * kSec);
  EXPECT_EQ(second.window.counters.messages, 5u);
  EXPECT_EQ(second.window.counters.breaks, 0u);
  EXPECT_DOUBLE_EQ(second.window.recv_rate, 1.0);
  EXPECT_EQ(second.window.event_latency_us.min, 200'000);
  EXPECT_EQ(second.run.counters.messages, 25u);
  EXPECT_EQ(second.run.counters.breaks, 1u);
  EXPECT_EQ(second.run.event_latency_us.min, 50'000);
  EXPECT_EQ(second.run.event_latency_us.max, 200'000);
  EXPECT_DOUBLE_EQ(second.run.seconds, 15.0);
  EXPECT_NEAR(second.run.recv_rate, 25.0 / 15.0, 1e-12);
}

// A value is recorded once, in the window; the run's figures merge the closed windows with the
// current one, and equal a histogram that saw every value (issue 12: half the hot-path records).
TEST(FeedMetrics, RunFiguresOverManyWindowsEqualOneHistogramOfEveryValue) {
  FeedMetrics m(btc_key(), kStart);
  LatencyHistogram every_pipeline;
  LatencyHistogram every_span;
  for (int window = 0; window < 4; ++window) {
    for (int i = 0; i < 250; ++i) {
      EventSample sample;
      sample.recv_ns = kStart + window * kSec + i;
      sample.pipeline_ns = (window + 1) * 1000 + i * 37;
      sample.batch_span = static_cast<std::uint64_t>(i % 50 + window * 100);
      m.record_event(sample);
      every_pipeline.record(sample.pipeline_ns);
      every_span.record(static_cast<std::int64_t>(sample.batch_span));
    }
    if (window < 3) (void)m.roll_window(kStart + (window + 1) * kSec);
  }
  const MetricsSnapshot s = m.snapshot(kStart + 4 * kSec);
  for (const auto& [got, want] : {std::make_pair(s.run.pipeline_ns, every_pipeline.summary()),
                                  std::make_pair(s.run.batch_span, every_span.summary())}) {
    expect_same_summary(got, want, 1e-9);
  }
  EXPECT_EQ(s.window.pipeline_ns.count, 250u);
  EXPECT_EQ(s.window.pipeline_ns.min, 4000);
}

// roll_window summarises the run in place (the window merged into the closed ones first) instead
// of a merged copy: its figures are exactly those of snapshot() at the same instant.
TEST(FeedMetrics, RollWindowReportsExactlyWhatASnapshotAtTheSameTimeReports) {
  FeedMetrics m(btc_key(), kStart);
  const std::int64_t t0_ms = kStart / kFeedMs;
  for (int window = 0; window < 5; ++window) {
    for (int i = 0; i < 300; ++i) {
      EventSample sample = event_at(t0_ms + window * 10'000 + i * 30, 3 + (i * 7 + window) % 90, 0);
      sample.pipeline_ns = 1500 + ((i * 131 + window * 17) % 5000) * (window + 1);
      sample.batch_span = static_cast<std::uint64_t>((i * 13) % 700);
      sample.queue_depth = (i * 3) % 250;
      sample.callback_ns = window == 2 ? -1 : 100 + i;
      m.record_event(sample);
    }
    const std::int64_t now = kStart + (window + 1) * 10 * kSec;
    const MetricsSnapshot before = m.snapshot(now);
    const MetricsSnapshot rolled = m.roll_window(now);
    for (const auto& [got, want] : {std::make_pair(&rolled.run, &before.run),
                                    std::make_pair(&rolled.window, &before.window)}) {
      EXPECT_EQ(got->counters.messages, want->counters.messages);
      expect_same_summary(got->event_latency_us, want->event_latency_us);
      expect_same_summary(got->event_latency_corrected_us, want->event_latency_corrected_us);
      expect_same_summary(got->pipeline_ns, want->pipeline_ns);
      expect_same_summary(got->batch_span, want->batch_span);
      expect_same_summary(got->queue_depth, want->queue_depth);
      expect_same_summary(got->callback_ns, want->callback_ns);
    }
    EXPECT_EQ(rolled.run.pipeline_ns.count, 300u * static_cast<std::uint64_t>(window + 1));
    EXPECT_EQ(rolled.window.pipeline_ns.count, 300u);
  }
}

// Every figure of one snapshot counts the same events, and counts never go back.
void expect_consistent(const MetricsSnapshot& s, std::uint64_t& last_messages) {
  const FeedCounters& c = s.run.counters;
  ASSERT_EQ(c.frames, c.messages);
  ASSERT_EQ(c.bytes, 100 * c.messages);
  ASSERT_EQ(s.run.event_latency_us.count, c.messages);
  ASSERT_EQ(s.run.event_latency_corrected_us.count, c.messages);
  ASSERT_EQ(s.run.batch_span.count, c.messages);
  ASSERT_EQ(s.run.queue_depth.count, c.messages);
  ASSERT_EQ(s.window.pipeline_ns.count, c.messages);
  ASSERT_GE(c.messages, last_messages);
  last_messages = c.messages;
}

// A reader sees every snapshot consistent: each depth event adds one message, one frame of 100
// bytes and one value to each histogram, and the reader checks those identities hold together.
TEST(FeedMetrics, SnapshotsAreConsistentWhileAnotherThreadRecords) {
  FeedMetrics m(btc_key(), kStart);
  constexpr int kEvents = 200000;
  // The reader is bounded: under TSan a reader snapshotting in a tight loop starves the writer,
  // and snapshotting until the writer finished took 30 to 500 s (0.6 s now).
  constexpr std::uint64_t kMaxSnapshots = 2000;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < kEvents; ++i) {
      EventSample e = event_at(kStart / kFeedMs + i, 10 + i % 50, 0);
      e.frame_bytes = 100;
      e.queue_depth = i % 8;
      m.record_event(e);
    }
    done = true;
  });
  std::uint64_t snapshots = 0;
  std::uint64_t last_messages = 0;
  while (!done.load() && snapshots < kMaxSnapshots && !HasFatalFailure()) {
    expect_consistent(m.snapshot(kStart + kSec), last_messages);
    ++snapshots;
  }
  writer.join();
  ASSERT_FALSE(HasFatalFailure());
  expect_consistent(m.snapshot(kStart + kSec), last_messages);
  EXPECT_EQ(last_messages, static_cast<std::uint64_t>(kEvents));
}

// A roll keeps the run's summaries of the histograms whose window was empty (a quiet stream
// summarises nothing): whatever the windows held, the rolled run figures and exposition counts
// are exactly those of snapshot() at the same instant.
TEST(FeedMetrics, RollWindowKeepsTheRunFiguresOfQuietHistogramsExactly) {
  FeedMetrics m(btc_key(), kStart);
  const std::int64_t t0_ms = kStart / kFeedMs;
  for (int window = 0; window < 8; ++window) {
    // 0, 4: every histogram; 1, 5: no event; 2, 6: events without pipeline or queue figures;
    // 3: a latency spike into groups never reached before; 7: one event.
    const int events = window % 4 == 1 ? 0 : window == 7 ? 1 : 120;
    for (int i = 0; i < events; ++i) {
      const std::int64_t latency = window == 3 ? 30'000 + i : 2 + (i * 11 + window) % 60;
      EventSample sample = event_at(t0_ms + window * 10'000 + i * 40, latency, 0);
      sample.pipeline_ns = window % 4 == 2 ? -1 : 2'000 + ((i * 37) % 900) * (window + 1);
      sample.batch_span = static_cast<std::uint64_t>((i * 5) % 300);
      sample.queue_depth = window % 4 == 2 ? -1 : (i * 3) % 90;
      sample.callback_ns = window % 2 == 0 ? 50 + i : -1;
      m.record_event(sample);
    }
    const std::int64_t now = kStart + (window + 1) * 10 * kSec;
    const MetricsSnapshot want = m.snapshot(now);
    const MetricsSnapshot got = m.roll_window(now);
    expect_same_summary(got.run.event_latency_us, want.run.event_latency_us);
    expect_same_summary(got.run.event_latency_corrected_us, want.run.event_latency_corrected_us);
    expect_same_summary(got.run.pipeline_ns, want.run.pipeline_ns);
    expect_same_summary(got.run.batch_span, want.run.batch_span);
    expect_same_summary(got.run.queue_depth, want.run.queue_depth);
    expect_same_summary(got.run.callback_ns, want.run.callback_ns);
    EXPECT_EQ(got.run_buckets.event_latency_us, want.run_buckets.event_latency_us);
    EXPECT_EQ(got.run_buckets.event_latency_corrected_us,
              want.run_buckets.event_latency_corrected_us);
    EXPECT_EQ(got.run_buckets.pipeline_ns, want.run_buckets.pipeline_ns);
    EXPECT_EQ(got.run_buckets.callback_ns, want.run_buckets.callback_ns);
    EXPECT_EQ(got.window.event_latency_us.count, static_cast<std::uint64_t>(events));
  }
}

}  // namespace
}  // namespace depthrec
