// Fault matrix, storage: the writer falls behind (a tiny queue at full rate), the disk fills
// (a 2 MB tmpfs), the data directory cannot be created at start.
#include <unistd.h>

#include <fstream>

#include "faults_support.hpp"

namespace itest::faults_writer {
namespace {

using std::chrono::seconds;

class FaultWriter : public FaultTest {};

// The simulator flat out (--rate 0) into a writer queue of 4 records. Proves: the network thread
// never blocks (every event received is counted: total_messages == events sent), every drop is
// counted (log_queue.drops) and marked in the recording by writer_drop gaps whose `dropped` add
// up, with the depth lines recorded, to every event pushed, and depthrec-replay finds every break
// marked; and the writer recovers: the records of a later reconnect are all there, after the last
// writer_drop marker.
TEST_F(FaultWriter, FullQueueDropsAreCountedAndMarkedAndTheWriterRecovers) {
  constexpr std::uint64_t kEvents = 200'000;
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "0", "--events",
                 std::to_string(kEvents), "--start-on-subscribe"});
  RecorderRun run =
      start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                           "--queue-capacity", "4", "--backoff-max-ms", "500"});
  const auto flood_start = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_for_metrics(
      run,
      [&](const rapidjson::Document& m) {
        return metric_u64(m, nullptr, "total_messages") == kEvents;
      },
      seconds(100)))
      << run.process->output();
  const double flood_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - flood_start).count();
  report_figure("flood events/s (upper bound of the time)", kEvents / flood_s);
  // After the flood: a reconnect whose records must all reach the file.
  ASSERT_TRUE(sim.get("/sim/fault?kind=close"));
  ASSERT_TRUE(wait_until(
      [&] {
        return records_with_reason(read_records(run.data_dir()), "gap", "reconnect").size() == 1 &&
               records_of_type(read_records(run.data_dir()), "connect").size() == 2;
      },
      seconds(20)));
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_EQ(sim_depth_sent(sim.stats(), 1), kEvents);
  EXPECT_EQ(metric_u64(metrics, nullptr, "total_messages"), kEvents) << "no event went uncounted";

  const auto records = read_records(run.data_dir());
  const auto markers = records_with_reason(records, "gap", "writer_drop");
  const std::uint64_t dropped = sum_of(markers, "dropped");
  const std::uint64_t depth = depth_records(records).size();
  const std::uint64_t drops = metric_u64(metrics, "log_queue", "drops");
  report_figure("depth recorded + dropped in markers = total",
                std::to_string(depth) + " + " + std::to_string(dropped) + " = " +
                    std::to_string(depth + dropped) + " (markers " +
                    std::to_string(markers.size()) + ", log_queue.drops " + std::to_string(drops) +
                    ")");
  ASSERT_FALSE(markers.empty()) << "a queue of 4 at full rate must overflow";
  EXPECT_GT(depth, 0u);
  EXPECT_EQ(drops, dropped) << "every drop is in a marker";
  // Records pushed besides depth events: connect, snapshot, resync (conn 1), then disconnect,
  // reconnect gap, connect (conn 2; --events is spent, so no snapshot). They are markers, which
  // a full queue still takes (AsyncWriter's reserve): none of them was dropped in the flood.
  std::uint64_t other_present = 0;
  for (const char* type : {"connect", "snapshot", "resync", "disconnect"})
    other_present += records_of_type(records, type).size();
  other_present += records_with_reason(records, "gap", "reconnect").size();
  EXPECT_EQ(other_present, 6u) << "markers survive the flood";
  EXPECT_EQ(depth + dropped, kEvents) << "every depth event is recorded or counted in a marker";
  // Every one of the recording's thousands of breaks (holes left by the drops) is marked by the
  // writer_drop gap just before it. But the holes leave no stretch the replay can join to the
  // snapshot: when no depth event could be verified against a synced book, depthrec-replay says
  // so and exits 1 (it said OK about it before issue 17).
  const ToolRun replay = run_tool("depthrec-replay", {"--json", run.data_dir()});
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  ASSERT_TRUE(report.IsObject()) << replay.output;
  EXPECT_GT(u64(report, "breaks"), 0u);
  EXPECT_EQ(u64(report, "unmarked_breaks"), 0u);
  const std::uint64_t verified = u64(report, "verified");
  EXPECT_EQ(replay.exit_code, verified == 0 ? 1 : 0) << replay.output.substr(0, 2000);
  if (verified == 0) {
    ASSERT_TRUE(report["verification_failure"].IsString());
    EXPECT_NE(std::string(report["verification_failure"].GetString()).find("snapshot never joined"),
              std::string::npos);
  }
  report_figure("replay: depth events / verified / breaks (all marked)",
                std::to_string(u64(report, "events")) + " / " + std::to_string(verified) + " / " +
                    std::to_string(u64(report, "breaks")));

  // Recovery: the reconnect's records come after the last writer_drop marker.
  std::size_t last_marker = 0, disconnect_at = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (str(records[i], "type") == "gap" && str(records[i], "reason") == "writer_drop")
      last_marker = i;
    if (str(records[i], "type") == "disconnect") disconnect_at = i;
  }
  EXPECT_GT(disconnect_at, last_marker);
  EXPECT_EQ(records.size() - disconnect_at, 3u) << "disconnect, reconnect gap, connect";
}

