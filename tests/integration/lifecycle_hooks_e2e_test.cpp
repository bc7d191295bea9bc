// The library's LifecycleHooks (what depthrec's systemd notifier is built on), in-process against
// depthsim: first_synced comes once, after the book synced; the heartbeat runs on the network
// thread, so a network thread held up (here: by a slow callback) holds the heartbeat up too, which
// is what lets systemd's watchdog restart a frozen recorder.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "depthrec/recorder.hpp"
#include "e2e_support.hpp"

namespace itest {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(LifecycleHooks, HeartbeatRunsOnTheNetworkThreadAndStopsWhileItIsHeld) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200"});
  const std::string dir = make_temp_dir("lifecycle");
  depthrec::RecorderConfig config;
  config.symbol = "BTCUSDT";
  config.depth_levels = 0;
  config.ws_endpoint = sim.ws_endpoint();
  config.rest_endpoint = sim.rest_endpoint();
  config.ca_file = sim.ca_file();
  config.write_files = false;
  config.log_dir = dir + "/logs";
  config.print_summary = false;
  depthrec::Recorder recorder(config);

  std::mutex mutex;
  std::vector<SteadyClock::time_point> beats;
  std::atomic<int> synced_calls{0};
  std::atomic<bool> book_synced_then{false};
  std::atomic<std::thread::id> beat_thread{};
  std::atomic<std::thread::id> callback_thread{};
  std::atomic<bool> hold{false};  // the next callback blocks the network thread for kHeld
  constexpr milliseconds kPeriod{50};
  constexpr milliseconds kHeld{600};

  depthrec::LifecycleHooks hooks;
  hooks.first_synced = [&] {
    ++synced_calls;
    book_synced_then = recorder.metrics().book.synced;
  };
  hooks.heartbeat_period = kPeriod;
  hooks.heartbeat = [&] {
    beat_thread = std::this_thread::get_id();
    std::lock_guard<std::mutex> lock(mutex);
    beats.push_back(SteadyClock::now());
  };
  recorder.set_lifecycle_hooks(std::move(hooks));
  recorder.on_update([&](const depthrec::BookUpdate&) {
    callback_thread = std::this_thread::get_id();
    if (hold.exchange(false)) std::this_thread::sleep_for(kHeld);
  });
  const auto beat_count = [&] {
    std::lock_guard<std::mutex> lock(mutex);
    return beats.size();
  };
  recorder.start();
  ASSERT_TRUE(wait_until([&] { return synced_calls.load() == 1 && beat_count() >= 5; },
                         std::chrono::seconds(30)));
  EXPECT_TRUE(book_synced_then.load()) << "first_synced after the book synced";
  EXPECT_EQ(beat_thread.load(), callback_thread.load()) << "the heartbeat is the network thread's";

  const std::size_t before_hold = beat_count();
  hold = true;
  ASSERT_TRUE(wait_until([&] { return !hold.load() && beat_count() >= before_hold + 5; },
                         std::chrono::seconds(10)));
  recorder.stop();
  EXPECT_EQ(synced_calls.load(), 1) << "once";

  double longest_ms = 0;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (std::size_t i = before_hold; i < beats.size(); ++i)
      longest_ms = std::max(
          longest_ms, std::chrono::duration<double, std::milli>(beats[i] - beats[i - 1]).count());
  }
  // The held callback kept the loop from running its timer for kHeld: one interval covers it.
  EXPECT_GE(longest_ms, static_cast<double>(kHeld.count()) - 1.0);
  report_figure("heartbeat every 50 ms: longest interval while the network thread was held 600 ms",
                longest_ms);
}

}  // namespace
}  // namespace itest
