// The stream router (issue 12): a frame's stream name to its StreamId in a table of 3,000 keys,
// the size of a whole market on one process. One iteration is one lookup.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "micro_benchmarks.hpp"
#include "plan/subscription_table.hpp"
#include "venues/binance/binance_streams.hpp"

namespace depthrec::bench {
namespace {

constexpr int kKeys = 3000;

struct RouterInput {
  Market market = Market::usdm;
  plan::SubscriptionTable table;
  std::vector<std::string> names;   // subscribed, in a shuffled order (frames of many symbols)
  std::vector<std::string> others;  // names of the same shape, not subscribed
};

// USD-M: 1,500 symbols with depth@100ms and bookTicker; spot: 3,000 symbols with depth@100ms.
std::shared_ptr<const RouterInput> make_router_input(Market market) {
  auto input = std::make_shared<RouterInput>();
  input->market = market;
  const bool with_ticker = market != Market::spot;
  const int symbols = with_ticker ? kKeys / 2 : kKeys;
  for (int i = 0; i < symbols + kKeys; ++i) {
    char symbol[24];
    std::snprintf(symbol, sizeof symbol, "SYM%04dUSDT", i);
    std::vector<Channel> channels{Channel::diff_depth(StreamSpeed::ms100)};
    if (with_ticker) channels.push_back(Channel::book_ticker());
    for (const Channel& channel : channels) {
      std::string name = venues::binance::stream_name(symbol, channel);
      if (i >= symbols) {
        input->others.push_back(std::move(name));
        continue;
      }
      input->table.add(SubscriptionKey{Venue::binance, market, symbol, channel}, name);
      input->names.push_back(std::move(name));
    }
  }
  std::shuffle(input->names.begin(), input->names.end(), std::mt19937(7));
  return input;
}

void route_lookup(benchmark::State& state, const std::shared_ptr<const RouterInput>& input,
                  bool subscribed) {
  const std::vector<std::string>& names = subscribed ? input->names : input->others;
  std::size_t i = 0;
  std::size_t found = 0;
  for (auto _ : state) {
    const auto id = input->table.route(Venue::binance, input->market, names[i]);
    found += id ? 1 : 0;
    benchmark::DoNotOptimize(id);
    if (++i == names.size()) i = 0;
  }
  if (subscribed ? found != static_cast<std::size_t>(state.iterations()) : found != 0) {
    state.SkipWithError("a lookup routed a name wrongly");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["keys"] = static_cast<double>(input->table.size());
}

}  // namespace

void register_router_benchmarks(Market market, const char* market_name) {
  const std::shared_ptr<const RouterInput> input = make_router_input(market);
  const std::string suffix = std::string("/") + market_name;
  benchmark::RegisterBenchmark(
      ("stream_router" + suffix).c_str(),
      [input](benchmark::State& state) { route_lookup(state, input, true); });
  benchmark::RegisterBenchmark(
      ("stream_router_miss" + suffix).c_str(),
      [input](benchmark::State& state) { route_lookup(state, input, false); });
}

}  // namespace depthrec::bench
