// The library use: a Recorder on a background thread feeding a callback, as the seed's OFI users
// run it; metrics read from another thread; stop from another thread and from the callback; the
// lifecycle hooks a service manager uses (first sync, heartbeat on the network thread).
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "depthrec/recorder.hpp"
#include "e2e_support.hpp"

namespace itest::library_api_test {
namespace {

depthrec::RecorderConfig config_for(const Simulator& sim, bool write_files,
                                    const std::string& dir) {
  depthrec::RecorderConfig config;
  config.symbol = "BTCUSDT";
  config.depth_levels = 0;
  config.ws_endpoint = sim.ws_endpoint();
  config.rest_endpoint = sim.rest_endpoint();
  config.ca_file = sim.ca_file();
  config.write_files = write_files;
  config.data_dir = dir + "/data";
  config.log_dir = dir + "/logs";
  config.print_summary = false;
  config.print_interval_sec = 1;
  return config;
}

TEST(LibraryApi, CallbackSeesEverySyncedUpdateInOrderAndStopWorksFromAnotherThread) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "1000", "--events", "500",
                 "--start-on-subscribe"});
  depthrec::Recorder recorder(config_for(sim, false, make_temp_dir("library")));
  std::atomic<std::uint64_t> calls{0};
  std::atomic<int> out_of_order{0};
  std::atomic<int> crossed{0};
  std::atomic<std::uint64_t> last_u{0};
  recorder.on_update([&](const depthrec::BookUpdate& update) {
    ++calls;
    if (!update.book_synced) return;
    if (last_u != 0 && update.update.prev_final_id != last_u) ++out_of_order;
    if (update.book.crossed()) ++crossed;
    last_u = update.update.final_id;
  });
  EXPECT_TRUE(recorder.stream_reports().empty()) << "nothing to report before the run";
  recorder.start();
  EXPECT_TRUE(recorder.running());
  ASSERT_TRUE(wait_until([&] { return recorder.metrics().run.counters.messages >= 500; },
                         std::chrono::seconds(30)));
  // One stream, on the one connection, with the callback's cost in its histogram's buckets.
  const std::vector<depthrec::StreamReport> reports = recorder.stream_reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].snapshot.key.symbol, "BTCUSDT");
  EXPECT_EQ(reports[0].connection, 0u);
  EXPECT_EQ(reports[0].snapshot.run.counters.messages, 500u);
  EXPECT_LE(reports[0].snapshot.run_buckets.callback_ns.back(),
            reports[0].snapshot.run.callback_ns.count);
  std::thread stopper([&] { recorder.stop(); });
  stopper.join();
  EXPECT_FALSE(recorder.running());

  const depthrec::MetricsSnapshot metrics = recorder.metrics();
  EXPECT_EQ(metrics.run.counters.messages, 500u);
  EXPECT_EQ(metrics.run.counters.breaks, 0u);
  // Events buffered before the initial sync are applied at the join without a callback of their
  // own; every event after it calls back once, in order. How many are buffered depends on the
  // snapshot's latency: ~100 at 1000 events/s under ASan on a busy machine, so the bound is loose.
  EXPECT_GT(calls.load(), 250u);
  EXPECT_LE(calls.load(), 500u);
  EXPECT_EQ(out_of_order.load(), 0);
  EXPECT_EQ(crossed.load(), 0);
  EXPECT_EQ(metrics.run.callback_ns.count, calls.load())
      << "the callback's cost is measured for each call";
  EXPECT_EQ(last_u.load(), metrics.book.last_update_id);
  EXPECT_TRUE(metrics.book.synced);
  EXPECT_TRUE(recorder.last_error().empty());
  const auto& cost = metrics.run.callback_ns;
  report_figure("callbacks / events", std::to_string(calls.load()) + " / " +
                                          std::to_string(metrics.run.counters.messages));
  report_figure("callback cost ns p50 / p99 / max (mean) at 1,000 ev/s",
                std::to_string(cost.p50) + " / " + std::to_string(cost.p99) + " / " +
                    std::to_string(cost.max) + " (" + std::to_string(cost.mean) + ")");
}

