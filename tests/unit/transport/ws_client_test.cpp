// WsClient against an in-test websocketpp server on 127.0.0.1 (plain ws; TLS is in
// tls_verification_test.cpp).
#include "transport/ws_client.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "test_ws_server.hpp"
#include "transport/clock.hpp"
#include "ws_test_support.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::ClientLog;
using test::RunningClient;
using test::test_config;
using test::ws_url;
using PlainServer = test::WsTestServer<test::PlainServerConfig>;
using Server = PlainServer::Server;
using Hdl = PlainServer::Hdl;

/// A port on which nothing listens (bound by the OS, then released).
unsigned short refused_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io,
                                   asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

TEST(WsClient, DeliversTextAndBinaryFramesInOrder) {
  PlainServer server([](Server& s, Hdl hdl) {
    for (int i = 0; i < 100; ++i)
      s.send(hdl, "m" + std::to_string(i), websocketpp::frame::opcode::text);
    s.send(hdl, std::string("\x00\x01\x02", 3), websocketpp::frame::opcode::binary);
  });
  ClientLog log;
  RunningClient rc(test_config(ws_url(server.port())), log.events());
  const std::int64_t started_ns = now_ns();
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.frames.size() == 101; }));
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.opens, std::vector<std::uint64_t>{1});
  std::uint64_t bytes = 0;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(log.frames[i].payload, "m" + std::to_string(i));
    EXPECT_FALSE(log.frames[i].binary);
    EXPECT_EQ(log.frames[i].conn_id, 1u);
    EXPECT_GE(log.frames[i].recv_ns, started_ns);
    bytes += log.frames[i].payload.size();
  }
  EXPECT_TRUE(log.frames[100].binary);
  EXPECT_EQ(log.frames[100].payload, std::string("\x00\x01\x02", 3));
  const WsClientStats stats = rc.client.stats();
  EXPECT_EQ(stats.frames, 101u);
  EXPECT_EQ(stats.bytes, bytes + 3);
  EXPECT_EQ(stats.connects, 1u);
  EXPECT_EQ(stats.reconnects, 0u);
}

// The text-frame UTF-8 check skips its state machine only for all-ASCII chunks: frames with
// multi-byte code points at every offset (before, inside and after 8-byte words) must still
// arrive byte for byte.
TEST(WsClient, DeliversMultiByteUtf8TextIntact) {
  std::vector<std::string> texts;
  for (std::size_t prefix = 0; prefix < 20; ++prefix)
    texts.push_back(std::string(prefix, 'a') + "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80" +
                    std::string(prefix % 9, 'z'));
  PlainServer server([texts](Server& s, Hdl hdl) {
    for (const std::string& text : texts) s.send(hdl, text, websocketpp::frame::opcode::text);
  });
  ClientLog log;
  RunningClient rc(test_config(ws_url(server.port())), log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.frames.size() == texts.size(); }));
  std::lock_guard lock(log.mutex);
  for (std::size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(log.frames[i].payload, texts[i]);
  EXPECT_TRUE(log.closes.empty());
}

TEST(WsClient, SendsTextOnlyWhileOpen) {
  PlainServer server(nullptr);
  ClientLog log;
  WsClient* self = nullptr;
  std::atomic<bool> sent{false};
  RunningClient rc(test_config(ws_url(server.port())), log.events({}, [&](std::uint64_t) {
    sent = self->send_text(R"({"method":"SUBSCRIBE","id":1})");
  }));
  self = &rc.client;
  EXPECT_FALSE(rc.client.send_text("before run"));  // nothing is open yet
  rc.start();
  ASSERT_TRUE(server.wait_for([&] { return server.messages().size() == 1; }));
  EXPECT_TRUE(sent.load());
  EXPECT_EQ(server.messages()[0], R"({"method":"SUBSCRIBE","id":1})");
}

