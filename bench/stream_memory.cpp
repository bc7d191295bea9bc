// depthrec-stream-memory: heap bytes per stream at whole-market scale (issue 12). Builds N streams
// as the engine does (engine_wiring.cpp: a RecorderConfig copy, a FeedMetrics and a FeedSession
// each), then drives every stream through a real capture: connect, buffered frames, the REST
// snapshot, K synced events (record lines handed to a write hook that takes each line away, as
// AsyncWriter::try_push swaps it into its ring: the writer's own buffers, shared by all streams,
// are measured by depthrec-files-bench). Heap bytes in
// use come from glibc's mallinfo2() before and after each phase, so each phase's figure is what
// its structures hold, whatever the allocator's page reuse. Prints one STREAM_MEMORY line.
//
//   depthrec-stream-memory [--streams 2000] [--events 200] [--market usdm|spot] [--capture FILE]
//       [--wait-frames N [--presync-tail-ms 3000] [--max-presync-buffer-mb 256]]
//
// --wait-frames N first has every stream wait for its snapshot while N frames arrive (a
// whole-market first sync: every request still queued), under the engine's pre-sync bounds
// (session/presync_budget.hpp; --presync-tail-ms 0 with a huge --max-presync-buffer-mb is the
// unbounded buffering before them), and prints one PRESYNC_MEMORY line.
//
// The book of a synced stream holds the capture's snapshot (usdm 1,000 levels a side; the engine
// at whole-market scale runs with a smaller --snapshot-limit): the `synced` phase is dominated by
// it, the `built` phase (what every stream costs before a byte arrives) is not.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/recorder_config.hpp"
#include "replay_corpus.hpp"
#include "session/feed_session.hpp"
#include "session/presync_budget.hpp"
#include "session_hot_path.hpp"

namespace {

using depthrec::Market;
namespace bench = depthrec::bench;
namespace session = depthrec::session;

struct Options {
  int streams = 2000;
  int events = 200;
  std::string market = "usdm";
  std::string capture;
  int wait_frames = 0;
  long presync_tail_ms = 3'000;
  std::size_t max_presync_mb = 256;
};

std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;  // small blocks + mmapped ones
}

// One stream as the engine holds it (EngineStream: its config, metrics and session).
struct Stream {
  depthrec::RecorderConfig config;
  std::unique_ptr<depthrec::FeedMetrics> metrics;
  std::unique_ptr<session::FeedSession> feed;
};

session::SessionHooks dropping_hooks() {
  session::SessionHooks hooks;
  hooks.request_snapshot = [](bool) {};  // answered from the capture below
  hooks.write = [](std::string& line, const depthrec::RecordContext&, bool) {
    std::string().swap(line);  // the line leaves the stream, as into the writer's ring
    return session::PushInfo{0, 0};
  };
  return hooks;
}

void feed_frame(const bench::ReplayCorpus& corpus, std::size_t index, depthrec::FrameParser& parser,
                depthrec::Frame& frame, session::FeedSession& feed) {
  const std::string& text = corpus.depth_frames[index].json;
  if (parser.parse(text, frame) != depthrec::ParseError::none) return;
  feed.on_depth(1, frame, depthrec::wall_clock_ns(), text.size());
}

void sync_and_run(const bench::ReplayCorpus& corpus, std::size_t events, Stream& stream,
                  depthrec::FrameParser& parser, depthrec::Frame& frame) {
  session::FeedSession& feed = *stream.feed;
  feed.on_connected(1, "wss://memory-bench", depthrec::wall_clock_ns());
  for (std::size_t i = 0; i < corpus.frames_before_snapshot; ++i)
    feed_frame(corpus, i, parser, frame, feed);
  session::RestAnswer answer;
  answer.status = 200;
  answer.body = corpus.snapshot_body;
  answer.sent_ns = answer.received_ns = depthrec::wall_clock_ns();
  feed.on_snapshot_answer(answer);
  const std::size_t end = std::min(corpus.depth_frames.size(), corpus.first_synced + events);
  for (std::size_t i = corpus.frames_before_snapshot; i < end; ++i)
    feed_frame(corpus, i, parser, frame, feed);
}

