// The TLS server with its generated certificate: libcurl verifies it against --cert-out.
#include <rapidjson/document.h>

#include <fstream>

#include "sim_test_support.hpp"

namespace {

using depthsim_test::http_get;
using depthsim_test::SimProcess;

TEST(DepthsimTls, VerifiedHttpsWithTheWrittenCertificate) {
  const std::string ca = ::testing::TempDir() + "/depthsim_tls_test_ca.pem";
  std::remove(ca.c_str());
  SimProcess sim({"--port", "0", "--cert-out", ca, "--rate", "100"});
  std::ifstream pem(ca);
  std::string first_line;
  std::getline(pem, first_line);
  EXPECT_EQ(first_line, "-----BEGIN CERTIFICATE-----");

  const auto stats = http_get(sim.base_url() + "/sim/stats", ca);
  ASSERT_TRUE(stats.error.empty()) << stats.error;
  EXPECT_EQ(stats.status, 200);
  rapidjson::Document document;
  document.Parse(stats.body.c_str());
  ASSERT_TRUE(document.IsObject());
  EXPECT_TRUE(document["tls"].GetBool());

  // The certificate names 127.0.0.1 as well as localhost.
  const auto by_ip =
      http_get("https://127.0.0.1:" + std::to_string(sim.port()) + "/fapi/v1/time", ca);
  ASSERT_TRUE(by_ip.error.empty()) << by_ip.error;
  EXPECT_EQ(by_ip.body.rfind("{\"serverTime\":", 0), 0u);

  // Verification is really on: without the CA file the same request is refused.
  const auto unverified = http_get(sim.base_url() + "/sim/stats");
  EXPECT_FALSE(unverified.error.empty());
  EXPECT_EQ(sim.stop(), 0);
}

}  // namespace
