// TLS verification of wss:// (WsClient) and https:// (RestClient) against an in-test
// websocketpp TLS server with certificates made in the test.
#include <gtest/gtest.h>

#include "test_tls_cert.hpp"
#include "test_ws_server.hpp"
#include "transport/rest_client.hpp"
#include "transport/ws_client.hpp"
#include "ws_test_support.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::ClientLog;
using test::RunningClient;
using test::test_config;
using TlsServer = test::WsTestServer<test::TlsServerConfig>;
using Hdl = TlsServer::Hdl;

class WsClientTls : public ::testing::Test {
 protected:
  test::TempDir dir;
  test::CertFiles good = test::make_self_signed(dir, "localhost", "DNS:localhost,IP:127.0.0.1");
  test::CertFiles other = test::make_self_signed(dir, "other", "DNS:other.test");

  static std::string wss_url(const std::string& host, unsigned short port) {
    return "wss://" + host + ":" + std::to_string(port) + "/stream";
  }
  static TlsServer::OpenAction greet() {
    return [](TlsServer::Server& s, Hdl hdl) {
      s.send(hdl, "secure hello", websocketpp::frame::opcode::text);
    };
  }
  /// Connects once (reconnect off) and returns the first connect failure, or "" if it opened.
  static std::string first_failure(WsClientConfig config) {
    config.reconnect = false;
    ClientLog log;
    RunningClient rc(config, log.events());
    rc.start();
    EXPECT_TRUE(log.wait_for([&] { return !log.failures.empty() || !log.opens.empty(); }));
    std::lock_guard lock(log.mutex);
    return log.failures.empty() ? "" : log.failures[0].error;
  }
};

TEST_F(WsClientTls, VerifiedConnectionByIpAndByHostName) {
  TlsServer server(greet(), {good.cert, good.key});
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    ClientLog log;
    auto config = test_config(wss_url(host, server.port()));
    config.ca_file = good.cert;
    RunningClient rc(config, log.events());
    rc.start();
    ASSERT_TRUE(log.wait_for([&] { return !log.frames.empty() || !log.failures.empty(); })) << host;
    std::lock_guard lock(log.mutex);
    ASSERT_TRUE(log.failures.empty()) << log.failures[0].error;
    EXPECT_EQ(log.frames[0].payload, "secure hello");
  }
}

TEST_F(WsClientTls, StopClosesPromptlyOverTls) {
  TlsServer server(greet(), {good.cert, good.key});
  ClientLog log;
  auto config = test_config(wss_url("127.0.0.1", server.port()));
  config.ca_file = good.cert;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return !log.frames.empty(); }));
  const auto started = std::chrono::steady_clock::now();
  rc.client.stop();
  EXPECT_TRUE(rc.returns_within(1500ms));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  ASSERT_TRUE(server.wait_for([&] { return !server.close_codes().empty(); }));
  EXPECT_EQ(server.close_codes()[0], 1000);
}

TEST_F(WsClientTls, UntrustedCertificateIsRefusedWithTheReason) {
  TlsServer server(greet(), {good.cert, good.key});
  auto config = test_config(wss_url("127.0.0.1", server.port()));  // system store only
  EXPECT_NE(first_failure(config).find("certificate verify failed: self-signed certificate"),
            std::string::npos)
      << first_failure(config);
  config.ca_file = other.cert;  // a CA that did not sign the server's certificate
  const std::string wrong_ca = first_failure(config);
  EXPECT_NE(wrong_ca.find("certificate verify failed: self-signed certificate"), std::string::npos)
      << wrong_ca;
  EXPECT_EQ(server.opens(), 0);
}

TEST_F(WsClientTls, WrongHostNameOrIpIsRefused) {
  TlsServer server(greet(), {other.cert, other.key});  // valid only for other.test
  auto config = test_config(wss_url("localhost", server.port()));
  config.ca_file = other.cert;
  const std::string by_name = first_failure(config);
  EXPECT_NE(by_name.find("certificate verify failed: hostname mismatch"), std::string::npos)
      << by_name;
  config.url = wss_url("127.0.0.1", server.port());
  const std::string by_ip = first_failure(config);
  EXPECT_NE(by_ip.find("certificate verify failed: IP address mismatch"), std::string::npos)
      << by_ip;
  EXPECT_EQ(server.opens(), 0);
}

TEST_F(WsClientTls, VerificationOffIsAnExplicitChoice) {
  TlsServer server(greet(), {other.cert, other.key});
  auto config = test_config(wss_url("127.0.0.1", server.port()));
  config.verify_peer = false;
  EXPECT_EQ(first_failure(config), "");
}

TEST_F(WsClientTls, MissingCaFileIsAClearError) {
  TlsServer server(greet(), {good.cert, good.key});
  auto config = test_config(wss_url("127.0.0.1", server.port()));
  config.ca_file = dir.file("does-not-exist.pem");
  const std::string error = first_failure(config);
  EXPECT_NE(error.find("cannot load CA file"), std::string::npos) << error;
}

// RestClient's https verification, here because this file already has a TLS server (the
// websocket server answers a plain GET over TLS with an HTTP status).
TEST_F(WsClientTls, RestClientVerifiesHttpsPeersToo) {
  TlsServer server(greet(), {other.cert, other.key});  // valid only for other.test
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/api/v3/depth";
  RestClientConfig config;
  config.timeout = 5s;
  const HttpResponse untrusted = RestClient(config).get(url);
  EXPECT_EQ(untrusted.status, 0);
  EXPECT_NE(untrusted.error.find("certificate"), std::string::npos) << untrusted.error;
  config.ca_file = other.cert;  // trusted now, but issued for another name
  const HttpResponse wrong_name = RestClient(config).get(url);
  EXPECT_EQ(wrong_name.status, 0);
  EXPECT_NE(wrong_name.error.find("127.0.0.1"), std::string::npos) << wrong_name.error;
  config.verify_peer = false;
  const HttpResponse unverified = RestClient(config).get(url);
  EXPECT_EQ(unverified.error, "");
  EXPECT_NE(unverified.status, 0);
}

TEST_F(WsClientTls, RestClientAcceptsAVerifiedHttpsPeer) {
  TlsServer server(greet(), {good.cert, good.key});
  RestClientConfig config;
  config.ca_file = good.cert;
  config.timeout = 5s;
  const HttpResponse r =
      RestClient(config).get("https://localhost:" + std::to_string(server.port()) + "/");
  EXPECT_EQ(r.error, "");
  EXPECT_NE(r.status, 0);  // websocketpp answers a non-upgrade GET with an HTTP error status
}

}  // namespace
}  // namespace depthrec::transport
