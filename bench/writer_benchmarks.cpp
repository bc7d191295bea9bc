// The writer thread's work: gzip of the recorder's NDJSON, one ~1 MB batch per iteration (the
// size at which GzipRotatingSink flushes a member by itself). Reported per record too
// (time_per_record), to compare with the network thread's per-event cost.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "depthrec/gzip_rotating_sink.hpp"
#include "micro_benchmarks.hpp"
#include "recording/gzip_member_encoder.hpp"

namespace depthrec::bench {
namespace {

using InputPtr = std::shared_ptr<const BenchInput>;

void batch_counters(benchmark::State& state, std::size_t records, std::size_t bytes_in,
                    std::size_t bytes_out) {
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes_in));
  // Seconds per record (the console shows e.g. "3.8us"): comparable with the per-event steps.
  state.counters["time_per_record"] = benchmark::Counter(
      static_cast<double>(records), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ratio"] =
      bytes_out > 0 ? static_cast<double>(bytes_in) / static_cast<double>(bytes_out) : 0.0;
}

// GzipMemberEncoder::append_member: compression alone, no file.
void gzip_encoder(benchmark::State& state, const InputPtr& input) {
  recording::GzipMemberEncoder encoder(static_cast<int>(state.range(0)));
  std::string out;
  std::size_t batch = 0, records = 0, bytes_in = 0, bytes_out = 0;
  for (auto _ : state) {
    const NdjsonBatch& lines = input->ndjson_batches[batch];
    out.clear();
    if (!encoder.append_member(lines.lines, out)) {
      state.SkipWithError("gzip compression failed");
      break;
    }
    records += lines.records;
    bytes_in += lines.lines.size();
    bytes_out += out.size();
    if (++batch == input->ndjson_batches.size()) batch = 0;
  }
  batch_counters(state, records, bytes_in, bytes_out);
}

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "depthrec-bench-XXXXXX");
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// GzipRotatingSink::write of a batch: it passes the flush threshold, so each write compresses
// one member and appends it to the segment file with one write(2) (page cache, no fsync).
void gzip_sink(benchmark::State& state, const InputPtr& input) {
  TempDir dir;
  if (dir.path().empty()) {
    state.SkipWithError("cannot create a temp directory");
    return;
  }
  GzipRotatingSinkConfig config;
  config.directory = dir.path();
  config.symbol = input->corpus.symbol;
  config.compression_level = static_cast<int>(state.range(0));
  GzipRotatingSink sink(config);
  std::size_t batch = 0, records = 0, bytes_in = 0;
  for (auto _ : state) {
    const NdjsonBatch& lines = input->ndjson_batches[batch];
    if (const SinkStatus status = sink.write(lines.lines); !status.ok()) {
      state.SkipWithError(status.message.c_str());
      break;
    }
    records += lines.records;
    bytes_in += lines.lines.size();
    if (++batch == input->ndjson_batches.size()) batch = 0;
  }
  sink.close();
  batch_counters(state, records, bytes_in, sink.stats().bytes_out);
}

}  // namespace

void register_writer_benchmarks(const InputPtr& input) {
  const std::string suffix = std::string("/") + input->market_name();
  benchmark::RegisterBenchmark(("gzip_encoder" + suffix).c_str(), gzip_encoder, input)
      ->ArgName("level")
      ->Arg(1)
      ->Arg(6);
  benchmark::RegisterBenchmark(("gzip_sink" + suffix).c_str(), gzip_sink, input)
      ->ArgName("level")
      ->Arg(1)
      ->Arg(6);
}

}  // namespace depthrec::bench
