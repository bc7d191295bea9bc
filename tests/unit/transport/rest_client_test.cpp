// RestClient against a tiny in-test HTTP server on 127.0.0.1.
#include "transport/rest_client.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <future>

#include "test_http_server.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::TestHttpServer;
using Reply = TestHttpServer::Reply;

TEST(RestClient, OkResponseCarriesBodyTimesAndUsedWeight) {
  TestHttpServer server([](const std::string& path, int) {
    return Reply{200, R"({"lastUpdateId":1,"path":")" + path + "\"}", {"x-mbx-used-weight-1m: 42"}};
  });
  RestClient client({});
  const HttpResponse r = client.get(server.url("/fapi/v1/depth?symbol=BTCUSDT&limit=1000"));
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"lastUpdateId":1,"path":"/fapi/v1/depth?symbol=BTCUSDT&limit=1000"})");
  EXPECT_GT(r.sent_ns, 0);
  EXPECT_GE(r.received_ns, r.sent_ns);
  ASSERT_TRUE(r.used_weight_1m.has_value());
  EXPECT_EQ(*r.used_weight_1m, 42);
  EXPECT_FALSE(r.retry_after.has_value());
  // The same client serves the next request (keep-alive; state from the first does not leak).
  TestHttpServer plain([](const std::string&, int) { return Reply{204, "", {}}; });
  const HttpResponse second = client.get(plain.url("/x"));
  EXPECT_EQ(second.status, 204);
  EXPECT_FALSE(second.used_weight_1m.has_value());
}

TEST(RestClient, RateLimitedResponseReportsRetryAfterSecondsOrDate) {
  TestHttpServer server([](const std::string& path, int) {
    if (path == "/seconds") return Reply{429, R"({"code":-1003})", {"Retry-After: 3"}};
    char date[64];
    const std::time_t later = std::time(nullptr) + 120;
    std::tm tm{};
    gmtime_r(&later, &tm);
    std::strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return Reply{418, "", {std::string("Retry-After: ") + date}};
  });
  RestClient client({});
  const HttpResponse seconds = client.get(server.url("/seconds"));
  EXPECT_EQ(seconds.status, 429);
  EXPECT_EQ(seconds.error, "");  // an HTTP answer is not a transport error
  ASSERT_TRUE(seconds.retry_after.has_value());
  EXPECT_EQ(*seconds.retry_after, 3s);
  const HttpResponse date = client.get(server.url("/date"));
  EXPECT_EQ(date.status, 418);
  ASSERT_TRUE(date.retry_after.has_value());
  EXPECT_GE(*date.retry_after, 118s);
  EXPECT_LE(*date.retry_after, 120s);
}

TEST(RestClient, ServerErrorIsAStatusNotATransportError) {
  TestHttpServer server([](const std::string&, int) { return Reply{500, "boom", {}}; });
  RestClient client({});
  const HttpResponse r = client.get(server.url("/"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "boom");
  EXPECT_EQ(r.error, "");
}

TEST(RestClient, TimeoutIsAnErrorWithinTheLimit) {
  TestHttpServer server([](const std::string&, int) { return Reply{200, "", {}, true}; });
  RestClientConfig config;
  config.timeout = 300ms;
  RestClient client(config);
  const auto started = std::chrono::steady_clock::now();
  const HttpResponse r = client.get(server.url("/hang"));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("Timeout"), std::string::npos) << r.error;
  EXPECT_GE(took, 250ms);  // curl may fire a few ms early
  EXPECT_LT(took, 3s);
}

TEST(RestClient, RefusedConnectionIsAnError) {
  unsigned short port = 0;
  {
    TestHttpServer gone([](const std::string&, int) { return Reply{}; });
    port = static_cast<unsigned short>(std::stoi(gone.url("").substr(17)));
  }
  RestClient client({});
  const HttpResponse r = client.get("http://127.0.0.1:" + std::to_string(port) + "/");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("connect"), std::string::npos) << r.error;
}

TEST(RestClient, OversizedBodyAndBadUrlAreErrors) {
  TestHttpServer server([](const std::string&, int) {
    return Reply{200, std::string(5000, 'x'), {}};
  });
  RestClientConfig config;
  config.max_body_bytes = 1000;
  RestClient client(config);
  const HttpResponse big = client.get(server.url("/big"));
  EXPECT_EQ(big.status, 0);
  EXPECT_EQ(big.body, "");
  EXPECT_EQ(big.error, "response body exceeds 1000 bytes");
  EXPECT_NE(client.get("ftp://127.0.0.1/x").error, "");
  EXPECT_NE(client.get("not a url at all").error, "");
}

TEST(RestClient, CancelFlagAbortsAHangingRequestPromptly) {
  TestHttpServer server([](const std::string&, int) { return Reply{200, "", {}, true}; });
  RestClient client({});  // default 10 s timeout: only the cancel can end it early
  std::atomic<bool> cancel{false};
  auto result =
      std::async(std::launch::async, [&] { return client.get(server.url("/hang"), &cancel); });
  server.wait_for_requests(1);
  const auto cancelled_at = std::chrono::steady_clock::now();
  cancel = true;
  ASSERT_EQ(result.wait_for(2s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled_at, 1s);
  EXPECT_EQ(result.get().error, "request cancelled");
}

}  // namespace
}  // namespace depthrec::transport
