// Fault matrix, process: SIGTERM and SIGINT at random moments, and SIGKILL at random moments
// followed by a restart into the same data directory. Delays come from a fixed seed (printed),
// so a failure can be replayed.
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "faults_support.hpp"

namespace itest::faults_signals {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint32_t kSeed = 20261122;
constexpr int kRate = 2000;  // events per second

class FaultSignals : public FaultTest {};

// Waits until depthrec has blocked its signals and set itself up (its log directory exists):
// before that, a signal would end it as it ends any process (the fork/exec window).
bool wait_until_started(const RecorderRun& run) {
  struct stat info {};
  return wait_until([&] { return ::stat((run.dir + "/logs").c_str(), &info) == 0; }, seconds(20));
}

// Proves, over six rounds alternating SIGTERM and SIGINT after a seeded random delay (from
// right after start-up, before any connection, to well into streaming): exit status 0, every
// segment a complete gzip file ending at a line boundary, and a final metrics.json that agrees
// with the recording (total_messages == depth lines, writer.records_written == lines).
TEST_F(FaultSignals, SigtermAndSigintAtRandomMomentsExitCleanly) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", std::to_string(kRate)});
  std::mt19937 random(kSeed);
  std::uniform_int_distribution<int> delay_ms(0, 2500);
  report_figure("seed", std::to_string(kSeed));
  std::string rounds;
  for (int round = 0; round < 6; ++round) {
    const int signal_number = round % 2 == 0 ? SIGTERM : SIGINT;
    const int delay = delay_ms(random);
    RecorderRun run =
        start_recorder(sim, {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                             "--rotate", "size", "--max-bytes", "300000"});
    ASSERT_TRUE(wait_until_started(run)) << run.process->output();
    std::this_thread::sleep_for(milliseconds(delay));  // the random moment itself
    ASSERT_TRUE(run.process->signal(signal_number));
    const auto code = run.process->wait_exit(seconds(20));
    ASSERT_TRUE(code.has_value()) << "round " << round << ": no exit";
    EXPECT_EQ(*code, 0) << "round " << round << " (" << delay << " ms)\n" << run.process->output();

    std::uint64_t lines = 0;
    for (const auto& file : segment_files(run.data_dir())) {
      std::string text;
      EXPECT_TRUE(gunzip_file(file, text)) << file;
      EXPECT_TRUE(!text.empty() && text.back() == '\n') << file;
      for (char c : text) lines += c == '\n';
    }
    const auto records = read_records(run.data_dir());
    EXPECT_EQ(records.size(), lines) << "every line parses";
    const auto metrics = read_metrics(run.metrics_path());
    ASSERT_TRUE(metrics) << "round " << round << ": no final metrics.json";
    EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), depth_records(records).size())
        << "round " << round;
    EXPECT_EQ(metric_at(*metrics, {"writer", "records_written"}), lines) << "round " << round;
    EXPECT_EQ(metric_u64(*metrics, "log_queue", "drops"), 0u);
    rounds += (round ? ", " : "") + std::string(signal_number == SIGTERM ? "TERM@" : "INT@") +
              std::to_string(delay) + "ms:" + std::to_string(depth_records(records).size());
  }
  report_figure("signal@delay:events recorded", rounds);
}

// Depth records in `files` (one process run's segments).
std::uint64_t depth_lines_in(const std::vector<std::string>& files, bool& truncated) {
  std::uint64_t count = 0;
  for (const auto& file : files) {
    std::string text;
    if (!gunzip_file(file, text)) truncated = true;
    for (std::size_t at = text.find("\"type\":\"depth\""); at != std::string::npos;
         at = text.find("\"type\":\"depth\"", at + 1)) {
      if (text.find('\n', at) != std::string::npos) ++count;  // complete lines only
    }
  }
  return count;
}

