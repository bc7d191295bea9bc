// Fault matrix, service manager: depthrec under systemd's notify protocol and logrotate. A test
// plays systemd: it binds the Unix datagram socket that NOTIFY_SOCKET names and sets WATCHDOG_USEC,
// then reads what depthrec sends (READY=1 only once a book is synced, WATCHDOG=1 pings from the
// network thread, STOPPING=1 at SIGTERM). SIGHUP after an outside rename of the text log (what
// logrotate does) sends new lines to a new file at the original path and loses no event.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "faults_support.hpp"

namespace itest::faults_systemd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

class FaultSystemd : public FaultTest {};

struct Notification {
  std::string text;
  SteadyClock::time_point at;
  std::string log_then;  // the recorder's text log when it arrived
};

// systemd's side of sd_notify: a datagram socket at `path`, read by a thread until destroyed. On
// each datagram it also reads the recorder's text log, so a test can tell what had happened then.
class NotifySocket {
 public:
  NotifySocket(std::string path, std::string log_dir)
      : path_(std::move(path)), log_dir_(std::move(log_dir)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    timeval timeout{0, 50'000};  // the reader checks `stop_` this often
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    reader_ = std::thread([this] { read_all(); });
  }
  ~NotifySocket() {
    stop_ = true;
    reader_.join();
    close(fd_);
    unlink(path_.c_str());
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool bound() const { return bound_; }
  std::vector<Notification> received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  // Datagrams holding the line `line` (e.g. "READY=1").
  std::vector<Notification> with(const std::string& line) const {
    std::vector<Notification> found;
    for (const Notification& n : received()) {
      if (("\n" + n.text + "\n").find("\n" + line + "\n") != std::string::npos) found.push_back(n);
    }
    return found;
  }

 private:
  void read_all() {
    char buffer[4096];
    while (!stop_) {
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      Notification notification{std::string(buffer, static_cast<std::size_t>(n)),
                                SteadyClock::now(), text_logs()};
      std::lock_guard<std::mutex> lock(mutex_);
      received_.push_back(std::move(notification));
    }
  }
  std::string text_logs() const {
    std::string text;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(log_dir_, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
      text += read_file(it->path().string());
    return text;
  }

  std::string path_;
  std::string log_dir_;
  int fd_ = -1;
  bool bound_ = false;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Notification> received_;
  std::thread reader_;
};

// Sets environment variables for the children started in its scope (they inherit them at fork).
class ScopedEnv {
 public:
  explicit ScopedEnv(std::vector<std::pair<std::string, std::string>> vars)
      : vars_(std::move(vars)) {
    for (const auto& [name, value] : vars_) setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : vars_) unsetenv(name.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

// The only *.log file in `dir` (the active text log); empty if none or several.
std::string active_log(const std::string& dir) {
  std::vector<std::string> logs;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (it->path().extension() == ".log") logs.push_back(it->path().string());
  }
  return logs.size() == 1 ? logs.front() : std::string();
}

constexpr int kWatchdogUsec = 600'000;  // pings expected every 300 ms

// Proves, for one run of depthrec with `recorder_args` (`what` names it in the figures): READY=1
// comes once, and only after a book synced (the first three snapshots fail, so the recorder
// streams unsynced for a while: its text log already says "synced on snapshot" when READY
// arrives, and STATUS came before it); WATCHDOG=1 arrives repeatedly at about half of
// WATCHDOG_USEC; SIGTERM brings STOPPING=1, then a clean exit.
void expect_notify_protocol(const std::vector<std::string>& sim_args,
                            const std::vector<std::string>& recorder_args,
                            const std::string& what) {
  std::vector<std::string> held_back = sim_args;
  held_back.insert(held_back.end(), {"--rest-fault", "500:3"});
  Simulator sim(held_back);
  const std::string dir = make_temp_dir("depthrec-notify");
  NotifySocket notify(dir + "/notify.sock", dir + "/logs");
  ASSERT_TRUE(notify.bound());
  std::vector<std::string> args = sim_flags(sim);
  args.insert(args.end(), recorder_args.begin(), recorder_args.end());
  RecorderRun run = [&] {
    ScopedEnv env({{"NOTIFY_SOCKET", dir + "/notify.sock"},
                   {"WATCHDOG_USEC", std::to_string(kWatchdogUsec)}});
    return launch_recorder(args, dir);
  }();
  ASSERT_TRUE(wait_until([&] { return !notify.with("READY=1").empty(); }, seconds(30)))
      << run.process->output();
  const Notification ready = notify.with("READY=1").front();
  EXPECT_NE(ready.log_then.find("synced on snapshot"), std::string::npos)
      << "READY before the book synced; log then:\n"
      << ready.log_then;
  EXPECT_EQ(sim_fault_count(sim.stats(), "rest_500"), 3u) << "the sync was held back";
  ASSERT_FALSE(notify.received().empty());
  EXPECT_EQ(notify.received().front().text.rfind("STATUS=", 0), 0u) << "STATUS before READY";

  const std::size_t pings_at_ready = notify.with("WATCHDOG=1").size();
  ASSERT_TRUE(wait_until([&] { return notify.with("WATCHDOG=1").size() >= pings_at_ready + 5; },
                         seconds(20)));
  ASSERT_TRUE(run.process->signal(SIGTERM));
  const auto code = run.process->wait_exit(seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << run.process->output();

  const std::vector<Notification> stopping = notify.with("STOPPING=1");
  ASSERT_FALSE(stopping.empty()) << run.process->output();
  EXPECT_NE(stopping.front().text.find("SIGTERM"), std::string::npos) << stopping.front().text;
  EXPECT_EQ(notify.with("READY=1").size(), 1u) << "READY once";
  const std::vector<Notification> pings = notify.with("WATCHDOG=1");
  double max_interval_ms = 0;
  for (std::size_t i = 1; i < pings.size(); ++i) {
    max_interval_ms =
        std::max(max_interval_ms,
                 std::chrono::duration<double, std::milli>(pings[i].at - pings[i - 1].at).count());
  }
  // A ping every 300 ms; a loaded 2-core machine may delay one, but a whole missed deadline
  // (600 ms) would have systemd restart a healthy recorder.
  EXPECT_LT(max_interval_ms, kWatchdogUsec / 1000.0) << what;
  const double wait_ms =
      std::chrono::duration<double, std::milli>(ready.at - notify.received().front().at).count();
  report_figure(what + ": READY after the first STATUS (3 snapshots failed first), ms", wait_ms);
  report_figure(what + ": WATCHDOG=1 pings / longest interval ms (WATCHDOG_USEC 600 ms)",
                std::to_string(pings.size()) + " / " + std::to_string(max_interval_ms));
}

TEST_F(FaultSystemd, SingleStreamReadyAfterSyncWatchdogPingsAndStoppingAtSigterm) {
  expect_notify_protocol({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200"},
                         {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"},
                         "--symbol");
}

TEST_F(FaultSystemd, EngineReadyAfterSyncWatchdogPingsAndStoppingAtSigterm) {
  expect_notify_protocol({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "200"},
                         {"--symbols", "BTCUSDT,ETHUSDT", "--market", "usdm", "--depth", "full",
                          "--print-interval", "1"},
                         "--symbols (engine)");
}

// The same run without NOTIFY_SOCKET sends nothing and records as before (the no-op path).
TEST_F(FaultSystemd, WithoutNotifySocketNothingIsSent) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200"});
  const std::string dir = make_temp_dir("depthrec-nonotify");
  NotifySocket notify(dir + "/notify.sock", dir + "/logs");
  ASSERT_TRUE(notify.bound());
  std::vector<std::string> args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full"});
  RecorderRun run = [&] {
    ScopedEnv env({{"WATCHDOG_USEC", std::to_string(kWatchdogUsec)}});
    return launch_recorder(args, dir);
  }();
  ASSERT_TRUE(wait_for_recorded(run, 1, 200)) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  EXPECT_TRUE(notify.received().empty());
  EXPECT_GE(metric_u64(metrics, nullptr, "total_messages"), 200u);
}

// Proves: SIGHUP does not stop the recorder; after the text log was renamed (logrotate's move),
// SIGHUP makes new lines go to a new file at the original path, the renamed file takes no line
// after the reopen, and every event the simulator sent is recorded (recorded == sent, exit 0).
TEST_F(FaultSystemd, SighupReopensTheTextLogAndRecordingGoesOn) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500"});
  std::vector<std::string> args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--print-interval", "1"});
  RecorderRun run = launch_recorder(args);
  const std::string logs = run.dir + "/logs";
  ASSERT_TRUE(wait_until(
      [&] { return read_file(active_log(logs)).find("synced") != std::string::npos; }, seconds(20)))
      << run.process->output();
  const std::string path = active_log(logs);
  const std::string rotated = path + ".1";
  ASSERT_EQ(std::rename(path.c_str(), rotated.c_str()), 0);
  ASSERT_TRUE(run.process->signal(SIGHUP));
  ASSERT_TRUE(
      wait_until([&] { return run.process->output().find("SIGHUP received") != std::string::npos; },
                 seconds(10)));
  const std::size_t rotated_size = read_file(rotated).size();
  // The next SUMMARY (every second) goes to the original path.
  ASSERT_TRUE(
      wait_until([&] { return read_file(path).find("SUMMARY") != std::string::npos; }, seconds(10)))
      << run.process->output();
  EXPECT_TRUE(run.process->running()) << "SIGHUP did not stop it";

  ASSERT_TRUE(sim.get("/sim/pause"));
  const std::uint64_t sent = sim_depth_sent(sim.stats(), 1);
  ASSERT_TRUE(wait_for_recorded(run, 1, sent)) << run.process->output();
  const auto metrics = stop_and_read_metrics(run);
  const auto records = read_records(run.data_dir());
  EXPECT_EQ(depth_records(records).size(), sent) << "recorded == sent";
  EXPECT_EQ(metric_u64(metrics, nullptr, "total_messages"), sent);
  EXPECT_EQ(read_file(rotated).size(), rotated_size) << "nothing written to the renamed file";
  EXPECT_NE(read_file(path).find("INFO stopped"), std::string::npos) << "the last line, new file";
  report_figure("SIGHUP: events sent / recorded",
                std::to_string(sent) + " / " + std::to_string(depth_records(records).size()));
}

}  // namespace
}  // namespace itest::faults_systemd
