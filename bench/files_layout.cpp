// depthrec-files-bench: the segment layout for many streams (docs/records.md, "Files") against
// today's single member per flush, on the real captures and on a synthetic whole-market mix.
//
//   ./build/depthrec-files-bench [--streams 2000] [--events-per-sec 20000] [--seconds 10]
//
// Each scenario writes the same lines, flushed once per (simulated) second, through a
// GzipRotatingSink into a temp directory, twice: "one_member" (every stream's lines of a flush in
// one gzip member: the layout before issue 12) and "per_stream" (one member per stream and
// flush). Printed per layout: bytes per event, compression ratio, MB/s of uncompressed lines per
// CPU second (this thread: compression + write(2)), members, peak memory of the pending buffers,
// and the CPU to read ONE stream back: StreamSegmentReader (its members only) vs zlib over the
// whole file (what zcat does).
#include <time.h>
#include <unistd.h>

#include <zlib.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_input.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/stream_segment_reader.hpp"

namespace {

using namespace depthrec;

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Line {
  std::uint32_t stream = 0;
  std::uint32_t second = 0;  // flush period
  std::string text;
};

struct Scenario {
  std::string name;
  std::vector<std::string> stream_names;
  std::vector<Line> lines;  // in arrival order
};

std::vector<std::string> split_lines(const bench::BenchInput& input) {
  std::vector<std::string> lines;
  for (const auto& batch : input.ndjson_batches) {
    std::size_t begin = 0;
    while (begin < batch.lines.size()) {
      const std::size_t end = batch.lines.find('\n', begin);
      lines.push_back(batch.lines.substr(begin, end + 1 - begin));
      begin = end + 1;
    }
  }
  return lines;
}

std::int64_t recv_ns_of(const std::string& line) {
  const std::size_t at = line.find("\"recv_ns\":");
  return at == std::string::npos ? 0 : std::stoll(line.substr(at + 10, 20));
}

// The captures as recorded: each line flushed in the second it was received.
Scenario real_scenario(const std::string& name,
                       const std::vector<const bench::BenchInput*>& inputs) {
  Scenario s;
  s.name = name;
  std::int64_t start = INT64_MAX;
  std::vector<std::pair<std::int64_t, Line>> merged;
  for (std::uint32_t k = 0; k < inputs.size(); ++k) {
    s.stream_names.push_back(inputs[k]->context.stream);
    for (auto& text : split_lines(*inputs[k])) {
      const std::int64_t ns = recv_ns_of(text);
      start = std::min(start, ns);
      merged.push_back({ns, Line{k, 0, std::move(text)}});
    }
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [ns, line] : merged) {
    line.second = static_cast<std::uint32_t>((ns - start) / 1'000'000'000);
    s.lines.push_back(std::move(line));
  }
  return s;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A whole market: `streams` streams with Zipf(1) rates (a few hot symbols, a long tail of quiet
// ones) at `rate` events/s in all; each stream replays real lines of one capture (usdm for even
// streams, spot for odd) under its own symbol, in order.
Scenario synthetic_scenario(const std::vector<std::vector<std::string>>& templates, int streams,
                            int rate, int seconds) {
  Scenario s;
  s.name = "synthetic_" + std::to_string(streams) + "_streams";
  std::vector<double> cumulative;
  double total = 0;
  for (int k = 0; k < streams; ++k) {
    total += 1.0 / (k + 1);
    cumulative.push_back(total);
    char symbol[32];
    std::snprintf(symbol, sizeof symbol, "s%04dusdt", k);
    s.stream_names.push_back(std::string(symbol) + "@depth@100ms");
  }
  std::mt19937_64 random(2026);
  std::uniform_real_distribution<double> pick(0, total);
  std::vector<std::size_t> next(static_cast<std::size_t>(streams), 0);
  for (int second = 0; second < seconds; ++second) {
    for (int e = 0; e < rate; ++e) {
      const auto k = static_cast<std::size_t>(
          std::lower_bound(cumulative.begin(), cumulative.end(), pick(random)) -
          cumulative.begin());
      const auto& source = templates[k % 2];
      std::string text = source[next[k]++ % source.size()];
      char upper[32];
      std::snprintf(upper, sizeof upper, "S%04dUSDT", static_cast<int>(k));
      text = replace_all(std::move(text), "BTCUSDT", upper);
      text = replace_all(std::move(text), "btcusdt@depth@0ms", s.stream_names[k]);
      text = replace_all(std::move(text), "btcusdt@depth@100ms", s.stream_names[k]);
      s.lines.push_back(
          Line{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(second), std::move(text)});
    }
  }
  return s;
}

std::string gunzip_all(const std::string& path, double& cpu) {
  const double t0 = thread_cpu_s();
  gzFile file = gzopen(path.c_str(), "rb");
  std::string text;
  char buffer[1 << 16];
  int n = 0;
  while (file != nullptr && (n = gzread(file, buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<std::size_t>(n));
  if (file != nullptr) gzclose(file);
  cpu = thread_cpu_s() - t0;
  return text;
}

void run_layout(const Scenario& s, bool per_stream, std::size_t flush_threshold_bytes) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("depthrec-files-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  GzipRotatingSinkConfig config;
  config.directory = dir.string();
  config.symbol = "BTCUSDT";
  config.file_prefix = kMultiStreamPrefix;
  config.rotate_interval = std::chrono::seconds(3600);  // one segment: the figures of one file
  config.clock = [&now] { return now; };
  config.flush_threshold_bytes = flush_threshold_bytes;
  std::uint64_t raw = 0;
  double cpu = 0;
  std::uint64_t members = 0;
  GzipRotatingSinkStats stats;
  {
    GzipRotatingSink sink(config);
    std::uint32_t second = 0;
    const double t0 = thread_cpu_s();
    for (const Line& line : s.lines) {
      if (line.second != second) {
        sink.flush();
        second = line.second;
        now += std::chrono::seconds(1);
      }
      raw += line.text.size();
      if (per_stream) {
        sink.write_stream(line.text, StreamTag{line.stream, s.stream_names[line.stream]});
      } else {
        sink.write(line.text);
      }
    }
    sink.close();
    cpu = thread_cpu_s() - t0;
    stats = sink.stats();
  }
  std::string path;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) path = entry.path().string();
  std::string error;
  auto reader = StreamSegmentReader::open(path, error);
  const SegmentListing listing = reader->list();
  members = listing.members.size();
  // Read one stream back: a mid-rate one (the 10th by rate in the synthetic mix).
  const std::size_t wanted = std::min<std::size_t>(9, s.stream_names.size() - 1);
  double whole_cpu = 0;
  const std::string whole = gunzip_all(path, whole_cpu);
  double one_cpu = 0;
  std::string one;
  if (per_stream) {
    const double t0 = thread_cpu_s();
    reader->read_stream(s.stream_names[wanted], one);
    one_cpu = thread_cpu_s() - t0;
  }
  const double events = static_cast<double>(s.lines.size());
  std::printf(
      "FILES %-26s %-10s streams=%zu events=%zu raw_MB=%.1f bytes_per_event=%.1f ratio=%.2f "
      "MB_per_cpu_s=%.0f members=%" PRIu64
      " pending_peak_KiB=%.0f read_whole_ms=%.1f "
      "read_one_stream_ms=%s\n",
      s.name.c_str(), per_stream ? "per_stream" : "one_member", s.stream_names.size(),
      s.lines.size(), static_cast<double>(raw) / 1e6, static_cast<double>(stats.bytes_out) / events,
      static_cast<double>(raw) / static_cast<double>(stats.bytes_out),
      static_cast<double>(raw) / 1e6 / cpu, members,
      static_cast<double>(stats.pending_buffer_bytes_max) / 1024.0, whole_cpu * 1e3,
      per_stream ? std::to_string(one_cpu * 1e3).substr(0, 6).c_str() : "-");
  if (whole.size() != raw)
    std::printf("FILES ERROR: zlib read %zu bytes of %" PRIu64 "\n", whole.size(), raw);
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"depthrec-files-bench: segment layouts compared (docs/records.md, Files)"};
  int streams = 2000;
  int rate = 20000;
  int seconds = 10;
  std::size_t threshold_kib = GzipRotatingSinkConfig{}.flush_threshold_bytes / 1024;
  bool synthetic_only = false;
  app.add_option("--streams", streams, "streams of the synthetic mix")
      ->check(CLI::Range(2, 100000));
  app.add_option("--events-per-sec", rate, "events/s of the synthetic mix, all streams")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--seconds", seconds, "simulated seconds (one flush each)")
      ->check(CLI::Range(1, 3600));
  app.add_option("--flush-threshold-kib", threshold_kib,
                 "the sink's flush threshold (pending lines of all streams)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 22));
  app.add_flag("--synthetic-only", synthetic_only, "skip the real captures' scenarios");
  CLI11_PARSE(app, argc, argv);
  const auto usdm = bench::load_bench_input(Market::usdm);
  const auto spot = bench::load_bench_input(Market::spot);
  std::vector<Scenario> scenarios;
  if (!synthetic_only) {
    scenarios.push_back(real_scenario("real_usdm", {usdm.get()}));
    scenarios.push_back(real_scenario("real_spot", {spot.get()}));
  }
  scenarios.push_back(
      synthetic_scenario({split_lines(*usdm), split_lines(*spot)}, streams, rate, seconds));
  for (const Scenario& s : scenarios) {
    run_layout(s, false, threshold_kib * 1024);
    run_layout(s, true, threshold_kib * 1024);
  }
  return 0;
}