TEST(WsClient, AnswersPingsWithTheSamePayload) {
  PlainServer server([](Server& s, Hdl hdl) { s.ping(hdl, "ping-42"); });
  ClientLog log;
  RunningClient rc(test_config(ws_url(server.port())), log.events());
  rc.start();
  ASSERT_TRUE(server.wait_for([&] { return !server.pongs().empty(); }));
  EXPECT_EQ(server.pongs()[0], "ping-42");
  EXPECT_EQ(rc.client.stats().pings_received, 1u);
}

/// A live socket without data: a ping and a non-data text frame every 50 ms while it is open.
void chatter(Server& s, Hdl hdl) {
  auto timer = std::make_shared<asio::steady_timer>(s.get_io_service(), 50ms);
  timer->async_wait([&s, hdl, timer](const asio::error_code& ec) {
    if (ec) return;
    websocketpp::lib::error_code send_ec;
    s.ping(hdl, "alive", send_ec);
    if (!send_ec) s.send(hdl, "{\"result\":null}", websocketpp::frame::opcode::text, send_ec);
    if (!send_ec) chatter(s, hdl);
  });
}

/// A 300 ms stall timeout fed only by mark_data().
WsClientConfig marked_data_config(unsigned short port) {
  auto config = test_config(ws_url(port));
  config.stall_timeout = 300ms;
  config.stall_on_marked_data = true;
  return config;
}

TEST(WsClient, WithMarkedDataPingsAndOtherFramesDoNotHoldOffTheStall) {
  PlainServer server([](Server& s, Hdl hdl) { chatter(s, hdl); });
  ClientLog log;
  RunningClient rc(marked_data_config(server.port()), log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return !log.closes.empty(); }));
  std::lock_guard lock(log.mutex);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::stalled);
  EXPECT_EQ(log.closes[0].second.reason, "no market data for 300 ms");
  EXPECT_GE(log.frames.size(), 2u) << "frames kept coming";
  EXPECT_GE(rc.client.stats().pings_received, 2u) << "pings kept coming";
}

TEST(WsClient, WithMarkedDataMarkedFramesKeepTheConnection) {
  PlainServer server([](Server& s, Hdl hdl) { chatter(s, hdl); });
  ClientLog log;
  WsClient* client = nullptr;
  RunningClient rc(marked_data_config(server.port()),
                   log.events([&](const ClientLog::Frame& frame) {
                     client->mark_data(frame.conn_id);  // network thread: every frame is data here
                   }));
  client = &rc.client;
  rc.start();
  // Three stall timeouts of frames, every one marked: no close.
  ASSERT_TRUE(log.wait_for([&] { return log.frames.size() >= 18; }, 5s));
  std::lock_guard lock(log.mutex);
  EXPECT_TRUE(log.closes.empty());
  EXPECT_EQ(rc.client.stats().stalls, 0u);
}

TEST(WsClient, StalledConnectionIsClosedAndReplaced) {
  PlainServer server(nullptr);  // opens, then says nothing
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.stall_timeout = 300ms;
  RunningClient rc(config, log.events());
  const auto started = std::chrono::steady_clock::now();
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }));
  std::lock_guard lock(log.mutex);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  ASSERT_GE(log.closes.size(), 1u);
  EXPECT_EQ(log.closes[0].first, 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::stalled);
  EXPECT_EQ(log.closes[0].second.retry_in, 50ms);
  EXPECT_EQ(log.opens[1], 2u);
  EXPECT_GE(rc.client.stats().stalls, 1u);
}

TEST(WsClient, ServerCloseReconnectsWithGrowingBackoff) {
  PlainServer server(
      [](Server& s, Hdl hdl) { s.close(hdl, websocketpp::close::status::going_away, "bye"); });
  ClientLog log;
  RunningClient rc(test_config(ws_url(server.port())), log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.closes.size() >= 3; }));
  std::lock_guard lock(log.mutex);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(log.closes[i].first, i + 1);
    EXPECT_EQ(log.closes[i].second.cause, CloseCause::remote_close);
    EXPECT_EQ(log.closes[i].second.code, 1001);
    EXPECT_EQ(log.closes[i].second.reason, "bye");
  }
  // No frames and a short life: the backoff keeps growing (jitter is off in test_config).
  EXPECT_EQ(log.closes[0].second.retry_in, 50ms);
  EXPECT_EQ(log.closes[1].second.retry_in, 100ms);
  EXPECT_EQ(log.closes[2].second.retry_in, 200ms);
  EXPECT_GE(rc.client.stats().reconnects, 3u);
}

