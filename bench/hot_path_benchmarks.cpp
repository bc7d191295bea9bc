// The whole per-event work of the network thread on real frames: HotPath (the steps the brief
// names) and SessionHotPath (the recorder's own FeedSession, metrics included). The writer's
// worker thread drains into a CountingSink on the other core; `drops` must stay 0, or the
// figure would include cheap refused pushes.
#include <benchmark/benchmark.h>

#include "counting_sink.hpp"
#include "hot_path.hpp"
#include "micro_benchmarks.hpp"
#include "session_hot_path.hpp"

namespace depthrec::bench {
namespace {

using InputPtr = std::shared_ptr<const BenchInput>;

template <class Path>
void hot_path(benchmark::State& state, const InputPtr& input) {
  const ReplayCorpus& corpus = input->corpus;
  auto counters = std::make_shared<SinkCounters>();
  Path path(corpus, std::make_unique<CountingSink>(counters));
  path.rewind();
  std::size_t i = corpus.first_synced;
  std::size_t refused = 0;
  for (auto _ : state) {
    refused += path.process(i) ? 0 : 1;
    if (++i == corpus.depth_frames.size()) {
      state.PauseTiming();
      path.rewind();
      i = corpus.first_synced;
      state.ResumeTiming();
    }
  }
  path.stop();
  if (refused > 0) state.SkipWithError("a frame was refused or not applied");
  const AsyncWriterStats writer = path.writer_stats();
  state.counters["drops"] = static_cast<double>(writer.dropped);
  state.counters["queue_max"] = static_cast<double>(writer.queue_depth_max);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(
      static_cast<double>(state.iterations()) * static_cast<double>(corpus.depth_bytes) /
      static_cast<double>(corpus.depth_frames.size())));
}

}  // namespace

void register_hot_path_benchmarks(const InputPtr& input) {
  const std::string suffix = std::string("/") + input->market_name();
  benchmark::RegisterBenchmark(("hot_path" + suffix).c_str(), hot_path<HotPath>, input);
  benchmark::RegisterBenchmark(("hot_path_session" + suffix).c_str(), hot_path<SessionHotPath>,
                               input);
}

}  // namespace depthrec::bench
