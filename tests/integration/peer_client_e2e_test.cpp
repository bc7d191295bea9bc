// A peer client against depthsim: ccxt pro, the most used Binance client library (npm package
// ccxt, pinned in peer_client/install.sh), keeps an order book the way it does against Binance:
// exchangeInfo, then /ws/<n> (USD-M /public/ws/<n>, <n> its own connection index) and a SUBSCRIBE,
// the REST snapshot, and the diffs with its own continuity checks
// (peer_client/ccxt_order_book.cjs). depthsim refused that upgrade with 400 and had no
// exchangeInfo, so this client could not use it. Proof: after 200 updates and a pause, ccxt's book
// is at the simulator's last update id and equals the ground truth (/sim/truth) on its top 20
// levels, spot and USD-M. Skipped only when node or npm is not installed; the library itself is
// installed into <build>/npm when missing.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "e2e_support.hpp"

namespace itest::peer_client_e2e_test {
namespace {

using std::chrono::seconds;

const std::string kPeerDir = std::string(DEPTHREC_SOURCE_DIR) + "/tests/integration/peer_client";
const std::string kNpmPrefix = std::string(DEPTHREC_BINARY_DIR) + "/npm";

// The path of `program` in one of $PATH's directories, or empty.
std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

class PeerClient : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = find_on_path("node");
    if (node_.empty() || find_on_path("npm").empty()) {
      GTEST_SKIP() << "node or npm is not installed: the ccxt peer-client test needs both "
                      "(Debian packages nodejs and npm; tools/setup.sh installs them)";
    }
    if (!binary_exists("depthsim")) GTEST_FAIL() << "depthsim not built";
    // Does nothing when tools/setup.sh already installed the pinned version.
    ChildProcess install("/bin/bash", {kPeerDir + "/install.sh", kNpmPrefix},
                         make_temp_dir("ccxt-install") + "/output.txt");
    const auto code = install.wait_exit(seconds(90));
    ASSERT_TRUE(code.has_value() && *code == 0) << "installing ccxt failed:\n" << install.output();
  }

  // Runs the ccxt client against a simulator of `market` and checks its JSON summary.
  void keep_book(const std::string& market, const std::string& expected_path) {
    Simulator sim({"--market", market, "--symbols", "BTCUSDT", "--rate", "200"});
    ChildProcess client(
        "/usr/bin/env",
        {"NODE_EXTRA_CA_CERTS=" + sim.ca_file(), node_, kPeerDir + "/ccxt_order_book.cjs",
         kNpmPrefix, market, sim.rest_endpoint(), "200", "20"},
        make_temp_dir("ccxt-" + market) + "/output.txt");
    const auto code = client.wait_exit(seconds(45));
    ASSERT_TRUE(code.has_value()) << "ccxt did not finish within 45 s:\n" << client.output();
    const std::string output = client.output();
    EXPECT_EQ(*code, 0) << output;
    rapidjson::Document summary;
    summary.Parse(output.substr(output.find('{')).c_str());
    ASSERT_TRUE(summary.IsObject()) << output;
    EXPECT_EQ(u64(summary, "mismatches"), 0u) << output;
    EXPECT_EQ(u64(summary, "nonce"), u64(summary, "truth_id")) << output;
    EXPECT_GE(u64(summary, "updates"), 200u);
    EXPECT_NE(str(summary, "url").find(expected_path), std::string::npos) << output;
    const rapidjson::Document stats = sim.stats();
    EXPECT_EQ(u64(stats, "connections_refused"), 0u);
    const std::string url = str(summary, "url");
    report_figure(market + " ccxt " + str(summary, "ccxt") + " connected to",
                  url.substr(std::min(url.size(), url.find('/', url.find("://") + 3))));
    report_figure(market + " updates / nonce = truth id / levels compared / mismatches",
                  std::to_string(u64(summary, "updates")) + " / " +
                      std::to_string(u64(summary, "nonce")) + " = " +
                      std::to_string(u64(summary, "truth_id")) + " / " +
                      std::to_string(u64(summary, "levels_compared")) + " / " +
                      std::to_string(u64(summary, "mismatches")));
    report_figure(market + " seconds", summary["seconds"].GetDouble());
  }

  std::string node_;
};

TEST_F(PeerClient, CcxtKeepsTheSpotBookEqualToTheTruth) {
  keep_book("spot", "/ws/0");
}

TEST_F(PeerClient, CcxtKeepsTheUsdmBookEqualToTheTruth) {
  keep_book("usdm", "/public/ws/0");
}

}  // namespace
}  // namespace itest::peer_client_e2e_test