TEST(WsClient, BackoffKeepsGrowingWhileConnectionsDieYoungEvenWithFrames) {
  // A reconnect storm: each connection delivers a frame, then the server drops it at once.
  PlainServer server([](Server& s, Hdl hdl) {
    s.send(hdl, "one", websocketpp::frame::opcode::text);
    s.close(hdl, websocketpp::close::status::normal, "done");
  });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.healthy_uptime = 5s;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.closes.size() >= 3; }));
  std::lock_guard lock(log.mutex);
  EXPECT_GE(log.frames.size(), 3u);
  EXPECT_EQ(log.closes[0].second.retry_in, 50ms);
  EXPECT_EQ(log.closes[1].second.retry_in, 100ms);
  EXPECT_EQ(log.closes[2].second.retry_in, 200ms);
}

TEST(WsClient, BackoffRestartsAfterAConnectionThatStayedUp) {
  // Each connection lives longer than healthy_uptime before the server closes it.
  PlainServer server([](Server& s, Hdl hdl) {
    s.set_timer(300, [&s, hdl](const websocketpp::lib::error_code&) {
      websocketpp::lib::error_code ignored;
      s.close(hdl, websocketpp::close::status::normal, "done", ignored);
    });
  });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.healthy_uptime = 200ms;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.closes.size() >= 3; }));
  std::lock_guard lock(log.mutex);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(log.closes[i].second.retry_in, 50ms);
}

TEST(WsClient, RefusedPortIsReportedAndStopEndsTheBackoffWait) {
  ClientLog log;
  auto config = test_config(ws_url(refused_port()));
  config.backoff.initial = 10s;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return !log.failures.empty(); }));
  {
    std::lock_guard lock(log.mutex);
    EXPECT_NE(log.failures[0].error.find("refused"), std::string::npos) << log.failures[0].error;
    EXPECT_EQ(log.failures[0].retry_in, 10s);
  }
  rc.client.stop();
  EXPECT_TRUE(rc.returns_within(1s));
  EXPECT_EQ(rc.client.stats().connect_failures, 1u);
  EXPECT_EQ(rc.client.stats().connects, 0u);
}

TEST(WsClient, ConnectTimeoutWhenTheServerNeverAnswersTheUpgrade) {
  asio::io_context io;  // listens but never accepts: TCP connects, the upgrade never completes
  asio::ip::tcp::acceptor silent(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  ClientLog log;
  auto config = test_config(ws_url(silent.local_endpoint().port()));
  config.connect_timeout = 300ms;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.failures.size() >= 2; }));
  std::lock_guard lock(log.mutex);
  EXPECT_NE(log.failures[0].error.find("connect timed out after 300 ms"), std::string::npos)
      << log.failures[0].error;
  EXPECT_EQ(log.failures[0].retry_in, 50ms);
  EXPECT_EQ(log.failures[1].retry_in, 100ms);
}

TEST(WsClient, UnresolvableHostIsReportedAndRetried) {
  ClientLog log;
  // A first label of 64 characters, one more than DNS allows: the resolver fails it locally,
  // without a query leaving the machine (tests talk to loopback only).
  const std::string host = std::string(64, 'x') + ".invalid";
  auto config = test_config("ws://" + host + ":9443/ws");
  config.connect_timeout = 2s;  // bounds the test where DNS hangs instead of failing
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.failures.size() >= 2; }));
  std::lock_guard lock(log.mutex);
  EXPECT_NE(log.failures[0].error.find(host), std::string::npos) << log.failures[0].error;
  EXPECT_EQ(log.failures[0].retry_in, 50ms);
  EXPECT_EQ(log.failures[1].retry_in, 100ms);
  EXPECT_TRUE(log.opens.empty());
}

