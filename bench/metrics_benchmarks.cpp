// The engine's metrics print (issue 12): every interval it rolls the window of every stream's
// FeedMetrics (a MetricsSnapshot with the run's and the window's percentile summaries) and writes
// metrics.json from them. One iteration is one roll of one stream holding a realistic spread of
// values; the figure to read is ns per stream per snapshot (bench/README.md).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/metrics_report.hpp"
#include "depthrec/stream_metrics.hpp"

namespace depthrec::bench {
namespace {

constexpr std::int64_t kStart = 1'721'347'000'000'000'000;
constexpr std::int64_t kMs = 1'000'000;
constexpr int kStreams = 256;
constexpr int kEventsPerWindow = 64;  // ~20,000 ev/s over 3,000 streams for 10 s

// A window of events: latencies of a few ms, pipeline of a few us, spans and queue depths.
void feed_window(FeedMetrics& metrics, std::mt19937_64& random, std::int64_t window_start_ms) {
  std::uniform_int_distribution<std::int64_t> latency_ms(1, 40);
  std::uniform_int_distribution<std::int64_t> pipeline_ns(2'000, 60'000);
  std::uniform_int_distribution<std::uint64_t> span(1, 400);
  std::uniform_int_distribution<std::int64_t> depth(0, 300);
  for (int i = 0; i < kEventsPerWindow; ++i) {
    EventSample sample;
    sample.event_time_ms = window_start_ms + i * 100;
    sample.recv_ns = (sample.event_time_ms + latency_ms(random)) * kMs;
    sample.pipeline_ns = pipeline_ns(random);
    sample.batch_span = span(random);
    sample.frame_bytes = 600;
    sample.queue_depth = depth(random);
    metrics.record_event(sample);
  }
}

// Rolls the windows of kStreams streams in turn, each fed between rolls (the feeding is not
// timed); with_json: and writes the stream's entry of metrics.json (what one print costs);
// merged: and adds the stream's histograms to the aggregate's (the engine's print), whose
// summaries are taken once per kStreams rolls (one print), as the engine does.
void roll_streams(benchmark::State& state, bool with_json, bool merged = false) {
  std::mt19937_64 random(12);
  std::vector<std::unique_ptr<FeedMetrics>> streams;
  for (int s = 0; s < kStreams; ++s) {
    streams.push_back(std::make_unique<FeedMetrics>(
        StreamKey{Market::usdm, "SYM" + std::to_string(s), "sym@depth@100ms"}, kStart));
  }
  std::int64_t window_ms = kStart / kMs;
  std::size_t next = 0;
  FeedMetrics::MergedHistograms aggregate;
  for (auto _ : state) {
    state.PauseTiming();
    if (next == 0) window_ms += 10'000;
    FeedMetrics& metrics = *streams[next];
    feed_window(metrics, random, window_ms);
    state.ResumeTiming();
    MetricsSnapshot snapshot =
        metrics.roll_window((window_ms + 10'000) * kMs, merged ? &aggregate : nullptr);
    benchmark::DoNotOptimize(snapshot);
    if (merged && next + 1 == streams.size()) {
      FeedFigures run;
      FeedFigures window;
      aggregate.run.summarise(run);
      aggregate.window.summarise(window);
      benchmark::DoNotOptimize(run);
      benchmark::DoNotOptimize(window);
      aggregate.reset();
    }
    if (with_json) {
      std::string json = to_metrics_json(snapshot);
      benchmark::DoNotOptimize(json);
    }
    next = (next + 1) % streams.size();
  }
}

void BM_StreamMetricsRoll(benchmark::State& state) {
  roll_streams(state, false);
}
BENCHMARK(BM_StreamMetricsRoll);

void BM_StreamMetricsRollAndJson(benchmark::State& state) {
  roll_streams(state, true);
}
BENCHMARK(BM_StreamMetricsRollAndJson);

// The roll plus the stream's share of metrics.json's exact aggregate percentiles.
void BM_StreamMetricsRollMerged(benchmark::State& state) {
  roll_streams(state, false, true);
}
BENCHMARK(BM_StreamMetricsRollMerged);

// The engine's whole print of 1,500 streams (the whole market's USD-M and spot depth streams),
// each fed a window between prints (untimed). `all`: as the engine printed before issue 12's
// seventh pass, all on the network thread (roll_window of each stream, the aggregate, the
// metrics.json text); `close`: what the network thread does now (close_window of each);
// `finish`: what the print thread then does (finish_roll into reused snapshots, the aggregate,
// the text). Time per print; divide by 1,500 for a stream's share.
enum class PrintPart { all, close, finish };

void print_streams(benchmark::State& state, PrintPart part) {
  constexpr int kPrintStreams = 1500;
  std::mt19937_64 random(13);
  std::vector<std::unique_ptr<FeedMetrics>> streams;
  streams.reserve(kPrintStreams);
  for (int s = 0; s < kPrintStreams; ++s) {
    streams.push_back(std::make_unique<FeedMetrics>(
        StreamKey{s % 3 == 0 ? Market::usdm : Market::spot, "SYM" + std::to_string(s) + "USDT",
                  "sym" + std::to_string(s) + "usdt@depth@100ms"},
        kStart));
  }
  std::int64_t window_ms = kStart / kMs;
  FeedMetrics::MergedHistograms merged;
  std::vector<MetricsSnapshot> snapshots(streams.size());
  std::vector<const MetricsSnapshot*> pointers;
  pointers.reserve(snapshots.size());
  for (const MetricsSnapshot& s : snapshots) pointers.push_back(&s);
  // A first print, untimed: what is measured is a print of a run under way (its histograms'
  // buckets allocated, the aggregate's run kept from print to print).
  for (auto& metrics : streams) feed_window(*metrics, random, window_ms);
  for (std::size_t i = 0; i < streams.size(); ++i) {
    streams[i]->close_window((window_ms + 5'000) * kMs);
    streams[i]->finish_roll(snapshots[i], &merged);
  }
  for (auto _ : state) {
    state.PauseTiming();
    window_ms += 5'000;
    for (auto& metrics : streams) feed_window(*metrics, random, window_ms);
    merged.start_roll_from_windows();
    const std::int64_t now = (window_ms + 5'000) * kMs;
    if (part == PrintPart::finish) {
      for (auto& metrics : streams) metrics->close_window(now);
    }
    state.ResumeTiming();
    if (part == PrintPart::close) {
      for (auto& metrics : streams) metrics->close_window(now);
      state.PauseTiming();  // the print thread's part, untimed here
      for (std::size_t i = 0; i < streams.size(); ++i) streams[i]->finish_roll(snapshots[i]);
      state.ResumeTiming();
      continue;
    }
    std::vector<MetricsSnapshot> rolled;
    if (part == PrintPart::all) {
      rolled.reserve(streams.size());
      for (auto& metrics : streams) rolled.push_back(metrics->roll_window(now, &merged));
    } else {
      for (std::size_t i = 0; i < streams.size(); ++i) {
        streams[i]->finish_roll(snapshots[i], &merged);
      }
    }
    merged.finish_roll_from_windows();
    const MetricsSnapshot aggregate = part == PrintPart::all ? aggregate_metrics(rolled, merged)
                                                             : aggregate_metrics(pointers, merged);
    std::string json = to_metrics_json(aggregate, part == PrintPart::all ? rolled : snapshots);
    benchmark::DoNotOptimize(json);
  }
}

void BM_EnginePrint1500All(benchmark::State& state) {
  print_streams(state, PrintPart::all);
}
BENCHMARK(BM_EnginePrint1500All)->Unit(benchmark::kMillisecond);

void BM_EnginePrint1500Close(benchmark::State& state) {
  print_streams(state, PrintPart::close);
}
BENCHMARK(BM_EnginePrint1500Close)->Unit(benchmark::kMillisecond);

void BM_EnginePrint1500Finish(benchmark::State& state) {
  print_streams(state, PrintPart::finish);
}
BENCHMARK(BM_EnginePrint1500Finish)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace depthrec::bench
