#include "replay_corpus.hpp"

#include <zlib.h>

#include <memory>
#include <stdexcept>

#include "depthrec/frame_parser.hpp"
#include "depthrec/snapshot.hpp"

namespace depthrec::bench {
namespace {

struct CaptureLine {
  std::int64_t recv_ns = 0;
  std::string json;
};

std::vector<CaptureLine> read_capture(const std::string& path) {
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<CaptureLine> lines;
  std::string line;
  char chunk[1 << 16];
  while (gzgets(file.get(), chunk, sizeof chunk) != nullptr) {
    line += chunk;
    if (line.empty() || line.back() != '\n') continue;  // a longer line: keep reading
    line.pop_back();
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || space == 0) {
      throw std::runtime_error(path + ": a line without `<recv_ns> ` prefix");
    }
    CaptureLine parsed;
    try {
      parsed.recv_ns = std::stoll(line.substr(0, space));
    } catch (const std::exception&) {
      throw std::runtime_error(path + ": bad receive time '" + line.substr(0, space) + "'");
    }
    parsed.json = line.substr(space + 1);
    lines.push_back(std::move(parsed));
    line.clear();
  }
  if (!line.empty()) throw std::runtime_error(path + ": unterminated last line");
  return lines;
}

DepthSnapshot parse_snapshot_or_throw(const ReplayCorpus& corpus) {
  DepthSnapshot snapshot;
  if (const ParseError error = parse_snapshot(corpus.snapshot_body, snapshot);
      error != ParseError::none) {
    throw std::runtime_error(corpus.path + ": snapshot refused: " + std::string(to_string(error)));
  }
  return snapshot;
}

DepthUpdate parse_depth_or_throw(FrameParser& parser, const ReplayCorpus& corpus,
                                 std::size_t index) {
  Frame frame;
  const ParseError error = parser.parse(corpus.depth_frames[index].json, frame);
  if (error != ParseError::none || frame.type != FrameType::depth_update) {
    throw std::runtime_error(corpus.path + ": depth frame " + std::to_string(index) +
                             " does not parse");
  }
  return frame.depth;
}

}  // namespace

std::string real_capture_path(Market market) {
  const std::string dir = DEPTHREC_BENCH_DATA_DIR;
  return dir + (market == Market::spot ? "/spot_btcusdt_20240808.gz" : "/usdm_btcusdt_20240718.gz");
}

ReplayCorpus load_replay_corpus(const std::string& path, Market market) {
  ReplayCorpus corpus;
  corpus.market = market;
  corpus.path = path;
  FrameParser parser;
  Frame frame;
  bool have_snapshot = false;
  for (CaptureLine& line : read_capture(path)) {
    if (parser.parse(line.json, frame) != ParseError::none) {
      throw std::runtime_error(path + ": a line does not parse as a frame");
    }
    if (frame.type == FrameType::spot_partial_depth && frame.stream.empty()) {
      // A raw {"lastUpdateId",..} line: the REST snapshot of the capture.
      if (have_snapshot) throw std::runtime_error(path + ": more than one snapshot");
      have_snapshot = true;
      corpus.snapshot_body = std::move(line.json);
      corpus.frames_before_snapshot = corpus.depth_frames.size();
      continue;
    }
    if (frame.type != FrameType::depth_update) continue;  // bookTicker, trade
    if (corpus.symbol.empty()) {
      corpus.symbol = std::string(frame.depth.symbol);
      corpus.stream = std::string(frame.stream);
    }
    corpus.depth_bytes += line.json.size();
    corpus.depth_levels += frame.depth.bids.size() + frame.depth.asks.size();
    corpus.depth_frames.push_back(CorpusFrame{line.recv_ns, std::move(line.json)});
  }
  if (!have_snapshot || corpus.depth_frames.empty()) {
    throw std::runtime_error(path + ": no snapshot or no depth frames");
  }

  // Find the join, then prove every later frame is applied in the synced state.
  BookSynchronizer sync(market);
  for (std::size_t i = 0; i < corpus.frames_before_snapshot; ++i) {
    sync.on_update(parse_depth_or_throw(parser, corpus, i));
  }
  bool joined =
      sync.on_snapshot(parse_snapshot_or_throw(corpus)).outcome == SnapshotOutcome::joined;
  std::size_t next = corpus.frames_before_snapshot;
  for (; !joined && next < corpus.depth_frames.size(); ++next) {
    joined =
        sync.on_update(parse_depth_or_throw(parser, corpus, next)).outcome == UpdateOutcome::joined;
  }
  if (!joined) throw std::runtime_error(path + ": the snapshot never joins the stream");
  corpus.first_synced = next;
  for (std::size_t i = next; i < corpus.depth_frames.size(); ++i) {
    if (sync.on_update(parse_depth_or_throw(parser, corpus, i)).outcome != UpdateOutcome::applied) {
      throw std::runtime_error(path + ": frame " + std::to_string(i) +
                               " is not applied after the join (a gap in the capture?)");
    }
  }
  return corpus;
}

std::vector<DepthUpdate> parse_all(const ReplayCorpus& corpus) {
  FrameParser parser;
  std::vector<DepthUpdate> updates;
  updates.reserve(corpus.depth_frames.size());
  for (std::size_t i = 0; i < corpus.depth_frames.size(); ++i) {
    updates.push_back(parse_depth_or_throw(parser, corpus, i));
  }
  return updates;
}

BookSynchronizer synced_before_first_applied(const ReplayCorpus& corpus) {
  FrameParser parser;
  BookSynchronizer sync(corpus.market);
  for (std::size_t i = 0; i < corpus.frames_before_snapshot; ++i) {
    sync.on_update(parse_depth_or_throw(parser, corpus, i));
  }
  sync.on_snapshot(parse_snapshot_or_throw(corpus));
  for (std::size_t i = corpus.frames_before_snapshot; i < corpus.first_synced; ++i) {
    sync.on_update(parse_depth_or_throw(parser, corpus, i));
  }
  if (!sync.book_valid()) throw std::runtime_error(corpus.path + ": not synced at first_synced");
  return sync;
}

}  // namespace depthrec::bench
