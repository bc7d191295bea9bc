// Many connections on one event loop (issue 12, item 3): WsClients sharing one NetworkLoop on one
// thread against depthsim, each on its own symbol's stream. One connection is dropped by the
// simulator (fault `drop` on that connection only): it reconnects alone, with its own backoff,
// while the others keep delivering on the same thread, counted per connection.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>

#include "e2e_support.hpp"
#include "transport/network_loop.hpp"
#include "transport/ws_client.hpp"

namespace itest::shared_loop_e2e_test {
namespace {

using namespace std::chrono_literals;
namespace transport = depthrec::transport;

// What one connection saw; written on the loop thread, read by the test thread.
struct ConnectionCounts {
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> opens{0};
  std::atomic<std::uint64_t> closes{0};
};

template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// The simulator's number for the open connection whose resource names `symbol`'s stream.
std::uint64_t sim_connection_of(const Simulator& sim, const std::string& stream) {
  const auto stats = sim.stats();
  if (!stats.IsObject() || !stats.HasMember("connections")) return 0;
  for (const auto& conn : stats["connections"].GetArray()) {
    if (!conn["open"].GetBool()) continue;
    if (std::string(conn["resource"].GetString()).find(stream) != std::string::npos)
      return conn["id"].GetUint64();
  }
  return 0;
}

TEST(SharedLoopE2E, ThreeConnectionsOnOneLoopOneDroppedReconnectsAloneOthersKeepDelivering) {
  const std::array<std::string, 3> symbols{"BTCUSDT", "ETHUSDT", "SOLUSDT"};
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--rate", "200",
                 "--seed", "12"});
  transport::NetworkLoop loop;
  std::array<ConnectionCounts, 3> counts;
  std::vector<std::unique_ptr<transport::WsClient>> clients;
  std::atomic<std::thread::id> frame_thread{};
  std::atomic<bool> other_thread{false};
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    transport::WsClientConfig config;
    std::string lower = symbols[i];
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    config.url = sim.ws_endpoint() + "/stream?streams=" + lower + "@depth@100ms";
    config.ca_file = sim.ca_file();
    config.backoff.initial = 100ms;
    config.jitter_seed = 7 + i;
    transport::WsEvents events;
    ConnectionCounts& c = counts[i];
    events.on_open = [&c](std::uint64_t) { ++c.opens; };
    events.on_close = [&c](std::uint64_t, const transport::CloseInfo&) { ++c.closes; };
    events.on_frame = [&](std::uint64_t, std::string_view, bool, std::int64_t) {
      // Every connection's frames come on the one loop thread.
      std::thread::id expected{};
      if (!frame_thread.compare_exchange_strong(expected, std::this_thread::get_id()) &&
          expected != std::this_thread::get_id())
        other_thread = true;
      ++c.frames;
    };
    clients.push_back(std::make_unique<transport::WsClient>(loop, config, std::move(events)));
    clients.back()->start();
  }
  std::thread network([&] { loop.run(); });

  const auto all_delivering = [&](std::uint64_t at_least) {
    return wait_until([&] {
      for (const auto& c : counts)
        if (c.frames.load() < at_least) return false;
      return true;
    });
  };
  ASSERT_TRUE(all_delivering(20)) << "every connection delivers on the shared loop";
  const std::uint64_t victim = sim_connection_of(sim, "ethusdt@depth");
  ASSERT_NE(victim, 0u);

  std::array<std::uint64_t, 3> before{};
  for (std::size_t i = 0; i < 3; ++i) before[i] = counts[i].frames.load();
  const auto drop_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(sim.get("/sim/fault?kind=drop&conn=" + std::to_string(victim)));
  ASSERT_TRUE(wait_until([&] { return counts[1].opens.load() == 2; }))
      << "the dropped connection reconnects";
  const double reconnect_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - drop_at).count();
  const std::uint64_t after_reconnect = counts[1].frames.load();
  ASSERT_TRUE(wait_until([&] { return counts[1].frames.load() >= after_reconnect + 20; }))
      << "the reconnected connection delivers again";
  // The others were not disturbed: one open each, no close, and they delivered all along.
  for (std::size_t i : {0u, 2u}) {
    EXPECT_EQ(counts[i].opens.load(), 1u) << symbols[i];
    EXPECT_EQ(counts[i].closes.load(), 0u) << symbols[i];
    EXPECT_GT(counts[i].frames.load(), before[i] + 20) << symbols[i];
  }
  EXPECT_EQ(counts[1].closes.load(), 1u);
  EXPECT_FALSE(other_thread.load());
  for (std::size_t i = 0; i < 3; ++i) {
    const auto stats = clients[i]->stats();
    EXPECT_EQ(stats.frames, counts[i].frames.load()) << "per-client counters";
    report_figure(symbols[i] + " frames / connects",
                  std::to_string(stats.frames) + " / " + std::to_string(stats.connects));
  }
  report_figure("dropped connection reconnected after (ms)", reconnect_ms);

  // Stopping one client leaves the others delivering on the same loop.
  clients[0]->stop();
  ASSERT_TRUE(wait_until([&] { return clients[0]->finished(); }));
  const std::uint64_t eth = counts[1].frames.load(), sol = counts[2].frames.load();
  ASSERT_TRUE(wait_until(
      [&] { return counts[1].frames.load() > eth + 10 && counts[2].frames.load() > sol + 10; }));
  EXPECT_FALSE(clients[1]->finished());

  for (auto& client : clients) client->stop();
  ASSERT_TRUE(wait_until([&] {
    for (auto& client : clients)
      if (!client->finished()) return false;
    return true;
  }));
  loop.stop();
  network.join();
  EXPECT_TRUE(wait_until([&] { return sim_connection_of(sim, "@depth") == 0; }))
      << "every connection closed";
}

}  // namespace
}  // namespace itest::shared_loop_e2e_test