// The data directory is a 2 MB tmpfs that a filler file makes full while depthrec records.
// Proves: write errors are counted (metrics.json writer.write_errors), nothing crashes, and once
// space is freed recording resumes with nothing lost: every event the simulator sent is in the
// recording, every segment is valid gzip, and the exit is clean.
TEST_F(FaultWriter, FullDiskIsCountedAndRecordingResumesWithNothingLost) {
  const std::string dir = make_temp_dir("depthrec-disk");
  const std::string data = dir + "/data";
  ASSERT_EQ(::mkdir(data.c_str(), 0755), 0);
  SmallDisk disk(data, "2m");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "1000"});
  RecorderRun run = launch_recorder(
      [&] {
        auto args = sim_flags(sim);
        args.insert(args.end(),
                    {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
        return args;
      }(),
      dir);
  ASSERT_TRUE(wait_for_recorded(run, 1, 500)) << run.process->output();
  disk.fill(data + "/filler");
  // (A failed flush may truncate a partial member and free a few kB again: that is fine.)
  ASSERT_LT(disk.free_bytes(), 64u * 1024);
  // While full, a flush (once a second) fails: the log names the segment and the cause.
  const auto segment_error_logged = [&] {
    const std::string log = run.process->output();
    const std::size_t at = log.find("recording not written");
    return at != std::string::npos && log.find("No space left on device", at) < log.find('\n', at);
  };
  EXPECT_TRUE(wait_until(segment_error_logged, seconds(10))) << run.process->output();
  ASSERT_EQ(::unlink((data + "/filler").c_str()), 0);
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document& m) {
    return metric_at(m, {"writer", "write_errors"}) >= 1;
  })) << run.process->output();
  const std::uint64_t sent_before_free = sim_depth_sent(sim.stats(), 1);
  ASSERT_TRUE(wait_for_recorded(run, 1, sent_before_free + 1000)) << "recording resumed";
  ASSERT_TRUE(sim.get("/sim/pause"));
  const std::uint64_t sent = sim_depth_sent(sim.stats(), 1);
  ASSERT_TRUE(wait_for_recorded(run, 1, sent));
  EXPECT_TRUE(run.process->running()) << "no crash";
  const auto metrics = stop_and_read_metrics(run);
  report_figure("write_errors",
                static_cast<double>(metric_at(metrics, {"writer", "write_errors"})));
  EXPECT_GE(metric_at(metrics, {"writer", "write_errors"}), 1u);
  EXPECT_EQ(metric_u64(metrics, "log_queue", "drops"), 0u);

  const auto records = read_records(data);
  report_figure("events sent / recorded",
                std::to_string(sent) + " / " + std::to_string(depth_records(records).size()));
  EXPECT_EQ(depth_records(records).size(), sent) << "nothing lost while the disk was full";
  EXPECT_EQ(futures_breaks(depth_records(records)), 0);
  const auto files = segment_files(data);
  report_figure("segments", static_cast<double>(files.size()));
  for (const auto& file : files) {
    std::string text;
    EXPECT_TRUE(gunzip_file(file, text)) << file << " is not valid gzip (empty?)";
  }
  const ToolRun replay = run_tool("depthrec-replay", {data});
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
}

// The data directory would have to be created under a regular file: depthrec says so and
// exits with status 1 at once, writing nothing.
TEST_F(FaultWriter, UnwritableDataDirectoryAtStartIsAClearErrorAndExitCode1) {
  const std::string dir = make_temp_dir("depthrec-unwritable");
  { std::ofstream(dir + "/file") << "not a directory\n"; }
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  auto args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--data-dir",
                           dir + "/file/data", "--log-dir", dir + "/logs", "--no-summary"});
  ChildProcess recorder(binary("depthrec"), args, dir + "/output.txt");
  const auto code = recorder.wait_exit(seconds(20));
  ASSERT_TRUE(code.has_value()) << "depthrec kept running";
  EXPECT_EQ(*code, 1);
  const std::string output = recorder.output();
  report_figure("error", output.substr(0, output.find('\n')));
  EXPECT_NE(output.find(dir + "/file/data"), std::string::npos) << output;
  EXPECT_NE(output.find("Not a directory"), std::string::npos) << output;
  EXPECT_EQ(sim_connection_count(sim.stats()), 0u) << "it never connected";
}

}  // namespace
}  // namespace itest::faults_writer
