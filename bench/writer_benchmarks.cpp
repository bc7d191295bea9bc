// The writer thread's work: gzip of the recorder's NDJSON, one ~1 MB batch per iteration (the
// size at which GzipRotatingSink flushes a member by itself). Reported per record too
// (time_per_record), to compare with the network thread's per-event cost.
// gzip_member_size: one member per iteration at the sizes a whole market's streams make (most are
// quiet: half its members are under 1 KB), the encoder against the compressors it was chosen over.
#include <benchmark/benchmark.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/stream_segment_reader.hpp"
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

// Whole lines of the capture's batches, cut into members of about `target` bytes (at least one
// line each), up to 256 of them.
std::vector<std::string> members_of_size(const BenchInput& input, std::size_t target) {
  std::vector<std::string> members;
  std::string member;
  for (const NdjsonBatch& batch : input.ndjson_batches) {
    std::size_t at = 0;
    while (at < batch.lines.size() && members.size() < 256) {
      const std::size_t end = batch.lines.find('\n', at);
      if (end == std::string::npos) break;
      member.append(batch.lines, at, end + 1 - at);
      at = end + 1;
      if (member.size() >= target) {
        members.push_back(member);
        member.clear();
      }
    }
  }
  return members;
}

// The compressors a member could go through, each with its state kept between members as the
// writer keeps it. compress() returns the member's size (deflate bytes + gzip's 18 of header and
// trailer), CRC32 included in the work.
enum class MemberCompressor { encoder = 0, libdeflate_level1 = 1, zlib_level1_reset = 2 };

class MemberCompressors {
 public:
  MemberCompressors() : libdeflate_(libdeflate_alloc_compressor(1), libdeflate_free_compressor) {
    zlib_ok_ = deflateInit2(&zlib_, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~MemberCompressors() {
    if (zlib_ok_) deflateEnd(&zlib_);
  }
  MemberCompressors(const MemberCompressors&) = delete;
  MemberCompressors& operator=(const MemberCompressors&) = delete;
  bool ready() const { return zlib_ok_ && libdeflate_ != nullptr; }

  std::size_t compress(MemberCompressor which, const std::string& member) {
    if (which == MemberCompressor::encoder) {  // level 1: igzip
      out_.clear();
      encoder_.append_member(member, out_);
      return out_.size();
    }
    if (which == MemberCompressor::libdeflate_level1) {
      const std::size_t bound = libdeflate_deflate_compress_bound(libdeflate_.get(), member.size());
      if (scratch_.size() < bound) scratch_.resize(bound);
      const std::size_t written = libdeflate_deflate_compress(
          libdeflate_.get(), member.data(), member.size(), scratch_.data(), bound);
      benchmark::DoNotOptimize(libdeflate_crc32(0, member.data(), member.size()));
      return kGzipFraming + written;
    }
    deflateReset(&zlib_);
    const std::size_t bound = deflateBound(&zlib_, member.size());
    if (scratch_.size() < bound) scratch_.resize(bound);
    zlib_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data()));
    zlib_.avail_in = static_cast<uInt>(member.size());
    zlib_.next_out = scratch_.data();
    zlib_.avail_out = static_cast<uInt>(bound);
    deflate(&zlib_, Z_FINISH);
    benchmark::DoNotOptimize(
        crc32(0, reinterpret_cast<const Bytef*>(member.data()), static_cast<uInt>(member.size())));
    return kGzipFraming + (bound - zlib_.avail_out);
  }

 private:
  static constexpr std::size_t kGzipFraming = 18;
  recording::GzipMemberEncoder encoder_{1};
  std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> libdeflate_;
  z_stream zlib_{};
  bool zlib_ok_ = false;
  std::string out_;
  std::vector<unsigned char> scratch_;
};

void gzip_member_size(benchmark::State& state, const InputPtr& input) {
  const auto which = static_cast<MemberCompressor>(state.range(0));
  const std::vector<std::string> members =
      members_of_size(*input, static_cast<std::size_t>(state.range(1)));
  MemberCompressors compressors;
  if (members.empty() || !compressors.ready()) {
    state.SkipWithError("capture too small or no compressor");
    return;
  }
  std::size_t index = 0, bytes_in = 0, bytes_out = 0;
  for (auto _ : state) {
    const std::string& member = members[index];
    bytes_out += compressors.compress(which, member);
    bytes_in += member.size();
    if (++index == members.size()) index = 0;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes_in));
  const double iterations = static_cast<double>(state.iterations());
  state.counters["member_in"] = static_cast<double>(bytes_in) / iterations;
  state.counters["member_out"] = static_cast<double>(bytes_out) / iterations;
}

// The members of a real run's segment (DEPTHREC_BENCH_SEGMENT, at most 20,000 of them): each
// iteration compresses all of them; per member: the Time column / members, member_out its size.
void gzip_segment_members(benchmark::State& state,
                          const std::shared_ptr<const std::vector<std::string>>& members) {
  const auto which = static_cast<MemberCompressor>(state.range(0));
  MemberCompressors compressors;
  if (!compressors.ready()) {
    state.SkipWithError("no compressor");
    return;
  }
  std::size_t bytes_in = 0, bytes_out = 0;
  for (auto _ : state) {
    for (const std::string& member : *members) {
      bytes_out += compressors.compress(which, member);
      bytes_in += member.size();
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(members->size()));
  const double count =
      static_cast<double>(state.iterations()) * static_cast<double>(members->size());
  state.counters["members"] = static_cast<double>(members->size());
  state.counters["member_in"] = static_cast<double>(bytes_in) / count;
  state.counters["member_out"] = static_cast<double>(bytes_out) / count;
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
  // compressor: 0 the encoder at level 1 (igzip), 1 libdeflate level 1, 2 zlib level 1 reset
  benchmark::RegisterBenchmark(("gzip_member_size" + suffix).c_str(), gzip_member_size, input)
      ->ArgNames({"compressor", "bytes"})
      ->ArgsProduct({{0, 1, 2}, {300, 1000, 3000, 10000, 30000}});
}

void register_segment_member_benchmarks() {
  const char* path = std::getenv("DEPTHREC_BENCH_SEGMENT");
  if (path == nullptr) return;
  std::string error;
  const auto reader = StreamSegmentReader::open(path, error);
  if (!reader) throw std::runtime_error("DEPTHREC_BENCH_SEGMENT: " + error);
  auto members = std::make_shared<std::vector<std::string>>();
  for (const SegmentMember& member : reader->list().members) {
    if (members->size() == 20'000) break;
    std::string lines;
    error = reader->read_member(member, lines);
    if (!error.empty()) throw std::runtime_error("DEPTHREC_BENCH_SEGMENT: " + error);
    members->push_back(std::move(lines));
  }
  const std::shared_ptr<const std::vector<std::string>> shared = members;
  benchmark::RegisterBenchmark("gzip_segment_members", gzip_segment_members, shared)
      ->ArgName("compressor")
      ->DenseRange(0, 2)
      ->Unit(benchmark::kMillisecond);
}

}  // namespace depthrec::bench
