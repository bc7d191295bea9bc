// Fault matrix, hostile bounds (issue 18): memory bounded by bytes, not only by counts.
#include "faults_support.hpp"

namespace itest {
namespace {

using std::chrono::seconds;

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

}  // namespace
}  // namespace itest
