// Fault matrix, reaching the server: TLS the recorder must refuse (a certificate from another
// CA, a certificate for another name), a host that does not resolve, a port that refuses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>

#include "faults_support.hpp"

namespace itest::faults_tls {
namespace {

using std::chrono::seconds;

// The delays of "...; retrying in N ms" log lines, in order.
std::vector<long> retry_delays(const std::string& log) {
  std::vector<long> delays;
  const std::string marker = "retrying in ";
  for (std::size_t at = log.find(marker); at != std::string::npos; at = log.find(marker, at + 1)) {
    delays.push_back(std::strtol(log.c_str() + at + marker.size(), nullptr, 10));
  }
  return delays;
}

// A loopback port nobody listens on (bound by the OS, then released).
int refused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

class FaultReach : public FaultTest {
 protected:
  // depthrec at `ws`/`rest` trusting `ca_file`; waits for `failures` failed connection attempts.
  RecorderRun record_until_failures(const std::string& ws, const std::string& rest,
                                    const std::string& ca_file, std::uint64_t failures) {
    std::vector<std::string> args{"--endpoint",       ws,        "--rest-endpoint",  rest,
                                  "--symbol",         "BTCUSDT", "--depth",          "full",
                                  "--print-interval", "1",       "--backoff-max-ms", "2000"};
    if (!ca_file.empty()) args.insert(args.end(), {"--ca-file", ca_file});
    RecorderRun run = launch_recorder(args);
    EXPECT_TRUE(wait_for_metrics(
        run,
        [&](const rapidjson::Document& m) {
          return metric_u64(m, nullptr, "connect_failures") >= failures;
        },
        seconds(30)))
        << run.process->output();
    return run;
  }

  // What every refused or failed connection must leave: counted failures, the backoff growing
  // in the log (250 ms doubling to the 2 s cap, +-20% jitter), no connection, no data, and a
  // clean exit on SIGTERM while waiting to retry.
  void expect_counted_retries(RecorderRun& run, std::uint64_t failures) {
    const std::string log = run.process->output();
    const auto metrics = stop_and_read_metrics(run);
    ASSERT_TRUE(metrics.IsObject());
    EXPECT_GE(metric_u64(metrics, nullptr, "connect_failures"), failures);
    EXPECT_EQ(metric_u64(metrics, "continuity", "reconnects"), 0u);
    EXPECT_EQ(metric_u64(metrics, nullptr, "total_messages"), 0u);
    EXPECT_EQ(metric_at(metrics, {"snapshots", "ok"}), 0u);
    const auto delays = retry_delays(log);
    ASSERT_GE(delays.size(), failures) << log;
    std::string text;
    for (std::size_t k = 0; k < delays.size(); ++k) {
      const double expected = std::min(2000.0, 250.0 * std::pow(2.0, static_cast<double>(k)));
      EXPECT_GE(delays[k], 0.8 * expected - 1) << "retry " << k;
      EXPECT_LE(delays[k], 1.2 * expected + 1) << "retry " << k;
      text += (k ? ", " : "") + std::to_string(delays[k]);
    }
    report_figure("retry delays ms", text);
    const auto records = read_records(run.data_dir());
    EXPECT_TRUE(records_of_type(records, "connect").empty()) << "no connection ever opened";
    EXPECT_TRUE(depth_records(records).empty());
  }
};

// A certificate signed by another CA (a second simulator's): refused with a clear error,
// counted, retried with backoff; never a silent fallback to an unverified connection (the
// simulator never sees a WebSocket connection open).
TEST_F(FaultReach, CertificateOfAnotherCaIsRefused) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  Simulator other({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100"});
  RecorderRun run =
      record_until_failures(sim.ws_endpoint(), sim.rest_endpoint(), other.ca_file(), 4);
  const std::string log = run.process->output();
  report_figure("error", log.substr(0, log.find('\n')));
  EXPECT_NE(log.find("certificate verify failed"), std::string::npos) << log;
  EXPECT_EQ(sim_connection_count(sim.stats()), 0u);
  expect_counted_retries(run, 4);
}

// A certificate valid for another name only (CN and SAN other.example, made here with the
// openssl CLI and trusted as the CA), reached as wss://localhost: refused as a host-name
// mismatch, counted, retried; the simulator never sees a connection open.
TEST_F(FaultReach, CertificateForAnotherNameIsRefused) {
  const std::string dir = make_temp_dir("depthrec-cert");
  ChildProcess openssl(
      "/usr/bin/openssl",
      {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
       dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2", "-subj", "/CN=other.example",
       "-addext", "subjectAltName=DNS:other.example"},
      dir + "/openssl.txt");
  const auto made = openssl.wait_exit(seconds(30));
  ASSERT_TRUE(made && *made == 0) << openssl.output();
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "100", "--cert",
                 dir + "/cert.pem", "--key", dir + "/key.pem"});
  const std::string port = std::to_string(sim.port());
  RecorderRun run = record_until_failures("wss://localhost:" + port, "https://localhost:" + port,
                                          sim.ca_file(), 4);
  const std::string log = run.process->output();
  report_figure("error", log.substr(0, log.find('\n')));
  EXPECT_NE(log.find("certificate verify failed: hostname mismatch"), std::string::npos) << log;
  EXPECT_EQ(sim_connection_count(sim.stats()), 0u);
  expect_counted_retries(run, 4);
}

// A host name that does not resolve: logged with its cause, counted, retried with a growing
// backoff. Its first label has 64 characters, one more than DNS allows (RFC 1035 2.3.4), so the
// resolver fails it on this machine without sending a query: the test's traffic stays on
// loopback (a name like nonexistent.invalid would be sent to the configured DNS server).
TEST_F(FaultReach, UnresolvableHostIsRetriedWithBackoff) {
  const std::string host = std::string(64, 'x') + ".invalid";
  RecorderRun run = record_until_failures("wss://" + host + ":1", "https://" + host + ":1", "", 5);
  EXPECT_NE(run.process->output().find("Host not found"), std::string::npos)
      << run.process->output();
  expect_counted_retries(run, 5);
}

// A port nobody listens on: logged with its cause, counted, retried with a growing backoff.
TEST_F(FaultReach, RefusedPortIsRetriedWithBackoff) {
  const int port = refused_port();
  ASSERT_GT(port, 0);
  RecorderRun run = record_until_failures("wss://127.0.0.1:" + std::to_string(port),
                                          "https://127.0.0.1:" + std::to_string(port), "", 5);
  EXPECT_NE(run.process->output().find("refused"), std::string::npos) << run.process->output();
  expect_counted_retries(run, 5);
}

}  // namespace
}  // namespace itest::faults_tls