// A Recorder given a list of subscriptions records them all in one process; the callback names
// each update's stream (BookUpdate::key), each book's updates chain in order on their own, and
// metrics() is the aggregate over the streams.
TEST(LibraryApi, ARecorderOfManySubscriptionsCallsBackWithEachUpdatesKey) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT", "--rate", "500", "--events",
                 "300", "--start-on-subscribe"});
  depthrec::RecorderConfig config = config_for(sim, false, make_temp_dir("library"));
  config.subscriptions = depthrec::subscriptions_of(
      config, {{depthrec::Market::usdm, "BTCUSDT"}, {depthrec::Market::usdm, "ETHUSDT"}});
  depthrec::Recorder recorder(config);
  std::map<std::string, std::uint64_t> last_u;  // by stream name, on the network thread
  std::atomic<int> out_of_order{0};
  std::atomic<int> wrong_symbol{0};
  recorder.on_update([&](const depthrec::BookUpdate& update) {
    if (update.update.symbol != update.key.symbol) ++wrong_symbol;
    if (!update.book_synced) return;
    std::uint64_t& last = last_u[update.key.stream];
    if (last != 0 && update.update.prev_final_id != last) ++out_of_order;
    last = update.update.final_id;
  });
  recorder.start();
  ASSERT_TRUE(wait_until([&] { return recorder.metrics().run.counters.messages >= 600; },
                         std::chrono::seconds(30)))
      << recorder.last_error();
  // Each stream apart, as /metrics reads them (Recorder::stream_reports).
  const std::vector<depthrec::StreamReport> reports = recorder.stream_reports();
  ASSERT_EQ(reports.size(), 2u);
  for (const depthrec::StreamReport& report : reports) {
    EXPECT_EQ(report.snapshot.run.counters.messages, 300u) << report.snapshot.key.symbol;
    EXPECT_FALSE(report.removed);
  }
  EXPECT_EQ(reports[0].connection, reports[1].connection) << "one connection carries both";
  recorder.stop();
  const depthrec::MetricsSnapshot metrics = recorder.metrics();
  EXPECT_EQ(metrics.run.counters.messages, 600u) << "300 events of each stream";
  EXPECT_EQ(metrics.run.counters.breaks, 0u);
  EXPECT_TRUE(metrics.book.synced) << "both books";
  ASSERT_EQ(last_u.size(), 2u);
  EXPECT_EQ(last_u.count("btcusdt@depth@100ms"), 1u);
  EXPECT_EQ(last_u.count("ethusdt@depth@100ms"), 1u);
  EXPECT_EQ(out_of_order.load(), 0);
  EXPECT_EQ(wrong_symbol.load(), 0);
  EXPECT_TRUE(recorder.last_error().empty()) << recorder.last_error();
}

