// depthrec-bench entry point: loads both captures once, registers every benchmark, runs them
// with the usual Google Benchmark flags (--benchmark_filter, --benchmark_format=json, ...).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <exception>

#include "micro_benchmarks.hpp"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  try {
    for (depthrec::Market market : {depthrec::Market::usdm, depthrec::Market::spot}) {
      const auto input = depthrec::bench::load_bench_input(market);
      benchmark::AddCustomContext(
          std::string("corpus_") + input->market_name(),
          input->corpus.path + ": " + std::to_string(input->corpus.depth_frames.size()) +
              " depth frames, mean " +
              std::to_string(input->corpus.depth_bytes / input->corpus.depth_frames.size()) +
              " B, " + std::to_string(input->corpus.synced_count()) + " applied synced");
      depthrec::bench::register_step_benchmarks(input);
      depthrec::bench::register_writer_benchmarks(input);
      depthrec::bench::register_hot_path_benchmarks(input);
      depthrec::bench::register_router_benchmarks(market, input->market_name());
    }
    depthrec::bench::register_observer_benchmarks();
    depthrec::bench::register_segment_member_benchmarks();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "depthrec-bench: %s\n", error.what());
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
