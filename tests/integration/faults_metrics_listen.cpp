// Fault matrix, Prometheus exposition (--metrics-listen): a busy port and an address that is not
// loopback (without --metrics-allow-remote) end the run with a clear error and exit 2 before
// anything connects; scrapes of /metrics and /healthz while the recorder stops neither crash it
// nor keep it from draining (exit 0, final metrics.json written).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "faults_support.hpp"
#include "prometheus_support.hpp"

namespace itest::faults_metrics_listen {
namespace {

using std::chrono::seconds;

class FaultMetricsListen : public FaultTest {};

// A port some other process holds: a listening socket on 127.0.0.1, closed at scope end.
class HeldPort {
 public:
  HeldPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0 && listen(fd_, 4) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
      port_ = ntohs(address.sin_port);
  }
  ~HeldPort() { close(fd_); }
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(FaultMetricsListen, BusyPortExits2BeforeConnecting) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  HeldPort held;
  ASSERT_GT(held.port(), 0);
  std::vector<std::string> args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full", "--metrics-listen",
                           "127.0.0.1:" + std::to_string(held.port())});
  RecorderRun run = launch_recorder(args);
  const auto code = run.process->wait_exit(seconds(20));
  ASSERT_TRUE(code) << run.process->output();
  EXPECT_EQ(*code, 2) << run.process->output();
  const std::string output = run.process->output();
  EXPECT_NE(output.find("--metrics-listen 127.0.0.1:" + std::to_string(held.port()) +
                        ": cannot listen there"),
            std::string::npos)
      << output;
  EXPECT_EQ(sim_connection_count(sim.stats()), 0u) << "nothing connected";
  EXPECT_TRUE(segment_files(run.data_dir()).empty());
  report_figure("busy metrics port: exit / connections to the exchange",
                std::to_string(*code) + " / " + std::to_string(sim_connection_count(sim.stats())));
}

TEST_F(FaultMetricsListen, RemoteAddressNeedsTheAllowFlag) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  std::vector<std::string> args = sim_flags(sim);
  args.insert(args.end(), {"--symbol", "BTCUSDT", "--depth", "full"});
  std::vector<std::string> refused = args;
  refused.insert(refused.end(), {"--metrics-listen", "0.0.0.0:0"});
  RecorderRun run = launch_recorder(refused);
  const auto code = run.process->wait_exit(seconds(20));
  ASSERT_TRUE(code) << run.process->output();
  EXPECT_EQ(*code, 2);
  EXPECT_NE(run.process->output().find("0.0.0.0 is not a loopback address"), std::string::npos)
      << run.process->output();
  EXPECT_NE(run.process->output().find("--metrics-allow-remote"), std::string::npos);
  EXPECT_EQ(sim_connection_count(sim.stats()), 0u);
  // A malformed address: the same exit, its own message.
  std::vector<std::string> malformed = args;
  malformed.insert(malformed.end(), {"--metrics-listen", "9464"});
  RecorderRun bad = launch_recorder(malformed);
  const auto bad_code = bad.process->wait_exit(seconds(20));
  ASSERT_TRUE(bad_code);
  EXPECT_EQ(*bad_code, 2);
  EXPECT_NE(bad.process->output().find("expected HOST:PORT"), std::string::npos)
      << bad.process->output();
  // IPv6 loopback: served when civetweb has IPv6, otherwise refused saying so (Debian's has none).
  std::vector<std::string> v6 = args;
  v6.insert(v6.end(), {"--metrics-listen", "[::1]:0"});
  RecorderRun v6_run = launch_recorder(v6);
  std::string v6_address;
  wait_until(
      [&] {
        v6_address = served_address(v6_run);
        return !v6_address.empty() || !v6_run.process->running();
      },
      seconds(20));
  if (v6_address.empty()) {
    const auto v6_code = v6_run.process->wait_exit(seconds(20));
    ASSERT_TRUE(v6_code);
    EXPECT_EQ(*v6_code, 2);
    EXPECT_NE(v6_run.process->output().find("has no IPv6 support"), std::string::npos)
        << v6_run.process->output();
  } else {
    EXPECT_EQ(http(v6_address, "/healthz").error, "");
    stop_recorder(v6_run);
  }
  // With the flag it is served (on every address, so on loopback too).
  std::vector<std::string> allowed = refused;
  allowed.push_back("--metrics-allow-remote");
  RecorderRun served = launch_recorder(allowed);
  const std::string address = wait_for_served_address(served);
  ASSERT_EQ(address.rfind("0.0.0.0:", 0), 0u) << served.process->output();
  const HttpResult scrape = http("127.0.0.1:" + address.substr(8), "/metrics");
  EXPECT_EQ(scrape.status, 200) << scrape.error;
  stop_recorder(served);
  report_figure("0.0.0.0 without / with --metrics-allow-remote: exit / scrape status",
                std::to_string(*code) + " / " + std::to_string(scrape.status));
}

// Two clients scrape /metrics and /healthz as fast as they can while the recorder gets SIGTERM:
// the scrapes answered while it drains come from the process figures alone, the recorder exits
// 0 and writes its final metrics.json, whose count matches what it recorded.
TEST_F(FaultMetricsListen, ScrapesWhileStoppingDoNotCrashOrBlockTheDrain) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "500"});
  RecorderRun run =
      start_recorder(sim, {"--symbols", "BTCUSDT,ETHUSDT", "--depth", "full", "--print-interval",
                           "1", "--metrics-listen", "127.0.0.1:0"});
  const std::string address = wait_for_served_address(run);
  ASSERT_FALSE(address.empty()) << run.process->output();
  ASSERT_TRUE(wait_until([&] { return http(address, "/healthz").status == 200; }, seconds(30)));
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> answered{0}, refused{0}, down{0};
  std::vector<std::thread> clients;
  for (const char* path : {"/metrics", "/healthz"}) {
    clients.emplace_back([&, path] {
      while (!done) {
        const HttpResult r = depthsim_test::http_get("http://" + address + path, "", 2000);
        if (r.status == 200 || r.status == 503) {
          ++answered;
          if (r.body.find("depthrec_up 0") != std::string::npos ||
              r.body.find("starting or stopping") != std::string::npos)
            ++down;
        } else {
          ++refused;  // the server closed with the recorder
        }
      }
    });
  }
  ASSERT_TRUE(wait_until([&] { return answered >= 20; }, seconds(20)));
  ASSERT_TRUE(run.process->signal(SIGTERM));
  const auto code = run.process->wait_exit(seconds(30));
  done = true;
  for (std::thread& client : clients) client.join();
  ASSERT_TRUE(code) << run.process->output();
  EXPECT_EQ(*code, 0) << run.process->output();
  const auto metrics = read_metrics(run.metrics_path());
  ASSERT_TRUE(metrics);
  const auto records = read_records(run.data_dir());
  const std::size_t lines = depth_records(records).size();
  EXPECT_EQ(metric_u64(*metrics, nullptr, "total_messages"), lines);
  report_figure(
      "scrapes answered / refused after close / answered as down, SIGTERM mid-scrape",
      std::to_string(answered) + " / " + std::to_string(refused) + " / " + std::to_string(down));
}

}  // namespace
}  // namespace itest::faults_metrics_listen