// Consumers filtered by key (issue 12, item 7): three symbols in one Recorder; a queue filtered to
// ETHUSDT gets exactly ETHUSDT's updates, every one and in order (the same sequence an
// unfiltered callback sees of it); a callback filtered to BTCUSDT and SOLUSDT gets exactly
// those two streams' updates. The filters are resolved at start: the consumers are never called
// for another stream.
TEST(LibraryApi, ConsumersFilteredByKeyGetTheirStreamsOnlyEveryUpdateInOrder) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT,ETHUSDT,SOLUSDT", "--rate", "300",
                 "--events", "300", "--start-on-subscribe", "--fault", "gap@150/SOLUSDT"});
  depthrec::RecorderConfig config = config_for(sim, false, make_temp_dir("library"));
  using depthrec::Market;
  config.subscriptions = depthrec::subscriptions_of(
      config, {{Market::usdm, "BTCUSDT"}, {Market::usdm, "ETHUSDT"}, {Market::usdm, "SOLUSDT"}});
  depthrec::Recorder recorder(config);
  // Every update of every stream, as an unfiltered consumer sees them (network thread).
  std::map<std::string, std::vector<std::uint64_t>> all_updates;
  recorder.on_update([&](const depthrec::BookUpdate& update) {
    all_updates[update.key.symbol].push_back(update.update.final_id);
  });
  std::map<std::string, std::vector<std::uint64_t>> two_updates;
  recorder.on_update(
      [&](const depthrec::BookUpdate& update) {
        two_updates[update.key.symbol].push_back(update.update.final_id);
      },
      depthrec::KeyFilter{{Market::usdm, "BTCUSDT"}, {Market::usdm, "solusdt"}});
  auto eth_queue =
      recorder.subscribe_queue(100'000, 5, depthrec::KeyFilter{config.subscriptions[1]});
  ASSERT_EQ(config.subscriptions[1].symbol, "ETHUSDT");
  recorder.start();
  // 300 events of each symbol, but the one the gap swallowed; every book synced again after it.
  ASSERT_TRUE(wait_until(
      [&] {
        const depthrec::MetricsSnapshot m = recorder.metrics();
        return m.run.counters.messages >= 899 && m.book.synced;
      },
      std::chrono::seconds(30)))
      << recorder.last_error();
  recorder.stop();  // the queue is closed once every state is in it
  std::vector<std::uint64_t> eth_states;
  std::set<std::string> queue_keys;
  std::uint64_t previous_u = 0, chain_breaks = 0;
  while (auto state = eth_queue->pop(std::chrono::milliseconds(0))) {
    ASSERT_TRUE(state->key);
    queue_keys.insert(state->key->symbol);
    if (state->synced && previous_u != 0 && state->prev_final_id != previous_u) ++chain_breaks;
    previous_u = state->final_id;
    eth_states.push_back(state->final_id);
  }
  EXPECT_TRUE(eth_queue->closed());
  EXPECT_EQ(eth_queue->dropped(), 0u);
  EXPECT_EQ(queue_keys, std::set<std::string>{"ETHUSDT"});
  EXPECT_FALSE(eth_states.empty());
  EXPECT_EQ(eth_states, all_updates["ETHUSDT"]) << "every ETHUSDT update, in order";
  EXPECT_EQ(chain_breaks, 0u);
  ASSERT_EQ(two_updates.size(), 2u);
  EXPECT_EQ(two_updates["BTCUSDT"], all_updates["BTCUSDT"]);
  EXPECT_EQ(two_updates["SOLUSDT"], all_updates["SOLUSDT"]) << "its break and resync included";
  EXPECT_EQ(recorder.metrics().run.counters.breaks, 1u) << "the gap injected on SOLUSDT";
  report_figure("filtered consumers: ETHUSDT queue states / BTCUSDT+SOLUSDT callback updates / all",
                std::to_string(eth_states.size()) + " / " +
                    std::to_string(two_updates["BTCUSDT"].size() + two_updates["SOLUSDT"].size()) +
                    " / " +
                    std::to_string(all_updates["BTCUSDT"].size() + all_updates["ETHUSDT"].size() +
                                   all_updates["SOLUSDT"].size()));
}

// A filter naming a stream the Recorder does not subscribe is a mistake: start() says so rather
// than leave the consumer without updates. A single-symbol Recorder takes filters too.
TEST(LibraryApi, AFilterNamingAStreamNotSubscribedIsRefused) {
  Simulator sim(
      {"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "300", "--start-on-subscribe"});
  const std::string dir = make_temp_dir("library");
  using depthrec::Market;
  {
    depthrec::RecorderConfig config = config_for(sim, false, dir);
    config.subscriptions = depthrec::subscriptions_of(config, {{Market::usdm, "BTCUSDT"}});
    depthrec::Recorder recorder(config);
    recorder.on_update([](const depthrec::BookUpdate&) {},
                       depthrec::KeyFilter{{Market::spot, "BTCUSDT"}});
    try {
      recorder.start();
      FAIL() << "start() accepted a filter of a stream not subscribed";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what())
                    .find("on_update filter names spot:BTCUSDT, which is "
                          "not subscribed"),
                std::string::npos)
          << error.what();
    }
  }
  {
    depthrec::Recorder recorder(config_for(sim, false, dir));  // config.symbol, no subscriptions
    recorder.subscribe_queue(16, 5, depthrec::KeyFilter{{Market::usdm, "ETHUSDT"}});
    EXPECT_THROW(recorder.start(), std::runtime_error);
  }
  depthrec::Recorder recorder(config_for(sim, false, dir));
  std::atomic<int> calls{0};
  recorder.on_update([&](const depthrec::BookUpdate&) { ++calls; },
                     depthrec::KeyFilter{{Market::usdm, "btcusdt"}});
  recorder.start();
  EXPECT_TRUE(wait_until([&] { return calls.load() >= 10; }, std::chrono::seconds(30)));
  recorder.stop();
}