TEST(WsClient, InvalidUrlIsReportedAndRunReturns) {
  for (const std::string url : {"http://127.0.0.1:1/ws", "not a url", ""}) {
    ClientLog log;
    RunningClient rc(test_config(url), log.events());
    rc.start();
    EXPECT_TRUE(rc.returns_within(2s)) << url;
    std::lock_guard lock(log.mutex);
    ASSERT_EQ(log.failures.size(), 1u) << url;
    EXPECT_EQ(log.failures[0].retry_in, 0ms);
    EXPECT_FALSE(log.failures[0].error.empty());
  }
}

TEST(WsClient, ConnectionIsClosedAndReconnectedAtMaxAgeWithoutRollover) {
  PlainServer server(
      [](Server& s, Hdl hdl) { s.send(hdl, "x", websocketpp::frame::opcode::text); });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_connection_age = 300ms;
  config.rollover = false;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }));
  std::lock_guard lock(log.mutex);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::max_age);
  EXPECT_EQ(log.closes[0].second.code, 1000);  // the server echoed our close frame
}

TEST(WsClient, ReconnectNowFromAFrameCallback) {
  PlainServer server(
      [](Server& s, Hdl hdl) { s.send(hdl, "gap!", websocketpp::frame::opcode::text); });
  ClientLog log;
  WsClient* self = nullptr;
  RunningClient rc(test_config(ws_url(server.port())), log.events([&](const ClientLog::Frame& f) {
    if (f.conn_id == 1) self->reconnect_now("sequence gap");
  }));
  self = &rc.client;
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }));
  {
    std::lock_guard lock(log.mutex);
    EXPECT_EQ(log.closes[0].second.cause, CloseCause::requested);
    EXPECT_EQ(log.closes[0].second.reason, "sequence gap");
    EXPECT_EQ(log.closes[0].second.retry_in, 50ms);  // it delivered a frame: backoff restarted
  }
  ASSERT_TRUE(server.wait_for([&] { return !server.close_codes().empty(); }));
  EXPECT_EQ(server.close_codes()[0], 1000);
}

// A many-stream connection's stream set changed (live SUBSCRIBE/UNSUBSCRIBE): set_url makes the
// next connect name the new set, while the open connection keeps the URL it opened with.
TEST(WsClient, SetUrlIsUsedByTheNextConnect) {
  std::mutex mutex;
  std::condition_variable resources_grew;
  std::vector<std::string> resources;
  PlainServer server([&](Server& s, Hdl hdl) {
    {
      std::lock_guard lock(mutex);
      resources.push_back(s.get_con_from_hdl(hdl)->get_resource());
      resources_grew.notify_all();
    }
    s.send(hdl, "hello", websocketpp::frame::opcode::text);
  });
  ClientLog log;
  WsClient* self = nullptr;
  RunningClient rc(test_config(ws_url(server.port())), log.events([&](const ClientLog::Frame& f) {
    if (f.conn_id != 1) return;
    self->set_url("ws://127.0.0.1:" + std::to_string(server.port()) + "/stream?streams=a/b");
    self->reconnect_now("stream set changed");
  }));
  self = &rc.client;
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }));
  // The client may see its second open before the server's open handler has run.
  std::unique_lock lock(mutex);
  ASSERT_TRUE(resources_grew.wait_for(lock, 10s, [&] { return resources.size() >= 2; }));
  EXPECT_EQ(resources[0], "/ws");
  EXPECT_EQ(resources[1], "/stream?streams=a/b");
}

