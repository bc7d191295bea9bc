// Fault matrix, hostile storage (issue 18): two recorders on one data directory, an unusable log
// directory. (A disk that fills at a high rate and the byte bounds: faults_hostile_disk.cpp.)
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <set>
#include <utility>

#include "faults_support.hpp"

namespace itest::faults_hostile_storage {
namespace {

using std::chrono::seconds;

class FaultHostileDataDirLock : public FaultTest {};

std::vector<std::string> recorder_args(const Simulator& sim) {
  auto args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  return args;
}

// A second depthrec on the data directory of a running one. Proves: it is refused at once with
// exit status 1 and a message naming the directory and the first recorder's pid, before it
// connects or writes anything; the first keeps recording, every event exactly once (no
// interleaved duplicate segments) and depthrec-replay verifies the directory. Then the lock
// dies with its process: after a SIGKILL a new recorder starts on the same directory.
TEST_F(FaultHostileDataDirLock, SecondRecorderIsRefusedAndAKilledOneDoesNotBlockARestart) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "300"});
  const std::string dir = make_temp_dir("depthrec-lock");
  RecorderRun first = launch_recorder(recorder_args(sim), dir);
  ASSERT_TRUE(wait_for_recorded(first, 1, 100)) << first.process->output();

  RecorderRun second = launch_recorder(recorder_args(sim), dir);
  const auto code = second.process->wait_exit(seconds(20));
  ASSERT_TRUE(code.has_value()) << "the second recorder kept running";
  EXPECT_EQ(*code, 1);
  const std::string message = second.process->output();
  report_figure("second recorder", message.substr(0, message.find('\n')));
  EXPECT_NE(message.find("data directory " + first.data_dir()), std::string::npos) << message;
  EXPECT_NE(message.find("pid " + std::to_string(first.process->pid())), std::string::npos)
      << message;
  EXPECT_EQ(sim_connection_count(sim.stats()), 1u) << "the second never connected";

  const std::uint64_t before = count_depth_records(read_records(first.data_dir()), 0);
  ASSERT_TRUE(wait_for_recorded(first, 1, before + 300)) << "the first keeps recording";
  ASSERT_TRUE(sim.get("/sim/pause"));
  const std::uint64_t sent = sim_depth_sent(sim.stats(), 1);
  ASSERT_TRUE(wait_for_recorded(first, 1, sent));
  const auto metrics = stop_and_read_metrics(first);
  const auto records = read_records(first.data_dir());
  const auto depth = depth_records(records);
  std::set<std::int64_t> ids;
  for (const auto* record : depth) ids.insert(i64(*record, "u"));
  report_figure("events sent / recorded / distinct", std::to_string(sent) + " / " +
                                                         std::to_string(depth.size()) + " / " +
                                                         std::to_string(ids.size()));
  EXPECT_EQ(depth.size(), sent);
  EXPECT_EQ(ids.size(), depth.size()) << "every event recorded once";
  EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
  EXPECT_EQ(run_tool("depthrec-replay", {first.data_dir()}).exit_code, 0);

  // SIGKILL: the kernel releases the flock with the process, so a restart is not blocked.
  ASSERT_TRUE(sim.get("/sim/resume"));
  // (Each process numbers its connections from 1: count what the directory holds so far.)
  const std::uint64_t recorded = depth.size();
  RecorderRun killed = launch_recorder(recorder_args(sim), dir);
  ASSERT_TRUE(wait_for_recorded(killed, 1, recorded + 50)) << killed.process->output();
  ASSERT_TRUE(killed.process->signal(SIGKILL));
  ASSERT_TRUE(killed.process->wait_exit(seconds(10)).has_value());
  const std::uint64_t recorded_before_restart = count_depth_records(read_records(dir + "/data"), 0);
  RecorderRun restarted = launch_recorder(recorder_args(sim), dir);
  ASSERT_TRUE(wait_for_recorded(restarted, 1, recorded_before_restart + 50))
      << restarted.process->output();
  EXPECT_TRUE(restarted.process->running());
  stop_and_read_metrics(restarted);
}

class FaultHostileLogDir : public FaultTest {};

// Records with the log directory made unusable by `make_unusable` (given DIR/logs) and proves:
// stderr says "text log unusable" with `cause`, metrics.json says text_log.writable false with
// the error counted, and recording goes on: every event sent is recorded, clean exit 0.
void expect_recording_despite_unusable_log_dir(const std::string& dir, const std::string& cause) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "300"});
  RecorderRun run = launch_recorder(recorder_args(sim), dir);
  ASSERT_TRUE(wait_for_recorded(run, 1, 300)) << run.process->output();
  ASSERT_TRUE(wait_for_metrics(run, [](const rapidjson::Document& m) {
    return metric_at(m, {"text_log", "write_errors"}) >= 1;
  })) << run.process->output();
  ASSERT_TRUE(sim.get("/sim/pause"));
  const std::uint64_t sent = sim_depth_sent(sim.stats(), 1);
  ASSERT_TRUE(wait_for_recorded(run, 1, sent));
  const auto metrics = stop_and_read_metrics(run);
  const std::string output = run.process->output();
  const std::size_t notice = output.find("text log unusable");
  ASSERT_NE(notice, std::string::npos) << output;
  const std::string line = output.substr(notice, output.find('\n', notice) - notice);
  report_figure("stderr", line);
  EXPECT_NE(line.find(cause), std::string::npos) << line;
  EXPECT_FALSE(metric_flag(metrics, {"text_log", "writable"}));
  EXPECT_GE(metric_at(metrics, {"text_log", "write_errors"}), 1u);
  const auto records = read_records(run.data_dir());
  report_figure("events sent / recorded",
                std::to_string(sent) + " / " + std::to_string(depth_records(records).size()));
  EXPECT_EQ(depth_records(records).size(), sent);
}

TEST_F(FaultHostileLogDir, LogDirectoryIsAFile) {
  const std::string dir = make_temp_dir("depthrec-logfile");
  { std::ofstream(dir + "/logs") << "not a directory\n"; }
  expect_recording_despite_unusable_log_dir(dir, dir + "/logs");
}

TEST_F(FaultHostileLogDir, LogDirectoryIsReadOnly) {
  const std::string dir = make_temp_dir("depthrec-logro");
  ASSERT_EQ(::mkdir((dir + "/logs").c_str(), 0755), 0);
  SmallDisk disk(dir + "/logs", "64k", /*read_only=*/true);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  expect_recording_despite_unusable_log_dir(dir, "Read-only file system");
}

TEST_F(FaultHostileLogDir, LogDirectoryIsFull) {
  const std::string dir = make_temp_dir("depthrec-logfull");
  ASSERT_EQ(::mkdir((dir + "/logs").c_str(), 0755), 0);
  SmallDisk disk(dir + "/logs", "64k");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error() << ")";
  disk.fill(dir + "/logs/filler");
  expect_recording_despite_unusable_log_dir(dir, "No space left on device");
}

}  // namespace
}  // namespace itest::faults_hostile_storage
