// Fault matrix, hostile bounds (issue 18): memory bounded by bytes, not only by counts, and the
// book by levels, under the volumes a hostile server sends (depthsim --large-events,
// --level-flood).
#include "faults_support.hpp"

namespace itest::faults_hostile_bounds {
namespace {

using std::chrono::seconds;

// Under AddressSanitizer resident memory is shadow and quarantine: absolute memory bounds are
// checked in the ordinary build only (the figure is printed in both).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMemoryIsMeasurable = false;
#else
constexpr bool kMemoryIsMeasurable = true;
#endif

double mb(long kb) {
  return static_cast<double>(kb) / 1024;
}

// "60000.50" and "60000.5" are one price: depthrec prints its decimals without trailing zeros.
std::string without_trailing_zeros(std::string decimal) {
  if (decimal.find('.') == std::string::npos) return decimal;
  while (decimal.back() == '0') decimal.pop_back();
  if (decimal.back() == '.') decimal.pop_back();
  return decimal;
}

// Pauses the simulator and waits until every depth event it sent on connection 1 is recorded or
// counted in a writer_drop marker; returns {sent, recorded, dropped in markers}.
struct Accounting {
  std::uint64_t sent = 0, recorded = 0, dropped = 0, markers = 0;
  bool complete = false;
};
Accounting account_for_every_event(const Simulator& sim, const RecorderRun& run) {
  Accounting a;
  if (!sim.get("/sim/pause")) return a;
  a.sent = sim_depth_sent(sim.stats(), 1);
  a.complete = wait_until(
      [&] {
        const auto records = read_records(run.data_dir());
        const auto gaps = records_with_reason(records, "gap", "writer_drop");
        a.recorded = count_depth_records(records, 1);
        a.dropped = sum_of(gaps, "dropped");
        a.markers = gaps.size();
        return a.recorded + a.dropped >= a.sent;
      },
      seconds(30));
  return a;
}

std::string accounting_figure(const Accounting& a) {
  return std::to_string(a.sent) + " / " + std::to_string(a.recorded) + " / " +
         std::to_string(a.dropped) + " (" + std::to_string(a.markers) + " markers)";
}

class FaultHostileBuffer : public FaultTest {};

// The snapshot is answered 3 s late while 2,000 events/s arrive, with --max-buffered-bytes
// 256 KiB (the event count bound, 20,000, is never reached). Before: only the count bounded the
// buffer (8,971 large events took 1.58 GB). Proves: the byte bound restarts the buffer (counted
// in integrity.gaps.buffer_overflow, a `gap` buffer_overflow record each time, the log names
// the bound), the book still syncs, every break is marked (depthrec-replay exit 0).
TEST_F(FaultHostileBuffer, PreSnapshotBufferIsBoundedByBytes) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "2000", "--rest-fault",
                 "timeout", "--rest-delay-ms", "3000"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--max-buffered-bytes", "262144"});
  ASSERT_TRUE(wait_for_metrics(
      run,
      [](const rapidjson::Document& m) {
        return metric_flag(m, {"book", "synced"}) &&
               metric_at(m, {"integrity", "gaps", "buffer_overflow"}) >= 1;
      },
      seconds(40)))
      << run.process->output();
  const long hwm_kb = proc_status_kb(run.process->pid(), "VmHWM");
  const auto metrics = stop_and_read_metrics(run);
  const std::uint64_t overflows = metric_at(metrics, {"integrity", "gaps", "buffer_overflow"});
  const auto records = read_records(run.data_dir());
  const auto gaps = records_with_reason(records, "gap", "buffer_overflow");
  report_figure("buffer_overflow gaps (metrics / records)",
                std::to_string(overflows) + " / " + std::to_string(gaps.size()));
  report_figure("VmHWM MB", static_cast<double>(hwm_kb) / 1024);
  EXPECT_GE(overflows, 1u);
  EXPECT_EQ(gaps.size(), overflows);
  EXPECT_EQ(metric_at(metrics, {"integrity", "gaps", "buffer_overflow"}), overflows);
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  EXPECT_NE(run.process->output().find("262144 bytes waited for a snapshot"), std::string::npos)
      << run.process->output();
  const ToolRun replay = run_tool("depthrec-replay", {run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
}

class FaultHostileBoundsLargeEvents : public FaultTest {};

// Every event carries 19,800 levels (~0.47 MB frames: depthrec's parser takes at most 10,000
// levels a side and 1 MiB a frame) at 12 events/s while the snapshot is answered 8 s late (~100
// events, ~45 MB, wait), with --max-buffered-bytes 8 MiB. (At 25 events/s an ASan build handled
// ~12 MB/s of frames at about the rate they came: the stop-23 cold run fell behind, depthsim
// dropped it as a slow consumer and the test saw a reconnect.) The count bound alone (20,000
// events) allowed gigabytes (8,971 such events took 1.58 GB). Before (the merge of issue 18 passed
// the bounds to SyncLimits by position: the byte bound landed in max_stale_run) the buffer never
// overflowed and held every event until the snapshot came. Proves: the buffer restarts on its byte
// bound (integrity.gaps.buffer_overflow = `gap` buffer_overflow records), memory stays far below
// what the count bound allowed, no frame is refused, every event is recorded, the book syncs once
// the snapshot comes, depthrec-replay exit 0.
TEST_F(FaultHostileBoundsLargeEvents, PreSnapshotBufferOfLargeEventsIsBoundedByBytes) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "12", "--large-events",
                 "19800", "--rest-fault", "timeout", "--rest-delay-ms", "8000"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--max-buffered-bytes", "8388608"});
  ASSERT_TRUE(wait_for_metrics(
      run,
      [](const rapidjson::Document& m) {
        return metric_flag(m, {"book", "synced"}) &&
               metric_at(m, {"integrity", "gaps", "buffer_overflow"}) >= 1;
      },
      seconds(30)))
      << run.process->output();
  const long hwm_kb = proc_status_kb(run.process->pid(), "VmHWM");
  const Accounting events = account_for_every_event(sim, run);
  const auto metrics = stop_and_read_metrics(run);
  const std::uint64_t overflows = metric_at(metrics, {"integrity", "gaps", "buffer_overflow"});
  const auto records = read_records(run.data_dir());
  const auto gaps = records_with_reason(records, "gap", "buffer_overflow");
  const std::uint64_t frame_bytes =
      metric_at(metrics, {"bytes"}) / std::max<std::uint64_t>(1, events.recorded);
  report_figure("events sent / recorded / dropped in writer_drop markers",
                accounting_figure(events));
  report_figure("buffer_overflow gaps (metrics / records)",
                std::to_string(overflows) + " / " + std::to_string(gaps.size()));
  report_figure("mean frame bytes", static_cast<double>(frame_bytes));
  report_figure("VmHWM MB", mb(hwm_kb));
  ASSERT_TRUE(events.complete) << accounting_figure(events);
  EXPECT_EQ(events.recorded, events.sent) << "buffered or not, every event is recorded";
  EXPECT_GT(frame_bytes, 400'000u) << "the frames are large";
  EXPECT_EQ(metric_at(metrics, {"parse_errors", "too_large"}), 0u);
  EXPECT_GE(overflows, 1u);
  EXPECT_EQ(gaps.size(), overflows) << "every overflow is marked";
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  if (kMemoryIsMeasurable) {
    // Measured 44 MB; with --max-buffered-bytes 10^11 (the count bound alone) 110 MB.
    EXPECT_LT(hwm_kb, 80 * 1024) << "the byte bound holds the buffer, not the count bound";
  }
  const ToolRun replay = run_tool("depthrec-replay", {run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << replay.output.substr(0, 2000);
}

class FaultHostileBoundsWriterQueue : public FaultTest {};

// 180 events of 19,800 levels (~0.5 MB) at 100 events/s (47 MB/s) into a writer made slow (gzip
// level 9) with
// --queue-max-bytes 4 MiB; the record count bound (100,000) is never reached. Proves: the
// byte bound drops the newest records, counted in writer.queue_byte_drops (= log_queue.drops)
// and marked by writer_drop gaps whose `dropped` add up, with the depth lines recorded, to every
// event sent; the queue never held more than its bound (writer.queue_bytes_max); depthrec-replay
// finds every break marked; memory stays bounded.
TEST_F(FaultHostileBoundsWriterQueue, LargeFramesIntoASlowWriterAreDroppedByBytesAndMarked) {
  constexpr std::uint64_t kEvents = 180;
  constexpr std::uint64_t kQueueBytes = 4 * 1024 * 1024;
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--large-events", "19800"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--gzip-level", "9", "--queue-max-bytes", std::to_string(kQueueBytes)});
  ASSERT_TRUE(wait_for_metrics(
      run,
      [&](const rapidjson::Document& m) {
        return metric_u64(m, nullptr, "total_messages") == kEvents;
      },
      seconds(40)))
      << run.process->output();
  const long hwm_kb = proc_status_kb(run.process->pid(), "VmHWM");
  // A writer_drop marker goes in front of the next record the queue accepts: the connection is
  // closed so that its disconnect record follows the flood's last drops (--events is spent, the
  // reconnection gets no events).
  ASSERT_TRUE(sim.get("/sim/fault?kind=close"));
  const Accounting events = account_for_every_event(sim, run);
  const auto metrics = stop_and_read_metrics(run);
  const std::uint64_t byte_drops = metric_at(metrics, {"writer", "queue_byte_drops"});
  const std::uint64_t bytes_max = metric_at(metrics, {"writer", "queue_bytes_max"});
  report_figure("events sent / recorded / dropped in writer_drop markers",
                accounting_figure(events));
  report_figure("writer.queue_byte_drops / log_queue.drops",
                std::to_string(byte_drops) + " / " +
                    std::to_string(metric_u64(metrics, "log_queue", "drops")));
  report_figure("writer.queue_bytes_max", static_cast<double>(bytes_max));
  report_figure("VmHWM MB", mb(hwm_kb));
  ASSERT_TRUE(events.complete) << accounting_figure(events);
  EXPECT_EQ(events.sent, kEvents);
  EXPECT_EQ(events.recorded + events.dropped, events.sent);
  EXPECT_GT(byte_drops, 0u) << "a 4 MiB queue of 0.5 MB records behind gzip -9 must overflow";
  EXPECT_EQ(metric_u64(metrics, "log_queue", "drops"), byte_drops) << "only the byte bound hit";
  EXPECT_EQ(events.dropped, byte_drops) << "every drop is marked";
  // Records of marker priority (connect, snapshot, gaps) are taken beyond both bounds, as by the
  // count bound's reserve: the queue may exceed its byte bound by one snapshot (~40 kB here).
  EXPECT_LE(bytes_max, kQueueBytes + 256 * 1024);
  if (kMemoryIsMeasurable) {
    // Measured 32 MB; with --queue-max-bytes 10^11 125 MB (the queue held 116 MB).
    EXPECT_LT(hwm_kb, 80 * 1024) << "the queue holds bytes, not 100,000 records";
  }
  const ToolRun replay = run_tool("depthrec-replay", {"--json", run.data_dir()});
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  ASSERT_TRUE(report.IsObject()) << replay.output.substr(0, 2000);
  report_figure("replay: depth events / verified / breaks (all marked)",
                std::to_string(u64(report, "events")) + " / " +
                    std::to_string(u64(report, "verified")) + " / " +
                    std::to_string(u64(report, "breaks")));
  EXPECT_EQ(u64(report, "unmarked_breaks"), 0u);
  // Breaks are judged from the first stretch that joins the snapshot. The holes may leave none
  // (the writer's pace decides; see FaultWriter): then the replay says so and exits 1, else 0.
  EXPECT_EQ(replay.exit_code, u64(report, "verified") == 0 ? 1 : 0);
}

class FaultHostileBoundsLevelFlood : public FaultTest {};

// Every event adds 9,000 new asks beyond every ask so far (~0.2 MB frames), 200 events (80 under
// ASan) at 40 events/s: 1,800,000 new levels, with --max-book-levels 20000. Before the bound the
// book kept every level (5 M new levels took 193 MB). Proves: the farthest levels are dropped and
// counted (book.levels_dropped), memory stays bounded, and the top of the book still equals
// depthsim's ground truth (/sim/truth) at the same update id; every event recorded; depthrec-replay
// exit 0. Before (the bounds passed to SyncLimits by position) --max-book-levels never reached the
// book.
TEST_F(FaultHostileBoundsLevelFlood, NewFarLevelsAreDroppedAndCountedAndTheTopStaysExact) {
  // Under ASan a level costs ~10 times as much (56 s instead of 12): the flood is shorter there,
  // still 36 times the bound; the memory figure the 200 were sized for is not checked there.
  constexpr std::uint64_t kEvents = kMemoryIsMeasurable ? 200 : 80;
  constexpr std::uint64_t kLevelsPerEvent = 9'000;  // + the event's own: <= 10,000 a side
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "40", "--events",
                 std::to_string(kEvents), "--start-on-subscribe", "--level-flood",
                 std::to_string(kLevelsPerEvent)});
  RecorderRun run = start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full",
                                         "--print-interval", "1", "--max-book-levels", "20000"});
  ASSERT_TRUE(wait_for_sim_events(sim, 1, kEvents, seconds(30)));
  const rapidjson::Document truth = sim_truth(sim, "BTCUSDT");
  ASSERT_TRUE(truth.IsObject());
  const std::uint64_t last_id = u64(truth, "lastUpdateId");
  ASSERT_TRUE(wait_for_metrics(
      run,
      [&](const rapidjson::Document& m) {
        return metric_at(m, {"book", "last_update_id"}) == last_id;
      },
      seconds(30)))
      << run.process->output();
  const long hwm_kb = proc_status_kb(run.process->pid(), "VmHWM");
  const Accounting events = account_for_every_event(sim, run);
  const auto metrics = stop_and_read_metrics(run);
  const std::uint64_t dropped = metric_at(metrics, {"book", "levels_dropped"});
  const std::string best_bid = without_trailing_zeros(truth["bids"][0][0].GetString());
  const std::string best_ask = without_trailing_zeros(truth["asks"][0][0].GetString());
  report_figure("events sent / recorded / dropped in writer_drop markers",
                accounting_figure(events));
  report_figure("new levels sent / book.levels_dropped / truth asks",
                std::to_string(events.sent * kLevelsPerEvent) + " / " + std::to_string(dropped) +
                    " / " + std::to_string(truth["asks"].Size()));
  report_figure("VmHWM MB", mb(hwm_kb));
  ASSERT_TRUE(events.complete) << accounting_figure(events);
  EXPECT_EQ(events.sent, kEvents);
  EXPECT_EQ(events.recorded, kEvents);
  EXPECT_TRUE(metric_flag(metrics, {"book", "synced"}));
  EXPECT_EQ(metric_at(metrics, {"book", "last_update_id"}), last_id);
  EXPECT_EQ(without_trailing_zeros(metrics["book"]["best_bid"].GetString()), best_bid);
  EXPECT_EQ(without_trailing_zeros(metrics["book"]["best_ask"].GetString()), best_ask);
  // The flood levels lie beyond the 20,000 kept; all but the room left are dropped, except those
  // of events older than the snapshot (never applied: the snapshot holds only its top levels):
  // those dropped as stale after it loaded, and those buffered before it and dropped at the join
  // (the resync record's dropped_stale).
  std::uint64_t dropped_at_join = 0;
  const auto records = read_records(run.data_dir());
  for (const auto* resync : records_of_type(records, "resync"))
    dropped_at_join += u64(*resync, "dropped_stale");
  // A lower bound on the events applied: when the flooded book's snapshot is slow (under ASan)
  // and fetched again, the same buffered events can be dropped at more than one join, so the two
  // counts may together exceed kEvents; the bound then falls to 0 rather than wrapping around.
  const std::uint64_t not_applied =
      metric_at(metrics, {"integrity", "stale_dropped"}) + dropped_at_join;
  const std::uint64_t applied = kEvents > not_applied ? kEvents - not_applied : 0;
  const std::uint64_t flood_applied = applied * kLevelsPerEvent;
  EXPECT_GE(dropped, flood_applied > 20'000 ? flood_applied - 20'000 : 0)
      << "applied at least " << applied << " of " << kEvents << " events";
  EXPECT_EQ(metric_u64(metrics, "continuity", "breaks"), 0u);
  if (kMemoryIsMeasurable) {
    // Measured 33 MB; with --max-book-levels 10^8 91 MB (0 levels dropped).
    EXPECT_LT(hwm_kb, 60 * 1024) << "the book holds 20,000 levels a side, not 1,800,000";
  }
  const ToolRun replay = run_tool("depthrec-replay", {run.data_dir()});
  EXPECT_EQ(replay.exit_code, 0) << replay.output.substr(0, 2000);
}

}  // namespace
}  // namespace itest::faults_hostile_bounds