// `count` streams of their own, each waiting with its request queued while `frames` frames
// arrive: heap growth and the shared budget's figures. They are gone before the other phases.
void wait_for_snapshots(const bench::ReplayCorpus& corpus, const Options& options,
                        std::size_t count, depthrec::FrameParser& parser, depthrec::Frame& frame) {
  session::PresyncBudget budget(options.max_presync_mb << 20);
  const session::PresyncOptions presync{std::chrono::milliseconds(options.presync_tail_ms),
                                        &budget};
  const std::size_t frames =
      std::min(corpus.depth_frames.size(), static_cast<std::size_t>(options.wait_frames));
  std::vector<Stream> streams(count);
  const depthrec::StreamKey key{corpus.market, corpus.symbol, corpus.stream};
  for (Stream& stream : streams) {
    stream.config = bench::session_config_for(corpus);
    stream.metrics = std::make_unique<depthrec::FeedMetrics>(key, depthrec::wall_clock_ns());
    stream.feed =
        std::make_unique<session::FeedSession>(stream.config, *stream.metrics, dropping_hooks());
    stream.feed->set_presync(presync);
    stream.feed->on_connected(1, "wss://memory-bench", depthrec::wall_clock_ns());
  }
  const std::size_t before = heap_in_use();
  // Frame by frame across the streams, as they arrive in a run, so the shared bound sees all.
  for (std::size_t i = 0; i < frames; ++i) {
    for (Stream& stream : streams) feed_frame(corpus, i, parser, frame, *stream.feed);
  }
  const std::size_t waiting = heap_in_use();
  std::uint64_t trimmed = 0;
  std::uint64_t dropped = 0;
  std::size_t kept = 0;
  for (const Stream& stream : streams) {
    const depthrec::PresyncState figures = stream.feed->presync_figures();
    trimmed += figures.tail_trimmed;
    dropped += figures.budget_dropped;
    kept += stream.feed->sync().buffered_count();
  }
  const double span_s = frames < 2 ? 0.0
                                   : static_cast<double>(corpus.depth_frames[frames - 1].recv_ns -
                                                         corpus.depth_frames[0].recv_ns) /
                                         1e9;
  std::printf(
      "PRESYNC_MEMORY streams=%zu wait_frames=%zu wait_s=%.1f tail_ms=%ld bound_mib=%zu "
      "peak_buffered_mib=%.1f heap_growth_mib=%.1f events_kept_per_stream=%.1f "
      "tail_trimmed=%llu budget_dropped=%llu\n",
      streams.size(), frames, span_s, options.presync_tail_ms, options.max_presync_mb,
      static_cast<double>(budget.peak()) / (1024.0 * 1024.0),
      (static_cast<double>(waiting) - static_cast<double>(before)) / (1024.0 * 1024.0),
      static_cast<double>(kept) / static_cast<double>(streams.size()),
      static_cast<unsigned long long>(trimmed), static_cast<unsigned long long>(dropped));
}

double per_stream(std::size_t before, std::size_t after, std::size_t streams) {
  return (static_cast<double>(after) - static_cast<double>(before)) / static_cast<double>(streams);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"depthrec-stream-memory: heap bytes per stream, built and synced"};
  app.add_option("--streams", options.streams, "Streams to build")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  app.add_option("--events", options.events, "Synced events fed to each stream")
      ->check(CLI::Range(0, 1'000'000))
      ->capture_default_str();
  app.add_option("--market", options.market, "Which real capture: usdm or spot")
      ->check(CLI::IsMember({"usdm", "spot"}))
      ->capture_default_str();
  app.add_option("--capture", options.capture, "A `<recv_ns> <json>` gzip capture instead")
      ->check(CLI::ExistingFile);
  app.add_option("--wait-frames", options.wait_frames,
                 "First, frames every stream receives while its snapshot request is queued")
      ->check(CLI::Range(0, 10'000'000));
  app.add_option("--presync-tail-ms", options.presync_tail_ms, "As depthrec's (0: keep all)")
      ->check(CLI::Range(0L, 86'400'000L))
      ->capture_default_str();
  app.add_option("--max-presync-buffer-mb", options.max_presync_mb, "As depthrec's")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    const Market market = *depthrec::parse_market(options.market);
    const bench::ReplayCorpus corpus = bench::load_replay_corpus(
        options.capture.empty() ? bench::real_capture_path(market) : options.capture, market);
    const auto count = static_cast<std::size_t>(options.streams);
    depthrec::FrameParser parser;
    depthrec::Frame frame;
    if (options.wait_frames > 0) wait_for_snapshots(corpus, options, count, parser, frame);
    std::vector<Stream> streams(count);

    const std::size_t start = heap_in_use();
    for (Stream& stream : streams) stream.config = bench::session_config_for(corpus);
    const std::size_t configs = heap_in_use();
    const depthrec::StreamKey key{corpus.market, corpus.symbol, corpus.stream};
    for (Stream& stream : streams) {
      stream.metrics = std::make_unique<depthrec::FeedMetrics>(key, depthrec::wall_clock_ns());
    }
    const std::size_t metrics = heap_in_use();
    for (Stream& stream : streams) {
      stream.feed =
          std::make_unique<session::FeedSession>(stream.config, *stream.metrics, dropping_hooks());
    }
    const std::size_t built = heap_in_use();
    for (Stream& stream : streams) {
      sync_and_run(corpus, static_cast<std::size_t>(options.events), stream, parser, frame);
    }
    const std::size_t synced = heap_in_use();
    for (Stream& stream : streams) (void)stream.metrics->roll_window(depthrec::wall_clock_ns());
    const std::size_t rolled = heap_in_use();

    std::size_t book_levels = 0;
    for (const Stream& stream : streams) {
      const depthrec::OrderBook& book = stream.feed->sync().book();
      book_levels += book.bid_count() + book.ask_count();
    }
    std::printf(
        "STREAM_MEMORY market=%s streams=%zu events_per_stream=%d config_bytes=%.0f "
        "feed_metrics_bytes=%.0f feed_session_bytes=%.0f built_bytes_per_stream=%.0f "
        "synced_growth_bytes=%.0f synced_bytes_per_stream=%.0f book_levels_per_stream=%zu "
        "after_window_roll_bytes_per_stream=%.0f total_synced_mib=%.1f\n",
        options.market.c_str(), count, options.events, per_stream(start, configs, count),
        per_stream(configs, metrics, count), per_stream(metrics, built, count),
        per_stream(start, built, count), per_stream(built, synced, count),
        per_stream(start, synced, count), book_levels / count, per_stream(start, rolled, count),
        (static_cast<double>(synced) - static_cast<double>(start)) / (1024.0 * 1024.0));
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "depthrec-stream-memory: %s\n", error.what());
    return 1;
  }
}