TEST(WsClient, StopFromAnotherThreadClosesWith1000) {
  PlainServer server(
      [](Server& s, Hdl hdl) { s.send(hdl, "hello", websocketpp::frame::opcode::text); });
  ClientLog log;
  RunningClient rc(test_config(ws_url(server.port())), log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return !log.frames.empty(); }));
  rc.client.stop();
  rc.client.stop();  // idempotent
  EXPECT_TRUE(rc.returns_within(1500ms));
  ASSERT_TRUE(server.wait_for([&] { return !server.close_codes().empty(); }));
  EXPECT_EQ(server.close_codes()[0], 1000);
  std::lock_guard lock(log.mutex);
  ASSERT_EQ(log.closes.size(), 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::stopped);
  EXPECT_EQ(log.closes[0].second.retry_in, 0ms);
}

TEST(WsClient, StopBeforeRunMakesRunReturnAtOnce) {
  ClientLog log;
  RunningClient rc(test_config(ws_url(refused_port())), log.events());
  rc.client.stop();
  rc.start();
  EXPECT_TRUE(rc.returns_within(1s));
  std::lock_guard lock(log.mutex);
  EXPECT_TRUE(log.failures.empty());
}

TEST(WsClient, OversizedMessageDropsTheConnectionUndelivered) {
  PlainServer server([](Server& s, Hdl hdl) {
    s.send(hdl, std::string(2000, 'a'), websocketpp::frame::opcode::text);
  });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_message_bytes = 1024;
  config.reconnect = false;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(rc.returns_within(5s));
  std::lock_guard lock(log.mutex);
  EXPECT_TRUE(log.frames.empty());
  ASSERT_EQ(log.closes.size(), 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::network_error);
  EXPECT_NE(log.closes[0].second.reason.find("too large"), std::string::npos)
      << log.closes[0].second.reason;
}

TEST(WsClient, TenMegabyteFrameIsDeliveredUnderTheDefaultCap) {
  PlainServer server([](Server& s, Hdl hdl) {
    s.send(hdl, std::string(10u << 20, 'z'), websocketpp::frame::opcode::text);
  });
  ClientLog log;
  RunningClient rc(test_config(ws_url(server.port())), log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return !log.frames.empty(); }));
  EXPECT_EQ(rc.client.stats().bytes, 10u << 20);
}

TEST(WsClient, TimersAndPostRunOnTheNetworkThread) {
  ClientLog log;
  auto config = test_config(ws_url(refused_port()));
  config.backoff.initial = 10s;
  RunningClient rc(config, log.events());
  WsClient& client = rc.client;
  std::mutex mutex;
  std::condition_variable cv;
  int one_shots = 0, ticks = 0, cancelled_fired = 0;
  std::thread::id network_thread, posted_on;
  auto bump = [&](int& counter) {
    std::lock_guard lock(mutex);
    ++counter;
    network_thread = std::this_thread::get_id();
    cv.notify_all();
  };
  // Before run() the caller is the only thread touching the client, so this is allowed.
  client.schedule(20ms, [&] { bump(one_shots); });
  const std::uint64_t doomed = client.schedule(30ms, [&] { bump(cancelled_fired); });
  EXPECT_TRUE(client.cancel(doomed));
  EXPECT_FALSE(client.cancel(doomed));
  std::uint64_t every = 0;
  every = client.schedule_every(10ms, [&] {
    bump(ticks);
    if (ticks == 3) {
      EXPECT_TRUE(client.cancel(every));  // a periodic timer may cancel itself
    }
  });
  client.schedule(200ms, [&] { bump(one_shots); });
  rc.start();
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return one_shots == 2; }));
  EXPECT_EQ(ticks, 3);
  EXPECT_EQ(cancelled_fired, 0);
  lock.unlock();
  client.post([&] {
    std::lock_guard guard(mutex);
    posted_on = std::this_thread::get_id();
    cv.notify_all();
  });
  lock.lock();
  ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return posted_on != std::thread::id(); }));
  EXPECT_EQ(posted_on, network_thread);
  EXPECT_NE(posted_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace depthrec::transport
