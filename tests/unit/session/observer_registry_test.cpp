// Observers (include/depthrec/observer.hpp) without a network: their bounded queues (bound, drop
// count, events still queued at shutdown), filters, a throwing callback, synchronous delivery, and
// a channel handler giving them exactly the events it records.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "session/channel_handler.hpp"
#include "session/observer_registry.hpp"

namespace depthrec::session {
namespace {

SubscriptionKey observer_test_key(ChannelKind kind, const std::string& symbol = "BTCUSDT") {
  return {Venue::binance, Market::usdm, symbol, Channel{kind, 0, {}}};
}

StreamKey observer_test_stream(const std::string& name) {
  return {Market::usdm, "BTCUSDT", name};
}

ObservedTrade observer_test_trade(std::uint64_t id) {
  ObservedTrade trade;
  trade.kind = TradeKind::agg_trade;
  trade.id = id;
  return trade;
}

ObserverOptions observer_test_queued(std::size_t capacity) {
  ObserverOptions options;
  options.capacity = capacity;
  return options;
}

TEST(ObserverRegistry, AFullQueueDropsTheNewestEventsAndCountsThem) {
  ObserverRegistry registry;
  std::vector<std::uint64_t> seen;  // the observer's thread only, read after finish()
  const auto handle = registry.on_agg_trade(
      [&](const ObservedTrade& trade) { seen.push_back(trade.id); }, observer_test_queued(4));
  const ChannelObservers observers = registry.for_channel(observer_test_key(ChannelKind::agg_trade),
                                                          observer_test_stream("btcusdt@aggTrade"));
  // Before start() nothing is taken off the queue: 4 fit, the next 3 are dropped.
  for (std::uint64_t id = 1; id <= 7; ++id) observers.trade.publish(observer_test_trade(id));
  EXPECT_EQ(handle->dropped(), 3u);
  EXPECT_EQ(registry.figures().front().queued_now, 4u);
  registry.start();
  registry.finish();
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(handle->delivered(), 4u);
  EXPECT_EQ(handle->dropped(), 3u);
  const ObserverFigures figures = registry.figures().front();
  EXPECT_EQ(figures.channel, "aggTrade");
  EXPECT_EQ(figures.name, "aggTrade#0");
  EXPECT_TRUE(figures.queued);
  EXPECT_EQ(figures.dropped, 3u);
  EXPECT_EQ(figures.queued_now, 0u);
}

TEST(ObserverRegistry, EventsQueuedBeforeTheStopAreAllGivenOutInOrder) {
  ObserverRegistry registry;
  std::vector<std::uint64_t> seen;
  std::atomic<bool> other_thread{false};
  const std::thread::id network = std::this_thread::get_id();
  registry.on_agg_trade(
      [&](const ObservedTrade& trade) {
        seen.push_back(trade.id);
        if (std::this_thread::get_id() != network) other_thread = true;
      },
      observer_test_queued(1000));
  const ChannelObservers observers = registry.for_channel(observer_test_key(ChannelKind::agg_trade),
                                                          observer_test_stream("btcusdt@aggTrade"));
  registry.start();
  for (std::uint64_t id = 1; id <= 300; ++id) observers.trade.publish(observer_test_trade(id));
  registry.close();  // the run ended: nothing more is queued...
  observers.trade.publish(observer_test_trade(301));
  registry.finish();  // ...and what was queued is given out before finish() returns
  ASSERT_EQ(seen.size(), 300u);
  for (std::uint64_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  EXPECT_TRUE(other_thread.load());
  EXPECT_EQ(registry.figures().front().dropped, 1u) << "the event after close() is counted";
}

TEST(ObserverRegistry, FiltersGiveAStreamOnlyItsOwnChannelsObservers) {
  ObserverRegistry registry;
  ObserverOptions btc;
  btc.keys = KeyFilter{{Market::usdm, "btcusdt"}};
  btc.delivery = Delivery::synchronous;
  registry.on_agg_trade([](const ObservedTrade&) {}, btc);
  registry.on_trade([](const ObservedTrade&) {});
  registry.on_kline([](const ObservedKline&) {});
  registry.on_book([](const TopOfBook&) {}, btc);

  const auto agg_btc = registry.for_channel(observer_test_key(ChannelKind::agg_trade),
                                            observer_test_stream("btcusdt@aggTrade"));
  EXPECT_EQ(agg_btc.trade.sinks().size(), 1u) << "aggTrade's observer, not trade's";
  ASSERT_NE(agg_btc.key, nullptr);
  EXPECT_EQ(agg_btc.key->stream, "btcusdt@aggTrade");
  const auto agg_eth = registry.for_channel(observer_test_key(ChannelKind::agg_trade, "ETHUSDT"),
                                            observer_test_stream("ethusdt@aggTrade"));
  EXPECT_TRUE(agg_eth.trade.empty()) << "filtered to BTCUSDT";
  EXPECT_EQ(agg_eth.key, nullptr) << "a stream without observers holds no key";
  const auto trade_eth = registry.for_channel(observer_test_key(ChannelKind::trade, "ETHUSDT"),
                                              observer_test_stream("ethusdt@trade"));
  EXPECT_EQ(trade_eth.trade.sinks().size(), 1u) << "unfiltered: every trade stream";
  const auto book_eth = registry.for_book(observer_test_key(ChannelKind::diff_depth, "ETHUSDT"),
                                          observer_test_stream("ethusdt@depth"));
  EXPECT_TRUE(book_eth.book.empty());
  EXPECT_EQ(registry
                .for_book(observer_test_key(ChannelKind::diff_depth),
                          observer_test_stream("btcusdt@depth"))
                .book.sinks()
                .size(),
            1u);

  // A filter naming a stream that is not subscribed is refused at start.
  const std::vector<SubscriptionKey> subscribed{
      observer_test_key(ChannelKind::agg_trade, "ETHUSDT")};
  try {
    registry.check_filters(subscribed);
    FAIL() << "a filter naming BTCUSDT passed with only ETHUSDT subscribed";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("filter names usdm:BTCUSDT, which is not subscribed"),
              std::string::npos)
        << error.what();
  }
}

TEST(ObserverRegistry, AThrowingObserverIsCountedAndKeepsGettingEvents) {
  for (const Delivery delivery : {Delivery::synchronous, Delivery::queued}) {
    ObserverRegistry registry;
    std::vector<std::uint64_t> seen;
    ObserverOptions options;
    options.delivery = delivery;
    options.name = "flaky";
    const auto handle = registry.on_agg_trade(
        [&](const ObservedTrade& trade) {
          seen.push_back(trade.id);
          if (trade.id % 2 == 0) throw std::runtime_error("even id " + std::to_string(trade.id));
          if (trade.id == 5) throw 42;  // not a std::exception
        },
        options);
    const ChannelObservers observers = registry.for_channel(
        observer_test_key(ChannelKind::agg_trade), observer_test_stream("btcusdt@aggTrade"));
    registry.start();
    for (std::uint64_t id = 1; id <= 6; ++id) observers.trade.publish(observer_test_trade(id));
    registry.finish();
    EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(handle->delivered(), 6u);
    EXPECT_EQ(handle->errors(), 4u);  // 2, 4, 5, 6
    EXPECT_EQ(handle->last_error(), "even id 6");
    EXPECT_EQ(registry.figures().front().name, "flaky");
  }
}

TEST(ObserverRegistry, SynchronousDeliveryRunsOnThePublishingThread) {
  ObserverRegistry registry;
  ObserverOptions options;
  options.delivery = Delivery::synchronous;
  std::thread::id called_on;
  const auto handle = registry.on_agg_trade(
      [&](const ObservedTrade&) { called_on = std::this_thread::get_id(); }, options);
  const ChannelObservers observers = registry.for_channel(observer_test_key(ChannelKind::agg_trade),
                                                          observer_test_stream("btcusdt@aggTrade"));
  observers.trade.publish(observer_test_trade(1));  // no start(): no thread is needed
  EXPECT_EQ(called_on, std::this_thread::get_id());
  EXPECT_EQ(handle->delivered(), 1u);
  EXPECT_FALSE(registry.figures().front().queued);
}

// The aggTrade handler gives its observer the events it records, once each, with their values:
// not a duplicate, not a backward id, not a frame it refuses.
TEST(ObserverRegistry, AChannelHandlerGivesItsObserverExactlyTheEventsItRecords) {
  ObserverRegistry registry;
  ObserverOptions options;
  options.delivery = Delivery::synchronous;
  std::vector<ObservedTrade> seen;
  registry.on_agg_trade([&](const ObservedTrade& trade) { seen.push_back(trade); }, options);
  ChannelSetup setup;
  setup.key = observer_test_key(ChannelKind::agg_trade);
  setup.stream = "btcusdt@aggTrade";
  std::vector<std::string> recorded;
  setup.hooks.write = [&](std::string& line, const RecordContext&, bool marker) {
    if (!marker) recorded.push_back(line);
    line.clear();
    return PushInfo{0, 0};
  };
  auto handler = make_channel_handler(std::move(setup));
  handler->set_observers(registry.for_channel(observer_test_key(ChannelKind::agg_trade),
                                              observer_test_stream("btcusdt@aggTrade")));
  const auto frame = [](std::uint64_t id, const std::string& price) {
    return R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1765000000000,"s":"BTCUSDT","a":)" +
           std::to_string(id) + R"(,"p":")" + price + R"(","q":"0.25","f":)" +
           std::to_string(id * 2) + R"(,"l":)" + std::to_string(id * 2 + 1) +
           R"(,"T":1765000000001,"m":true}})";
  };
  for (std::uint64_t id : {10, 11, 11, 14, 12}) handler->on_frame(1, frame(id, "100.5"), 77);
  handler->on_frame(1, R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade"}})", 78);
  EXPECT_EQ(recorded.size(), 3u);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].id, 10u);
  EXPECT_EQ(seen[1].id, 11u);
  EXPECT_EQ(seen[2].id, 14u);
  EXPECT_EQ(seen[0].first_trade_id, 20u);
  EXPECT_EQ(seen[0].last_trade_id, 21u);
  EXPECT_EQ(to_string(seen[0].price), "100.5");
  EXPECT_EQ(to_string(seen[0].quantity), "0.25");
  EXPECT_EQ(seen[0].event_time_ms, 1765000000000);
  EXPECT_EQ(seen[0].trade_time_ms, 1765000000001);
  EXPECT_TRUE(seen[0].buyer_is_maker);
  EXPECT_EQ(seen[0].recv_ns, 77);
  ASSERT_NE(seen[0].key, nullptr);
  EXPECT_EQ(seen[0].key->stream, "btcusdt@aggTrade");
  EXPECT_EQ(seen[0].key->symbol, "BTCUSDT");
}

}  // namespace
}  // namespace depthrec::session
