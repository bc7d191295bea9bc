// WsClient's make-before-break rollover against an in-test websocketpp server on 127.0.0.1
// (port from the OS): successor opened at max age, both connections delivering, retire(), and
// the fallbacks to close-and-reconnect.
#include <gtest/gtest.h>

#include <mutex>

#include "test_ws_server.hpp"
#include "transport/ws_client.hpp"
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

// Server side: each new connection gets "hello <n>"; from the second on, every connection
// opened before it also gets "still <n>", so the old connection demonstrably keeps delivering
// after the successor opened. Runs on the server thread only.
struct Greeter {
  std::vector<Hdl> open;
  void operator()(Server& s, Hdl hdl) {
    open.push_back(hdl);
    const std::string n = std::to_string(open.size());
    s.send(hdl, "hello " + n, websocketpp::frame::opcode::text);
    for (std::size_t i = 0; i + 1 < open.size(); ++i) {
      websocketpp::lib::error_code ec;  // an older one may be closed by now
      s.send(open[i], "still " + n, websocketpp::frame::opcode::text, ec);
    }
  }
};

TEST(WsRollover, SuccessorOpensWhileTheOldConnectionDeliversAndTakesOverOnRetire) {
  auto greeter = std::make_shared<Greeter>();
  PlainServer server([greeter](Server& s, Hdl hdl) { (*greeter)(s, hdl); });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_connection_age = 300ms;
  WsClient* self = nullptr;
  bool retired = false;  // network thread only
  // The user retires the old connection once the successor has delivered something and the old
  // one delivered while the successor was open (what the session's join does with real events).
  std::uint64_t successor = 0;
  bool old_after_successor = false, successor_frame = false;
  auto maybe_retire = [&] {
    if (!retired && old_after_successor && successor_frame) {
      retired = true;
      EXPECT_TRUE(self->retire(1, "rolled over"));
      EXPECT_FALSE(self->retire(1, "twice")) << "conn 1 is no longer the current connection";
    }
  };
  RunningClient rc(config, log.events(
                               [&](const ClientLog::Frame& f) {
                                 // "still 2": sent on conn 1 after the server opened conn 2.
                                 if (f.conn_id == 1 && f.payload == "still 2")
                                   old_after_successor = true;
                                 if (successor != 0 && f.conn_id == successor)
                                   successor_frame = true;
                                 maybe_retire();
                               },
                               {}, [&](std::uint64_t id, std::uint64_t) { successor = id; }));
  self = &rc.client;
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return !log.closes.empty(); }, 10s));
  std::lock_guard lock(log.mutex);
  ASSERT_FALSE(log.successors.empty());
  EXPECT_EQ(log.successors[0], (std::pair<std::uint64_t, std::uint64_t>{2, 1}));
  EXPECT_EQ(log.opens, std::vector<std::uint64_t>{1}) << "a successor is not a new on_open";
  EXPECT_EQ(log.closes[0].first, 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::rolled_over);
  EXPECT_EQ(log.closes[0].second.retry_in, 0ms) << "no reconnect follows a rollover";
  EXPECT_TRUE(log.rollover_failures.empty());
  // Frames carry the connection they came from; the old one delivered after the successor opened.
  bool saw_hello2_on_2 = false, saw_still2_on_1 = false;
  for (const auto& f : log.frames) {
    if (f.payload == "hello 2") saw_hello2_on_2 = f.conn_id == 2;
    if (f.payload == "still 2") saw_still2_on_1 = f.conn_id == 1;
  }
  EXPECT_TRUE(saw_hello2_on_2);
  EXPECT_TRUE(saw_still2_on_1);
  const WsClientStats stats = rc.client.stats();
  EXPECT_GE(stats.rollovers, 1u);
  EXPECT_EQ(stats.reconnects, 0u);
  EXPECT_EQ(stats.rollover_fallbacks, 0u);
  EXPECT_TRUE(server.wait_for([&] { return !server.close_codes().empty(); }));
}

TEST(WsRollover, SuccessorRefusedFallsBackToCloseAndReconnect) {
  // The second handshake (the successor) is refused with HTTP 403; the rest are accepted.
  PlainServer server([](Server& s, Hdl hdl) { s.send(hdl, "x", websocketpp::frame::opcode::text); },
                     {}, [](int n) { return n != 2; });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_connection_age = 300ms;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }, 10s));
  std::lock_guard lock(log.mutex);
  ASSERT_GE(log.rollover_failures.size(), 1u);
  EXPECT_EQ(log.rollover_failures[0].first, 0u) << "the successor never opened";
  EXPECT_NE(log.rollover_failures[0].second.find("successor failed to connect"), std::string::npos)
      << log.rollover_failures[0].second;
  EXPECT_TRUE(log.successors.empty());
  ASSERT_FALSE(log.closes.empty());
  EXPECT_EQ(log.closes[0].first, 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::max_age);
  EXPECT_GT(log.closes[0].second.retry_in, 0ms);
  EXPECT_EQ(log.opens[1], 2u);
  const WsClientStats stats = rc.client.stats();
  EXPECT_GE(stats.rollover_fallbacks, 1u);
  EXPECT_EQ(stats.rollovers, 0u);
  EXPECT_GE(stats.reconnects, 1u);
}

