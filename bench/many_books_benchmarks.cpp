// A whole market's per-event book and metrics work, with and without the block prefetch a
// many-book engine turns on (FeedSession::set_many_books): 1,500 books of ~800 levels a side
// (60 MB, past the caches, as in bench/whole_market.sh) and their FeedMetrics, one event of 10
// levels each in turn. Per event: the book changed (its blocks asked for first, with prefetch),
// then the event recorded in the metrics, as process_depth takes them. Both variants run in one
// binary, so a ratio of the two is one session's.
//   ./build/depthrec-bench --benchmark_filter=many_books
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/order_book.hpp"

namespace depthrec {
namespace {

constexpr std::size_t kBooks = 1500;
constexpr std::size_t kLevelsPerSide = 800;
constexpr std::size_t kLevelsPerEvent = 10;
constexpr std::size_t kEventsPerBook = 64;  // prepared diffs, replayed in turn
constexpr std::int64_t kMid = 1'000'000;

struct ManyBooks {
  std::vector<OrderBook> books;
  std::vector<std::unique_ptr<FeedMetrics>> metrics;
  std::vector<DepthUpdate> diffs;  // kEventsPerBook a book, book-major
};

// Levels near the top more often than deep ones, as a real book changes.
std::int64_t offset_from_mid(std::mt19937_64& rng) {
  std::geometric_distribution<std::int64_t> depth(0.01);
  return 1 + std::min<std::int64_t>(depth(rng), 2 * kLevelsPerSide);
}

ManyBooks make_market(bool prefetch) {
  ManyBooks market;
  std::mt19937_64 rng(12);
  market.books.resize(kBooks);
  for (std::size_t b = 0; b < kBooks; ++b) {
    DepthSnapshot snapshot;
    for (std::size_t i = 1; i <= kLevelsPerSide; ++i) {
      const auto step = static_cast<std::int64_t>(i);
      snapshot.bids.push_back(PriceLevel{Decimal{kMid - step}, Decimal{100 + step}});
      snapshot.asks.push_back(PriceLevel{Decimal{kMid + step}, Decimal{100 + step}});
    }
    snapshot.last_update_id = 1;
    market.books[b].load(snapshot);
    market.books[b].set_prefetch_blocks(prefetch);
    market.metrics.push_back(std::make_unique<FeedMetrics>(
        StreamKey{Market::usdm, "S" + std::to_string(b), "s@depth@100ms"}, 0));
  }
  market.diffs.resize(kBooks * kEventsPerBook);
  for (DepthUpdate& diff : market.diffs) {
    for (std::size_t i = 0; i < kLevelsPerEvent; ++i) {
      const bool bid = rng() % 2 == 0;
      const std::int64_t offset = offset_from_mid(rng);
      // A third removes its level (a later event of the book may put it back).
      const std::int64_t qty = rng() % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 1000 + 1);
      (bid ? diff.bids : diff.asks)
          .push_back(PriceLevel{Decimal{bid ? kMid - offset : kMid + offset}, Decimal{qty}});
    }
  }
  return market;
}

void many_books(benchmark::State& state) {
  ManyBooks market = make_market(state.range(0) != 0);
  EventSample sample;
  sample.event_time_ms = 1'700'000'000'000;
  sample.recv_ns = sample.event_time_ms * 1'000'000 + 3'000'000;
  sample.frame_bytes = 500;
  sample.pipeline_ns = 20'000;
  std::size_t round = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    // One event of every book, in a shuffled-looking but fixed order (a stride prime to kBooks).
    for (std::size_t k = 0; k < kBooks; ++k) {
      const std::size_t b = (k * 7919) % kBooks;
      FeedMetrics& metrics = *market.metrics[b];
      market.books[b].apply(market.diffs[b * kEventsPerBook + round]);
      sample.recv_ns += 1000;
      sample.event_time_ms = sample.recv_ns / 1'000'000 - 3;
      sample.batch_span = k % 4;
      sample.queue_depth = static_cast<std::int64_t>(k % 100);
      metrics.record_event(sample);
    }
    round = (round + 1) % kEventsPerBook;
    events += kBooks;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["ns_per_event"] = benchmark::Counter(
      static_cast<double>(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(many_books)->ArgName("prefetch")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace depthrec
