// NetworkLoop and WsClients sharing it (issue 12): timers and posted work on one thread, and
// clients on one loop that start, stop and reconnect independently (in-test plain ws server).
#include "transport/network_loop.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "test_ws_server.hpp"
#include "transport/ws_client.hpp"
#include "ws_test_support.hpp"

namespace depthrec::transport {
namespace {

using namespace std::chrono_literals;
using test::ClientLog;
using test::test_config;
using test::ws_url;
using PlainServer = test::WsTestServer<test::PlainServerConfig>;

TEST(NetworkLoop, RunsPostedWorkAndTimersOnItsThreadUntilStopped) {
  NetworkLoop loop;
  std::promise<std::thread::id> posted, fired;
  std::atomic<int> periodic{0};
  loop.post([&] { posted.set_value(std::this_thread::get_id()); });
  const std::uint64_t cancelled =
      loop.schedule(5ms, [] { ADD_FAILURE() << "cancelled timer ran"; });
  EXPECT_TRUE(loop.cancel(cancelled));
  std::uint64_t every = 0;
  every = loop.schedule_every(1ms, [&] {
    if (++periodic == 3) {
      loop.cancel(every);
      loop.schedule(1ms, [&] { fired.set_value(std::this_thread::get_id()); });
    }
  });
  std::thread runner([&] { loop.run(); });
  auto fired_on = fired.get_future();
  ASSERT_EQ(fired_on.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(posted.get_future().get(), runner.get_id());
  EXPECT_EQ(fired_on.get(), runner.get_id());
  EXPECT_EQ(periodic.load(), 3);
  loop.stop();
  runner.join();
  loop.run();  // after stop(): returns at once
}

TEST(NetworkLoop, StoppingOneClientLeavesTheOtherConnectedOnTheSameLoop) {
  PlainServer server([](PlainServer::Server& s, PlainServer::Hdl hdl) {
    s.send(hdl, "hello", websocketpp::frame::opcode::text);
  });
  NetworkLoop loop;
  ClientLog log_a, log_b;
  WsClient a(loop, test_config(ws_url(server.port())), log_a.events());
  WsClient b(loop, test_config(ws_url(server.port())), log_b.events());
  a.start();
  b.start();
  std::thread runner([&] { loop.run(); });
  ASSERT_TRUE(log_a.wait_for([&] { return !log_a.frames.empty(); }));
  ASSERT_TRUE(log_b.wait_for([&] { return !log_b.frames.empty(); }));
  EXPECT_EQ(log_a.frames.front().payload, "hello");

  a.stop();
  ASSERT_TRUE(log_a.wait_for([&] { return !log_a.closes.empty(); }));
  EXPECT_EQ(log_a.closes.front().second.cause, CloseCause::stopped);
  // a finishes in the handler that reported its close: work posted after it sees the end.
  std::promise<bool> a_finished;
  loop.post([&] { a_finished.set_value(a.finished()); });
  EXPECT_TRUE(a_finished.get_future().get());
  EXPECT_FALSE(b.finished());
  // b still sends on the loop that a left, and the server gets it.
  std::promise<bool> sent;
  loop.post([&] { sent.set_value(b.send_text("from b")); });
  EXPECT_TRUE(sent.get_future().get());
  ASSERT_TRUE(server.wait_for(
      [&] { return !server.messages().empty() && server.messages().back() == "from b"; }));
  EXPECT_TRUE(log_b.closes.empty());
  EXPECT_EQ(b.stats().connects, 1u);
  EXPECT_EQ(a.stats().connects, 1u);

  b.stop();
  ASSERT_TRUE(log_b.wait_for([&] { return !log_b.closes.empty(); }));
  loop.stop();
  runner.join();
}

}  // namespace
}  // namespace depthrec::transport
