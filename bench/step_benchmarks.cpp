// One step of the hot path at a time, over every depth event of the capture, in order.
#include <benchmark/benchmark.h>

#include <string>

#include "depthrec/continuity.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/order_book.hpp"
#include "micro_benchmarks.hpp"

namespace depthrec::bench {
namespace {

using InputPtr = std::shared_ptr<const BenchInput>;

void per_event_counters(benchmark::State& state, std::size_t bytes_per_pass,
                        std::size_t events_per_pass) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(static_cast<double>(state.iterations()) *
                                                    static_cast<double>(bytes_per_pass) /
                                                    static_cast<double>(events_per_pass)));
}

// FrameParser::parse of every depth frame (the combined wrapper, ids, times, all levels as
// exact decimals).
void parse(benchmark::State& state, const InputPtr& input) {
  const auto& frames = input->corpus.depth_frames;
  FrameParser parser;
  Frame frame;
  std::size_t i = 0;
  for (auto _ : state) {
    const ParseError error = parser.parse(frames[i].json, frame);
    if (error != ParseError::none) {
      state.SkipWithError("a frame did not parse");
      break;
    }
    benchmark::DoNotOptimize(frame.depth.final_id);
    if (++i == frames.size()) i = 0;
  }
  per_event_counters(state, input->corpus.depth_bytes, frames.size());
}

// ContinuityChecker::check of every synced event (pu == last u, or U == last u + 1).
void continuity(benchmark::State& state, const InputPtr& input) {
  const auto& updates = input->updates;
  const std::size_t first = input->corpus.first_synced;
  ContinuityChecker checker(input->corpus.market);
  checker.restart_from(updates[first - 1].final_id);
  std::size_t i = first;
  std::size_t breaks = 0;
  for (auto _ : state) {
    const ContinuityVerdict verdict = checker.check(updates[i]);
    breaks += verdict.result == Continuity::continuous ? 0 : 1;
    if (++i == updates.size()) {
      i = first;
      checker.restart_from(updates[first - 1].final_id);
    }
  }
  if (breaks > 0) state.SkipWithError("the capture is not continuous");
  per_event_counters(state, input->corpus.depth_bytes, updates.size());
}

// OrderBook::apply of every synced event onto the book loaded from the snapshot.
void book_apply(benchmark::State& state, const InputPtr& input) {
  const auto& updates = input->updates;
  const std::size_t first = input->corpus.first_synced;
  OrderBook book = input->synced_start.book();
  std::size_t i = first;
  for (auto _ : state) {
    book.apply(updates[i]);
    if (++i == updates.size()) {
      state.PauseTiming();
      book = input->synced_start.book();
      i = first;
      state.ResumeTiming();
    }
  }
  benchmark::DoNotOptimize(book.last_update_id());
  // The book's size (both sides) at the start and at the end of a pass over the capture.
  OrderBook end = input->synced_start.book();
  for (std::size_t k = first; k < updates.size(); ++k) end.apply(updates[k]);
  const OrderBook& start = input->synced_start.book();
  state.counters["book_levels_start"] = static_cast<double>(start.bid_count() + start.ask_count());
  state.counters["book_levels_end"] = static_cast<double>(end.bid_count() + end.ask_count());
  state.counters["levels_per_event"] =
      static_cast<double>(input->corpus.depth_levels) / static_cast<double>(updates.size());
  per_event_counters(state, input->corpus.depth_bytes, updates.size());
}

// BookSynchronizer::on_update in the synced state: the continuity check plus the book apply.
void sync_apply(benchmark::State& state, const InputPtr& input) {
  const auto& updates = input->updates;
  const std::size_t first = input->corpus.first_synced;
  BookSynchronizer sync = input->synced_start;
  std::size_t i = first;
  std::size_t not_applied = 0;
  for (auto _ : state) {
    not_applied += sync.on_update(updates[i]).outcome == UpdateOutcome::applied ? 0 : 1;
    if (++i == updates.size()) {
      state.PauseTiming();
      sync = input->synced_start;
      i = first;
      state.ResumeTiming();
    }
  }
  if (not_applied > 0) state.SkipWithError("an event was not applied");
  per_event_counters(state, input->corpus.depth_bytes, updates.size());
}

// append_depth_record: the NDJSON line of an event (levels copied verbatim from the frame).
void record(benchmark::State& state, const InputPtr& input) {
  const auto& updates = input->updates;
  const auto& frames = input->corpus.depth_frames;
  std::string line;
  line.reserve(1 << 16);
  std::size_t i = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    line.clear();
    append_capture_record(line, input->context, updates[i], frames[i].recv_ns);
    bytes += line.size();
    benchmark::DoNotOptimize(line.data());
    if (++i == updates.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

}  // namespace

void register_step_benchmarks(const InputPtr& input) {
  const std::string suffix = std::string("/") + input->market_name();
  benchmark::RegisterBenchmark(("parse" + suffix).c_str(), parse, input);
  benchmark::RegisterBenchmark(("continuity" + suffix).c_str(), continuity, input);
  benchmark::RegisterBenchmark(("book_apply" + suffix).c_str(), book_apply, input);
  benchmark::RegisterBenchmark(("sync_apply" + suffix).c_str(), sync_apply, input);
  benchmark::RegisterBenchmark(("record" + suffix).c_str(), record, input);
}

}  // namespace depthrec::bench