TEST(LibraryApi, BoundedQueueHandsBookStatesToASlowConsumerAndCountsWhatItDrops) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "1000", "--events", "400",
                 "--start-on-subscribe"});
  const std::string dir = make_temp_dir("library");
  depthrec::Recorder recorder(config_for(sim, true, dir));
  std::atomic<std::uint64_t> published{0};
  recorder.on_update([&](const depthrec::BookUpdate&) { ++published; });  // fed by the same updates
  auto queue = recorder.subscribe_queue(16, 5);
  recorder.start();
  std::uint64_t consumed = 0;
  std::uint64_t previous_u = 0;
  std::uint64_t chain_breaks = 0;
  std::thread stopper;
  while (!queue->closed()) {
    auto state = queue->pop(std::chrono::milliseconds(50));
    if (!state) {
      if (!stopper.joinable() && recorder.metrics().run.counters.messages >= 400) {
        stopper = std::thread([&] { recorder.stop(); });  // closes the queue when done
      }
      continue;
    }
    EXPECT_LE(state->bids.size(), 5u);
    if (!state->bids.empty() && !state->asks.empty()) {
      EXPECT_LT(state->bids[0].price, state->asks[0].price);
    }
    if (previous_u != 0 && state->has_prev_final_id && state->prev_final_id != previous_u)
      ++chain_breaks;
    previous_u = state->final_id;
    ++consumed;
    std::this_thread::sleep_for(std::chrono::milliseconds(4));  // ~250 states/s for a 1000/s feed
  }
  stopper.join();
  EXPECT_GT(queue->dropped(), 0u) << "the consumer is slower than the feed: the bound held";
  EXPECT_EQ(consumed + queue->dropped(), published.load())
      << "every state was consumed or counted as dropped";
  EXPECT_GE(chain_breaks, 1u) << "a consumer sees where states were dropped (pu chain)";
  EXPECT_LE(chain_breaks, queue->dropped());
  // The slow consumer cost the recording nothing: all 400 events are in the files.
  EXPECT_EQ(count_depth_records(read_records(dir + "/data")), 400u);
  EXPECT_EQ(recorder.metrics().run.counters.queue_drops, 0u);
}

TEST(LibraryApi, StopFromInsideTheCallbackEndsTheRecorder) {
  Simulator sim(
      {"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "500", "--start-on-subscribe"});
  depthrec::Recorder recorder(config_for(sim, false, make_temp_dir("library")));
  std::atomic<int> calls{0};
  recorder.on_update([&](const depthrec::BookUpdate&) {
    if (++calls == 10) recorder.stop();
  });
  recorder.start();
  recorder.wait();
  EXPECT_FALSE(recorder.running());
  EXPECT_GE(calls.load(), 10);
  recorder.stop();  // idempotent
}

TEST(LibraryApi, BadConfigIsRefusedWithAClearError) {
  depthrec::RecorderConfig config;
  config.symbol = "../etc";
  depthrec::Recorder recorder(config);
  try {
    recorder.start();
    FAIL() << "start() accepted an invalid symbol";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("invalid symbol"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(recorder.running());
}

// LifecycleHooks (what depthrec's systemd notifier is built on): first_synced comes once, after the
// book synced; the heartbeat runs on the network thread, so a network thread held up (here: by a
// slow callback) holds the heartbeat up too, which is what lets systemd's watchdog restart a frozen
// recorder.
TEST(LibraryApi, LifecycleHeartbeatRunsOnTheNetworkThreadAndStopsWhileItIsHeld) {
  Simulator sim({"--market", "usdm", "--symbols", "BTCUSDT", "--rate", "200"});
  depthrec::Recorder recorder(config_for(sim, false, make_temp_dir("lifecycle")));

  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> beats;
  std::atomic<int> synced_calls{0};
  std::atomic<bool> book_synced_then{false};
  std::atomic<std::thread::id> beat_thread{};
  std::atomic<std::thread::id> callback_thread{};
  std::atomic<bool> hold{false};  // the next callback blocks the network thread for kHeld
  constexpr std::chrono::milliseconds kPeriod{50};
  constexpr std::chrono::milliseconds kHeld{600};

  depthrec::LifecycleHooks hooks;
  hooks.first_synced = [&] {
    ++synced_calls;
    book_synced_then = recorder.metrics().book.synced;
  };
  hooks.heartbeat_period = kPeriod;
  hooks.heartbeat = [&] {
    beat_thread = std::this_thread::get_id();
    std::lock_guard<std::mutex> lock(mutex);
    beats.push_back(std::chrono::steady_clock::now());
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
}  // namespace itest::library_api_test
