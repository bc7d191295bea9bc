// depthrec-hot-path: replays every synced depth frame of a real capture N times through the hot
// path, with no benchmark framework around it, so that callgrind (bench/callgrind_hot_path.sh)
// counts only the recorder's own instructions. Prints one line of key=value figures.
//
//   depthrec-hot-path --iterations 20 [--market usdm|spot] [--path steps|session]
//                     [--sink null|gzip [--gzip-level 1]] [--capture FILE.gz]
//   depthrec-hot-path --pace-us 100 [--iterations 1 ...]
//
// --iterations 0 loads and prepares everything but replays nothing: subtracting that run from
// another removes the start-up cost. --pace-us N sleeps N us after each event, as a recorder
// idles between frames at 1e6/N events/s, and prints the percentiles of each event's time: the
// cost of the hot path when it starts cold, without the network.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "counting_sink.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "hot_path.hpp"
#include "replay_corpus.hpp"
#include "session_hot_path.hpp"

namespace {

using depthrec::Market;
namespace bench = depthrec::bench;

struct Options {
  int iterations = 20;
  std::string market = "usdm";
  std::string path = "steps";
  std::string sink = "null";
  int gzip_level = 1;
  std::string capture;  // empty: the market's real capture
  int pace_us = 0;      // > 0: sleep after each event and report per-event percentiles
};

// The gzip sink writes under a fresh temp directory, removed at exit.
struct SinkChoice {
  std::unique_ptr<depthrec::RecordSink> sink;
  std::string temp_dir;
  ~SinkChoice() {
    std::error_code ec;
    if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir, ec);
  }
};

void make_sink(const Options& options, const bench::ReplayCorpus& corpus, SinkChoice& out) {
  if (options.sink == "null") {
    out.sink = std::make_unique<bench::CountingSink>(std::make_shared<bench::SinkCounters>());
    return;
  }
  std::string pattern = std::filesystem::temp_directory_path() / "depthrec-hot-path-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temp dir");
  out.temp_dir = pattern;
  depthrec::GzipRotatingSinkConfig config;
  config.directory = out.temp_dir;
  config.symbol = corpus.symbol;
  config.compression_level = options.gzip_level;
  out.sink = std::make_unique<depthrec::GzipRotatingSink>(config);
}

// Each event timed alone, with a sleep after it: percentiles of the per-event time.
template <class Path>
int replay_paced(const Options& options, const bench::ReplayCorpus& corpus, Path& path) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> ns;
  ns.reserve(corpus.synced_count() * static_cast<std::size_t>(std::max(options.iterations, 1)));
  for (int i = 0; i < options.iterations; ++i) {
    path.rewind();
    for (std::size_t k = corpus.first_synced; k < corpus.depth_frames.size(); ++k) {
      const auto start = Clock::now();
      const bool ok = path.process(k);
      ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
      if (!ok) {
        std::fprintf(stderr, "depthrec-hot-path: frame %zu was not applied\n", k);
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(options.pace_us));
    }
  }
  path.stop();
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) {
    return ns[std::min(ns.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ns.size())))];
  };
  std::printf(
      "market=%s path=%s sink=%s pace_us=%d events=%zu per_event_ns p50=%.0f p95=%.0f p99=%.0f "
      "p999=%.0f max=%.0f\n",
      options.market.c_str(), options.path.c_str(), options.sink.c_str(), options.pace_us,
      ns.size(), at(0.50), at(0.95), at(0.99), at(0.999), ns.back());
  return 0;
}

template <class Path>
int replay(const Options& options, const bench::ReplayCorpus& corpus, SinkChoice& sink) {
  Path path(corpus, std::move(sink.sink));
  if (options.pace_us > 0) return replay_paced(options, corpus, path);
  const auto start = std::chrono::steady_clock::now();
  std::size_t events = 0;
  for (int i = 0; i < options.iterations; ++i) {
    const std::size_t applied = path.replay_once();
    if (applied != corpus.synced_count()) {
      std::fprintf(stderr, "depthrec-hot-path: pass %d applied %zu of %zu events\n", i, applied,
                   corpus.synced_count());
      return 1;
    }
    events += applied;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  path.stop();  // the writer drains: its thread's work is part of a callgrind total
  const depthrec::AsyncWriterStats writer = path.writer_stats();
  std::printf(
      "market=%s path=%s sink=%s iterations=%d events=%zu seconds=%.6f ns_per_event=%.1f "
      "events_per_sec=%.0f mean_frame_bytes=%zu writer_drops=%llu\n",
      options.market.c_str(), options.path.c_str(), options.sink.c_str(), options.iterations,
      events, seconds, events > 0 ? seconds * 1e9 / static_cast<double>(events) : 0.0,
      seconds > 0 ? static_cast<double>(events) / seconds : 0.0,
      corpus.depth_bytes / corpus.depth_frames.size(),
      static_cast<unsigned long long>(writer.dropped));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"depthrec-hot-path: replays real depth frames through the recorder's hot path"};
  app.add_option("--iterations", options.iterations, "Replays of the capture (0: start-up only)")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  app.add_option("--market", options.market, "Which real capture: usdm or spot")
      ->check(CLI::IsMember({"usdm", "spot"}))
      ->capture_default_str();
  app.add_option("--path", options.path,
                 "steps: parse+sync+record+try_push; session: the recorder's FeedSession")
      ->check(CLI::IsMember({"steps", "session"}))
      ->capture_default_str();
  app.add_option("--sink", options.sink, "Writer sink: null (counts) or gzip (temp dir files)")
      ->check(CLI::IsMember({"null", "gzip"}))
      ->capture_default_str();
  app.add_option("--gzip-level", options.gzip_level, "gzip level of --sink gzip")
      ->check(CLI::Range(1, 9))
      ->capture_default_str();
  app.add_option("--capture", options.capture, "A `<recv_ns> <json>` gzip capture instead")
      ->check(CLI::ExistingFile);
  app.add_option("--pace-us", options.pace_us,
                 "Sleep this long after each event; print per-event time percentiles")
      ->check(CLI::Range(0, 1'000'000));
  CLI11_PARSE(app, argc, argv);

  try {
    const Market market = *depthrec::parse_market(options.market);
    const bench::ReplayCorpus corpus = bench::load_replay_corpus(
        options.capture.empty() ? bench::real_capture_path(market) : options.capture, market);
    SinkChoice sink;
    make_sink(options, corpus, sink);
    return options.path == "session" ? replay<bench::SessionHotPath>(options, corpus, sink)
                                     : replay<bench::HotPath>(options, corpus, sink);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "depthrec-hot-path: %s\n", error.what());
    return 1;
  }
}
