// The cost of an observer (include/depthrec/observer.hpp) on the event path: the aggTrade handler
// (parse, id continuity, record line, metrics) per event with no observer, one synchronous
// observer, and one queued observer (the event copied into its bounded queue; its thread drains
// it on the other core). One iteration is one frame. The frames are synthetic aggTrade payloads
// of Binance's shape with consecutive ids (the captures hold depth only).
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <vector>

#include "micro_benchmarks.hpp"
#include "session/channel_handler.hpp"
#include "session/observer_registry.hpp"

namespace depthrec::bench {
namespace {

enum class ObserverCase { none, synchronous, queued };

constexpr std::uint64_t kObserverBenchFrames = 1 << 16;  // then a new handler (ids start over)

std::vector<std::string> agg_trade_frames() {
  std::vector<std::string> frames;
  frames.reserve(kObserverBenchFrames);
  for (std::uint64_t i = 0; i < kObserverBenchFrames; ++i) {
    const std::uint64_t id = 2'000'000'000 + i;
    frames.push_back(
        R"({"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1765000000123,"s":"BTCUSDT","a":)" +
        std::to_string(id) + R"(,"p":"91234.)" + std::to_string(10 + i % 80) + R"(","q":"0.0)" +
        std::to_string(100 + i % 900) + R"(","f":)" + std::to_string(id * 3) + R"(,"l":)" +
        std::to_string(id * 3 + 2) + R"(,"T":1765000000120,"m":)" +
        (i % 3 == 0 ? "true" : "false") + "}}");
  }
  return frames;
}

std::unique_ptr<session::ChannelHandler> make_agg_handler(session::ObserverRegistry& registry) {
  session::ChannelSetup setup;
  setup.key = {Venue::binance, Market::usdm, "BTCUSDT", Channel{ChannelKind::agg_trade, 0, {}, {}}};
  setup.stream = "btcusdt@aggTrade";
  setup.writer_id = 1;
  // The record line is made and handed off as the engine does; the writer's ring is not timed.
  setup.hooks.write = [](std::string& line, const RecordContext&, bool) {
    benchmark::DoNotOptimize(line.data());
    line.clear();
    return session::PushInfo{0, 0};
  };
  auto handler = session::make_channel_handler(std::move(setup));
  handler->set_observers(registry.for_channel(
      {Venue::binance, Market::usdm, "BTCUSDT", Channel{ChannelKind::agg_trade, 0, {}, {}}},
      StreamKey{Market::usdm, "BTCUSDT", "btcusdt@aggTrade"}));
  return handler;
}

void observed_agg_trades(benchmark::State& state, ObserverCase which) {
  static const std::vector<std::string> frames = agg_trade_frames();
  session::ObserverRegistry registry;
  std::atomic<std::uint64_t> observed{0};
  if (which != ObserverCase::none) {
    ObserverOptions options;
    options.delivery =
        which == ObserverCase::synchronous ? Delivery::synchronous : Delivery::queued;
    // The flow statistic the example computes: signed taker volume.
    registry.on_agg_trade(
        [&observed](const ObservedTrade& trade) {
          benchmark::DoNotOptimize(trade.buyer_is_maker ? -trade.quantity.units
                                                        : trade.quantity.units);
          observed.fetch_add(1, std::memory_order_relaxed);
        },
        options);
  }
  registry.start();
  auto handler = make_agg_handler(registry);
  std::size_t i = 0;
  for (auto _ : state) {
    handler->on_frame(1, frames[i], 1'765'000'000'125'000'000);
    if (++i == frames.size()) {
      state.PauseTiming();
      handler = make_agg_handler(registry);
      i = 0;
      state.ResumeTiming();
    }
  }
  registry.finish();
  const std::vector<ObserverFigures> figures = registry.figures();
  const std::uint64_t dropped = figures.empty() ? 0 : figures.front().dropped;
  if (which != ObserverCase::none &&
      observed.load() + dropped != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("an event neither observed nor counted as dropped");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["observed"] = static_cast<double>(observed.load());
  state.counters["dropped"] = static_cast<double>(dropped);
}

}  // namespace

void register_observer_benchmarks() {
  benchmark::RegisterBenchmark("observer/agg_trade/none", [](benchmark::State& state) {
    observed_agg_trades(state, ObserverCase::none);
  });
  benchmark::RegisterBenchmark("observer/agg_trade/synchronous", [](benchmark::State& state) {
    observed_agg_trades(state, ObserverCase::synchronous);
  });
  benchmark::RegisterBenchmark("observer/agg_trade/queued", [](benchmark::State& state) {
    observed_agg_trades(state, ObserverCase::queued);
  });
}

}  // namespace depthrec::bench