TEST(WsRollover, SuccessorThatIsNotRetiredInTimeIsDroppedAndTheOldOneReconnects) {
  PlainServer server(
      [](Server& s, Hdl hdl) { s.send(hdl, "x", websocketpp::frame::opcode::text); });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_connection_age = 300ms;
  config.rollover_timeout = 200ms;
  RunningClient rc(config, log.events());  // nobody calls retire()
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }, 10s));
  std::lock_guard lock(log.mutex);
  ASSERT_GE(log.successors.size(), 1u);
  EXPECT_EQ(log.successors[0], (std::pair<std::uint64_t, std::uint64_t>{2, 1}));
  ASSERT_GE(log.rollover_failures.size(), 1u);
  EXPECT_EQ(log.rollover_failures[0].first, 2u);
  EXPECT_NE(log.rollover_failures[0].second.find("did not take over within 200 ms"),
            std::string::npos);
  ASSERT_FALSE(log.closes.empty());
  EXPECT_EQ(log.closes[0].first, 1u) << "the dropped successor has no on_close";
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::max_age);
  EXPECT_EQ(log.opens[1], 3u) << "the reconnect gets the next id";
  for (const auto& [id, info] : log.closes) EXPECT_NE(id, 2u);
  EXPECT_GE(rc.client.stats().rollover_fallbacks, 1u);
}

TEST(WsRollover, AbandonSuccessorCutsTheOldConnectionWithoutARolloverFailureCallback) {
  PlainServer server(
      [](Server& s, Hdl hdl) { s.send(hdl, "x", websocketpp::frame::opcode::text); });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_connection_age = 300ms;
  WsClient* self = nullptr;
  RunningClient rc(config, log.events({}, {}, [&](std::uint64_t id, std::uint64_t) {
    EXPECT_FALSE(self->abandon_successor(id + 1, "not this one"));
    EXPECT_TRUE(self->abandon_successor(id, "no join"));
  }));
  self = &rc.client;
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }, 10s));
  std::lock_guard lock(log.mutex);
  EXPECT_TRUE(log.rollover_failures.empty());
  EXPECT_EQ(log.closes[0].first, 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::max_age);
  EXPECT_NE(log.closes[0].second.reason.find("no join"), std::string::npos);
  EXPECT_GE(rc.client.stats().rollover_fallbacks, 1u);
}

TEST(WsRollover, OldConnectionEndingDuringTheRolloverDropsTheSuccessorAndReconnects) {
  // When the second connection (the successor) opens, the server closes the first (1001, as an
  // exchange's own age cut would): no takeover can follow, the client reconnects as usual.
  auto open = std::make_shared<std::vector<Hdl>>();  // server thread only
  PlainServer server([open](Server& s, Hdl hdl) {
    open->push_back(hdl);
    s.send(hdl, "x", websocketpp::frame::opcode::text);
    if (open->size() == 2) s.close(open->front(), 1001, "max connection age");
  });
  ClientLog log;
  auto config = test_config(ws_url(server.port()));
  config.max_connection_age = 300ms;
  RunningClient rc(config, log.events());
  rc.start();
  ASSERT_TRUE(log.wait_for([&] { return log.opens.size() >= 2; }, 10s));
  std::lock_guard lock(log.mutex);
  // The client usually sees the successor open before the old connection's close; if the close
  // comes first, the successor is dropped while still connecting (id 0, no id used).
  const std::uint64_t successor = log.successors.empty() ? 0 : 2;
  if (successor != 0) {
    EXPECT_EQ(log.successors[0], (std::pair<std::uint64_t, std::uint64_t>{2, 1}));
  }
  ASSERT_GE(log.rollover_failures.size(), 1u);
  EXPECT_EQ(log.rollover_failures[0].first, successor);
  EXPECT_NE(log.rollover_failures[0].second.find("old connection ended"), std::string::npos);
  ASSERT_FALSE(log.closes.empty());
  EXPECT_EQ(log.closes[0].first, 1u);
  EXPECT_EQ(log.closes[0].second.cause, CloseCause::remote_close);
  EXPECT_EQ(log.closes[0].second.code, 1001);
  EXPECT_GT(log.closes[0].second.retry_in, 0ms);
  EXPECT_EQ(log.opens[1], successor == 0 ? 2u : 3u) << "the reconnect gets the next unused id";
  if (successor != 0) {
    for (const auto& [id, info] : log.closes) EXPECT_NE(id, 2u) << "dropped: no on_close";
  }
  const WsClientStats stats = rc.client.stats();
  EXPECT_GE(stats.rollover_fallbacks, 1u);
  EXPECT_EQ(stats.rollovers, 0u);
}

}  // namespace
}  // namespace depthrec::transport