// Proves, over three SIGKILLs at seeded random moments, each followed by a restart into the
// same directory, then a clean stop: every segment a killed run closed is complete gzip; the
// one it had open is readable up to its last flush (complete members ending at a line boundary,
// or a cut last member detected as such); at most ~1 s of events is lost per kill (the
// simulator's count for that connection against the recording); nothing is overwritten (earlier
// files unchanged byte for byte, seq numbers continue); depthrec-replay verifies the whole set.
TEST_F(FaultSignals, SigkillThenRestartKeepsEverythingFlushedAndOverwritesNothing) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", std::to_string(kRate)});
  std::mt19937 random(kSeed + 1);
  std::uniform_int_distribution<int> delay_ms(0, 1500);
  report_figure("seed", std::to_string(kSeed + 1));
  const std::string dir = make_temp_dir("depthrec-kill");
  const std::vector<std::string> args = [&] {
    auto a = sim_flags(sim);
    a.insert(a.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1",
                       "--rotate", "size", "--max-bytes", "300000"});
    return a;
  }();
  std::map<std::string, std::string> earlier;  // path -> bytes, of every finished run's files
  std::set<std::string> restart_starts;        // the first segment of each restarted run
  const std::string scratch = make_temp_dir("depthrec-kill-runs");
  std::string losses;
  for (std::uint64_t round = 1; round <= 4; ++round) {
    const bool last_round = round == 4;
    RecorderRun run = launch_recorder(args, dir);
    // Kill once the run has flushed something (its first segment exists), at a random moment.
    ASSERT_TRUE(wait_for_sim_events(sim, round, 500)) << run.process->output();
    ASSERT_TRUE(wait_until([&] { return segment_files(run.data_dir()).size() > earlier.size(); },
                           seconds(20)));
    std::this_thread::sleep_for(milliseconds(delay_ms(random)));
    ASSERT_TRUE(run.process->signal(last_round ? SIGTERM : SIGKILL));
    const auto code = run.process->wait_exit(seconds(20));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, last_round ? 0 : 128 + SIGKILL) << run.process->output();
    ASSERT_TRUE(wait_for_sim_closed(sim, round));

    std::vector<std::string> fresh;
    std::uint64_t highest_earlier = 0;
    for (const auto& [path, bytes] : earlier) {
      EXPECT_EQ(read_file(path), bytes) << path << " changed after a restart";
      highest_earlier = std::max(highest_earlier, segment_seq(path));
    }
    for (const auto& file : segment_files(run.data_dir())) {
      if (!earlier.count(file)) fresh.push_back(file);
    }
    ASSERT_FALSE(fresh.empty());
    EXPECT_EQ(segment_seq(fresh.front()), highest_earlier + 1) << "seq continues";
    for (std::size_t i = 0; i + 1 < fresh.size(); ++i) {
      std::string text;
      EXPECT_TRUE(gunzip_file(fresh[i], text)) << fresh[i] << " was closed: complete gzip";
      EXPECT_EQ(text.back(), '\n');
    }
    std::string open_text;
    const bool open_complete = gunzip_file(fresh.back(), open_text);
    if (last_round) {
      EXPECT_TRUE(open_complete) << fresh.back() << ": closed by SIGTERM";
    }
    if (open_complete) {
      EXPECT_TRUE(open_text.empty() || open_text.back() == '\n') << fresh.back();
    }

    bool truncated = false;
    const std::uint64_t recorded = depth_lines_in(fresh, truncated);
    const std::uint64_t sent = sim_depth_sent(sim.stats(), round);
    EXPECT_LE(recorded, sent);
    EXPECT_LE(sent - recorded, static_cast<std::uint64_t>(kRate * 1.5))
        << "round " << round << ": more than ~1 s of events lost";
    losses += (round > 1 ? ", " : "") + std::to_string(sent - recorded) + "/" +
              std::to_string(sent) + (truncated ? " (cut member)" : "");
    // Each run on its own (its segments concatenated: one multi-member gzip) verifies.
    const std::string run_file = scratch + "/run" + std::to_string(round) + ".ndjson.gz";
    {
      std::ofstream out(run_file, std::ios::binary);
      for (const auto& file : fresh) out << read_file(file);
    }
    const ToolRun run_replay = run_tool("depthrec-replay", {run_file});
    EXPECT_EQ(run_replay.exit_code, 0) << "run " << round << "\n" << run_replay.output;
    if (round > 1) restart_starts.insert(fresh.front());
    for (const auto& file : fresh) earlier[file] = read_file(file);
  }
  report_figure("events lost/sent per run (kill, kill, kill, SIGTERM)", losses);

  // The whole directory: a killed run wrote no disconnect/gap record, but the next run's connect,
  // snapshot and resync mark the restart, and the book must rejoin after each.
  const ToolRun replay = run_tool("depthrec-replay", {"--json", dir + "/data"});
  rapidjson::Document report;
  report.Parse(replay.output.c_str());
  ASSERT_TRUE(report.IsObject()) << replay.output;
  EXPECT_EQ(u64(report, "bad_lines"), 0u);
  EXPECT_TRUE(report["synced_at_end"].GetBool());
  std::uint64_t unmarked_at_restarts = 0;
  for (const auto& item : report["break_list"].GetArray()) {
    EXPECT_TRUE(item["rejoined"].GetBool() && item["resync_marked"].GetBool()) << str(item, "time");
    if (item["gap_marked"].GetBool()) continue;
    EXPECT_TRUE(restart_starts.count(str(item, "source")))
        << "unmarked break away from a restart: " << str(item, "source") << ":"
        << u64(item, "line");
    ++unmarked_at_restarts;
  }
  EXPECT_EQ(unmarked_at_restarts, 0u) << "each restart is marked by its connect record";
  EXPECT_EQ(u64(report, "unmarked_breaks"), 0u);
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
  report_figure("depthrec-replay of the directory",
                "exit " + std::to_string(replay.exit_code) + ", " +
                    std::to_string(u64(report, "breaks")) +
                    " breaks, all marked (restarts by their connect records)");
}

}  // namespace
}  // namespace itest::faults_signals
