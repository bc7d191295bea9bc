// FeedMetrics' roll in two steps (issue 12: the engine's print off the network thread):
// close_window on the recording thread, finish_roll on the print thread. It must report exactly
// what roll_window reported, into a reused snapshot, and lose no event while another thread
// records and snapshots.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/metrics_report.hpp"
#include "depthrec/stream_metrics.hpp"
#include "full_snapshot.hpp"
#include "summary_checks.hpp"

namespace depthrec {
namespace {

using metrics_test_support::expect_same_summary;

constexpr std::int64_t kHandoverStart = 1'721'347'000'000'000'000;
constexpr std::int64_t kHandoverMs = 1'000'000;
constexpr std::int64_t kHandoverSec = 1'000'000'000;

// Window `window`'s events of a feed: spread latencies, pipeline, spans and queue depths; a gap,
// a book and the process-wide states now and then, so that every figure of a snapshot moves.
void feed_handover_window(FeedMetrics& m, int window) {
  const std::int64_t t0_ms = kHandoverStart / kHandoverMs + std::int64_t{window} * 10'000;
  const int events = window == 2 ? 0 : 150 + 40 * window;  // window 2: a quiet one
  for (int i = 0; i < events; ++i) {
    EventSample s;
    s.event_time_ms = t0_ms + std::int64_t{i} * 20;
    s.recv_ns = (s.event_time_ms + 2 + (i * 7 + window) % 80) * kHandoverMs;
    s.pipeline_ns = window == 3 ? -1 : 1'500 + (i * 131 + window) % 40'000;
    s.batch_span = static_cast<std::uint64_t>((i * 13) % 500);
    s.frame_bytes = 600 + static_cast<std::size_t>(i % 7);
    s.queue_depth = (i * 3) % 200;
    s.callback_ns = window % 2 == 0 ? 80 + i : -1;
    if (i % 50 == 0) s.book = BookTop{true, static_cast<std::uint64_t>(1000 + i), {}, {}};
    m.record_event(s);
  }
  if (window == 1) m.record_break("pu_mismatch");
  if (window == 4) m.record_gap("writer_drop");
  m.record_other_frame(OtherFrame::book_ticker, 120, t0_ms * kHandoverMs);
  m.set_book_levels_dropped(static_cast<std::uint64_t>(window));
  WriterStats writer;
  writer.records_written = 1000 + static_cast<std::uint64_t>(window);
  m.set_writer_stats(writer);
}

// Both documents metrics.json is written from: the seed's (every top-level member) and a
// many-stream one (the stream's entry), so a field either path left out shows.
std::string handover_texts(const MetricsSnapshot& s) {
  const FeedMetrics::MergedHistograms none;
  return to_metrics_json(s) + to_metrics_json(aggregate_metrics({s}, none), {s});
}

void expect_same_merged(const FeedMetrics::MergedHistograms& got,
                        const FeedMetrics::MergedHistograms& want) {
  for (const auto& [a, b] :
       {std::make_pair(&got.run, &want.run), std::make_pair(&got.window, &want.window)}) {
    FeedFigures fa;
    FeedFigures fb;
    a->summarise(fa);
    b->summarise(fb);
    expect_same_summary(fa.event_latency_us, fb.event_latency_us);
    expect_same_summary(fa.pipeline_ns, fb.pipeline_ns);
    expect_same_summary(fa.batch_span, fb.batch_span);
    expect_same_summary(fa.queue_depth, fb.queue_depth);
    expect_same_summary(fa.callback_ns, fb.callback_ns);
  }
}

TEST(FeedMetricsHandover, ARollInTwoStepsReportsExactlyWhatRollWindowReports) {
  const StreamKey key{Market::spot, "ETHUSDT", "ethusdt@depth@100ms"};
  FeedMetrics whole(key, kHandoverStart);
  FeedMetrics split(key, kHandoverStart);
  FeedMetrics::MergedHistograms merged_whole;
  FeedMetrics::MergedHistograms merged_split;
  // One snapshot reused from roll to roll, as the engine's print does; it starts full of another
  // stream's figures and of what only the engine sets (presync, observers, metrics_listen).
  MetricsSnapshot reused = test::full_snapshot();
  reused.presync.bounded = true;
  reused.presync.buffered_bytes = 77;
  reused.metrics_listen = "127.0.0.1:9464";
  reused.observers.resize(2);
  for (int window = 0; window < 6; ++window) {
    feed_handover_window(whole, window);
    feed_handover_window(split, window);
    const std::int64_t now = kHandoverStart + std::int64_t{window + 1} * 10 * kHandoverSec;
    const MetricsSnapshot want = whole.roll_window(now, &merged_whole);
    split.close_window(now);
    split.finish_roll(reused, &merged_split);
    EXPECT_EQ(handover_texts(reused), handover_texts(want)) << "window " << window;
    EXPECT_EQ(reused.run_buckets.event_latency_us, want.run_buckets.event_latency_us);
    EXPECT_EQ(reused.run_buckets.pipeline_ns, want.run_buckets.pipeline_ns);
    EXPECT_EQ(reused.run_buckets.callback_ns, want.run_buckets.callback_ns);
    EXPECT_EQ(reused.window.counters.messages, want.window.counters.messages);
    EXPECT_FALSE(reused.presync.bounded);
    EXPECT_TRUE(reused.observers.empty());
    EXPECT_TRUE(reused.metrics_listen.empty());
    expect_same_merged(merged_split, merged_whole);
  }
}

TEST(FeedMetricsHandover, ASnapshotBeforeTheRollFinishesCountsTheClosedWindowInTheRun) {
  FeedMetrics m(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, kHandoverStart);
  feed_handover_window(m, 0);  // 150 events
  const std::int64_t close_ns = kHandoverStart + 10 * kHandoverSec;
  m.close_window(close_ns);
  MetricsSnapshot s = m.snapshot(close_ns);
  EXPECT_EQ(s.run.counters.messages, 150u);
  EXPECT_EQ(s.run.pipeline_ns.count, 150u) << "the handed-over window is still in the run";
  EXPECT_EQ(s.window.counters.messages, 0u);
  EXPECT_EQ(s.window.pipeline_ns.count, 0u);
  feed_handover_window(m, 1);  // 190 more, in the new window
  s = m.snapshot(close_ns + kHandoverSec);
  EXPECT_EQ(s.run.pipeline_ns.count, 340u);
  EXPECT_EQ(s.window.pipeline_ns.count, 190u);
  MetricsSnapshot rolled;
  m.finish_roll(rolled);
  // The roll reports the window it closed, as of its close.
  EXPECT_EQ(rolled.taken_ns, close_ns);
  EXPECT_EQ(rolled.run.counters.messages, 150u);
  EXPECT_EQ(rolled.window.pipeline_ns.count, 150u);
  s = m.snapshot(close_ns + kHandoverSec);
  EXPECT_EQ(s.run.pipeline_ns.count, 340u) << "counted once after the roll too";
  EXPECT_EQ(s.window.pipeline_ns.count, 190u);
}

// The engine's threads: one records and closes windows (only once the last roll finished),
// another finishes the rolls, a third snapshots. No event is lost or counted twice, and every
// snapshot counts the same events in its counters and its histograms. TSan checks the locking.
TEST(FeedMetricsHandover, RollsFinishedOnAnotherThreadWhileEventsAreRecordedLoseNoEvent) {
  FeedMetrics m(StreamKey{Market::usdm, "BTCUSDT", "btcusdt@depth@100ms"}, kHandoverStart);
  constexpr int kEvents = 60'000;
  constexpr int kEventsPerClose = 500;
  std::mutex mutex;
  std::condition_variable changed;
  bool roll_pending = false;
  bool recording_done = false;
  std::uint64_t rolled_messages = 0;  // the rolls' windows, added
  std::uint64_t rolled_latencies = 0;
  std::thread roller([&] {
    MetricsSnapshot snapshot;
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      changed.wait(lock, [&] { return roll_pending || recording_done; });
      if (!roll_pending) return;
      lock.unlock();
      m.finish_roll(snapshot);
      lock.lock();
      rolled_messages += snapshot.window.counters.messages;
      rolled_latencies += snapshot.window.event_latency_us.count;
      roll_pending = false;
      changed.notify_all();
    }
  });
  std::thread reader([&] {
    std::uint64_t last = 0;
    for (int i = 0; i < 300; ++i) {
      const MetricsSnapshot s = m.snapshot(kHandoverStart + kHandoverSec);
      const std::uint64_t messages = s.run.counters.messages;
      ASSERT_EQ(s.run.event_latency_us.count, messages);
      ASSERT_EQ(s.run.batch_span.count, messages);
      ASSERT_EQ(s.window.batch_span.count, s.window.counters.messages);
      ASSERT_GE(messages, last);
      last = messages;
    }
  });
  std::int64_t now = kHandoverStart;
  for (int i = 0; i < kEvents; ++i) {
    EventSample e;
    e.event_time_ms = kHandoverStart / kHandoverMs + i;
    e.recv_ns = (e.event_time_ms + 5 + i % 40) * kHandoverMs;
    e.batch_span = 3;
    m.record_event(e);
    if (i % kEventsPerClose == kEventsPerClose - 1) {
      std::lock_guard<std::mutex> lock(mutex);
      if (roll_pending) continue;  // the last roll still runs: this close is skipped
      now += kHandoverSec;
      m.close_window(now);
      roll_pending = true;
      changed.notify_all();
    }
  }
  {
    // The final roll, once the last one finished.
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return !roll_pending; });
    m.close_window(now + kHandoverSec);
    roll_pending = true;
    changed.notify_all();
    changed.wait(lock, [&] { return !roll_pending; });
    recording_done = true;
    changed.notify_all();
  }
  roller.join();
  reader.join();
  EXPECT_EQ(rolled_messages, static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(rolled_latencies, static_cast<std::uint64_t>(kEvents));
  const MetricsSnapshot end = m.snapshot(now + 2 * kHandoverSec);
  EXPECT_EQ(end.run.event_latency_us.count, static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(end.window.counters.messages, 0u);
}

}  // namespace
}  // namespace depthrec
