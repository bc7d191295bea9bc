// Fault matrix, hostile storage (issue 18): the data directory's disk fills at a high rate and
// is freed again. (Locks and the log directory: faults_hostile_storage.cpp.)
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "faults_support.hpp"

namespace itest::faults_hostile_disk {
namespace {

using std::chrono::seconds;

class FaultHostileDisk : public FaultTest {};

// Under AddressSanitizer resident memory says little (shadow memory, the free quarantine): the
// memory bound is checked in the ordinary build only (the figure is printed in both).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMemoryIsMeasurable = false;
#else
constexpr bool kMemoryIsMeasurable = true;
#endif

std::uint64_t lines_in_files(const std::string& dir) {
  std::uint64_t lines = 0;
  for (const auto& file : segment_files(dir)) {
    std::string text;
    gunzip_file(file, text);
    for (char c : text) lines += c == '\n';
  }
  return lines;
}

// 5,000 events/s into a 24 MB tmpfs that a filler makes full for about 10 s, with
// --max-unwritten-bytes 3 MiB. Before: the backlog was retried as one write that failed whole
// while the disk had less room than all of it (at high rates recording never resumed), and
// writer.records_written counted every record handed to the sink, written or not. Proves:
// records_written counts only what is in the files; what the backlog
// bound could not hold is dropped, counted (log_queue.drops) and marked by writer_drop gaps that
// sit exactly at their holes (depthrec-replay: exit 0, every break marked); once the filler is
// removed recording resumes and every event sent is either recorded or counted in a marker;
// memory stays bounded.
TEST_F(FaultHostileDisk, FullDiskAtHighRateRecoversAndEveryLostRecordIsCountedAndMarked) {
  const std::string dir = make_temp_dir("depthrec-hostile-disk");
  const std::string data = dir + "/data";
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  SmallDisk disk(data, "24m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "5000"});
  auto args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--max-unwritten-bytes", "3145728"});
  RecorderRun run = launch_recorder(args, dir);
  ASSERT_TRUE(wait_for_recorded(run, 1, 2000)) << run.process->output();

  disk.fill(data + "/filler");
  ASSERT_LT(disk.free_bytes(), 64u * 1024);
  // Full long enough for the backlog to reach its bound (the sink then refuses records). While
  // the disk is full metrics.json cannot be replaced either: follow the log's error count.
  const auto write_errors_logged = [&] {
    const std::string log = run.process->output();
    const std::size_t at = log.rfind("recording not written (");
    if (at == std::string::npos) return 0ul;
    return std::strtoul(log.c_str() + at + std::strlen("recording not written ("), nullptr, 10);
  };
  ASSERT_TRUE(wait_until([&] { return write_errors_logged() >= 20; }, seconds(60)))
      << run.process->output();
  const long hwm_full_kb = proc_status_kb(run.process->pid(), "VmHWM");

  ASSERT_EQ(::unlink((data + "/filler").c_str()), 0);
  const std::uint64_t recorded_at_free = count_depth_records(read_records(data), 1);
  ASSERT_TRUE(wait_for_recorded(run, 1, recorded_at_free + 10'000, seconds(30)))
      << "recording resumed\n"
      << run.process->output();
  ASSERT_TRUE(sim.get("/sim/pause"));
  const std::uint64_t sent = sim_depth_sent(sim.stats(), 1);
  std::uint64_t depth = 0, dropped = 0, markers = 0;
  const bool accounted = wait_until(
      [&] {
        const auto records = read_records(data);
        const auto gaps = records_with_reason(records, "gap", "writer_drop");
        depth = depth_records(records).size();
        dropped = sum_of(gaps, "dropped");
        markers = gaps.size();
        return depth + dropped >= sent;
      },
      seconds(30));
  EXPECT_TRUE(run.process->running()) << "no crash";
  const long hwm_end_kb = proc_status_kb(run.process->pid(), "VmHWM");
  const auto metrics = stop_and_read_metrics(run);
  report_figure("events sent / recorded / dropped in markers",
                std::to_string(sent) + " / " + std::to_string(depth) + " / " +
                    std::to_string(dropped) + " (" + std::to_string(markers) + " markers)");
  report_figure("write_errors",
                static_cast<double>(metric_at(metrics, {"writer", "write_errors"})));
  report_figure("VmHWM MB while full / at the end",
                std::to_string(hwm_full_kb / 1024) + " / " + std::to_string(hwm_end_kb / 1024));
  ASSERT_TRUE(accounted) << "every event recorded or counted in a marker";
  EXPECT_EQ(depth + dropped, sent);
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(metric_at(metrics, {"log_queue", "drops"}), dropped) << "every drop is marked";
  EXPECT_EQ(metric_at(metrics, {"writer", "records_written"}), lines_in_files(data));
  EXPECT_EQ(metric_at(metrics, {"writer", "unwritten_bytes"}), 0u);
  if (kMemoryIsMeasurable) {
    EXPECT_LT(hwm_end_kb, 200 * 1024) << "memory bounded while the disk was full";
  }
  const ToolRun replay = run_tool("depthrec-replay", {data});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
}

}  // namespace
}  // namespace itest::faults_hostile_disk
