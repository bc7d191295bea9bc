// --realtime-priority against a real redis-server and depthsim: the network thread and the Redis
// sink's thread run under SCHED_FIFO at the priority asked, and every other thread of the recorder
// (file writer, REST workers, metrics print) at the normal policy, while every event still reaches
// Redis. Where this machine refuses SCHED_FIFO (no CAP_SYS_NICE, RLIMIT_RTPRIO 0), the recorder
// must say so and exit 2 before it connects: the test checks whichever the environment allows.
#include <gtest/gtest.h>
#include <sched.h>

#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "engine_e2e_support.hpp"
#include "faults_support.hpp"
#include "redis_e2e_support.hpp"

namespace itest::faults_redis_realtime {
namespace {

constexpr int kPriority = 3;
constexpr std::uint64_t kEvents = 300;

// Whether a thread of this process may take SCHED_FIFO (tried on a thread of its own).
bool fifo_allowed_here() {
  bool allowed = false;
  std::thread probe([&] {
    sched_param param{};
    param.sched_priority = kPriority;
    allowed = sched_setscheduler(0, SCHED_FIFO, &param) == 0;
  });
  probe.join();
  return allowed;
}

struct ThreadPolicy {
  int policy = -1;
  int priority = -1;
};

// Each thread of `pid` by name (the first of a name; the main thread under "main").
std::map<std::string, ThreadPolicy> thread_policies(pid_t pid) {
  std::map<std::string, ThreadPolicy> out;
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(task_dir)) {
    const pid_t tid = std::stoi(entry.path().filename().string());
    std::string name = read_file(entry.path().string() + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    if (tid == pid) name = "main";
    ThreadPolicy policy;
    policy.policy = sched_getscheduler(tid);
    sched_param param{};
    if (sched_getparam(tid, &param) == 0) policy.priority = param.sched_priority;
    out.emplace(name, policy);
  }
  return out;
}

// One run: its recorder's threads by policy once the last event depthsim sent is in Redis.
void expect_fifo_on_the_latency_path_only(const std::vector<std::string>& symbols) {
  RedisServer redis;
  std::string list;
  for (const std::string& symbol : symbols) list += (list.empty() ? "" : ",") + symbol;
  Simulator sim({"--market", "usdm", "--symbols", list, "--rate", "200", "--events",
                 std::to_string(kEvents), "--start-on-subscribe"});
  // --symbol: the single-feed path; --symbols: the many-feed engine. Each applies it.
  RecorderRun run =
      start_recorder(sim, {symbols.size() == 1 ? "--symbol" : "--symbols", list, "--market", "usdm",
                           "--depth", "full", "--print-interval", "1", "--redis", redis.url(),
                           "--realtime-priority", std::to_string(kPriority)});
  for (const std::string& symbol : symbols) {
    ASSERT_TRUE(wait_for_last_event_in_redis(sim, redis, symbol,
                                             "depthrec:usdm:" + symbol + ":depth", kEvents))
        << symbol << run.process->output();
  }
  const std::map<std::string, ThreadPolicy> threads = thread_policies(run.process->pid());
  ASSERT_EQ(threads.count("gzip-writer"), 1u);
  for (const auto& [name, policy] : threads) {
    const bool latency_path = name == "main" || name == "redis-sink";
    EXPECT_EQ(policy.policy, latency_path ? SCHED_FIFO : SCHED_OTHER) << list << ": " << name;
    if (latency_path) {
      EXPECT_EQ(policy.priority, kPriority) << list << ": " << name;
    }
  }
  EXPECT_EQ(threads.count("redis-sink"), 1u);
  EXPECT_TRUE(log_has(run, "network thread at SCHED_FIFO priority 3")) << list;
  stop_recorder(run);
  report_figure(list + ": threads under SCHED_FIFO / at the normal policy",
                "2 / " + std::to_string(threads.size() - 2));
}

TEST(FaultRedisRealtime, TheLatencyPathRunsUnderFifoAndNothingElse) {
  if (!RedisServer::available()) GTEST_SKIP() << "redis-server is not installed";
  if (!fifo_allowed_here()) {
    RedisServer redis;
    Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200"});
    std::vector<std::string> args = sim_flags(sim);
    args.insert(args.end(), {"--symbol", "BTCUSDT", "--market", "usdm", "--redis", redis.url(),
                             "--realtime-priority", std::to_string(kPriority)});
    RecorderRun run = launch_recorder(args);
    const auto code = run.process->wait_exit(std::chrono::seconds(20));
    ASSERT_TRUE(code) << run.process->output();
    EXPECT_EQ(*code, 2) << run.process->output();
    EXPECT_NE(run.process->output().find("--realtime-priority: SCHED_FIFO priority 3 refused"),
              std::string::npos)
        << run.process->output();
    EXPECT_EQ(sim_connection_count(sim.stats()), 0u) << "nothing connected";
    report_figure("SCHED_FIFO refused here: exit", static_cast<double>(*code));
    return;
  }
  expect_fifo_on_the_latency_path_only({"BTCUSDT"});
  expect_fifo_on_the_latency_path_only({"BTCUSDT", "ETHUSDT"});
}

TEST(FaultRedisRealtime, APriorityOutOfRangeExits2) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  std::vector<std::string> args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--realtime-priority", "100"});
  RecorderRun run = launch_recorder(args);
  const auto code = run.process->wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(code) << run.process->output();
  EXPECT_EQ(*code, 2) << run.process->output();
  EXPECT_NE(run.process->output().find("--realtime-priority"), std::string::npos)
      << run.process->output();
  EXPECT_EQ(sim_connection_count(sim.stats()), 0u);
}

}  // namespace
}  // namespace itest::faults_redis_realtime
