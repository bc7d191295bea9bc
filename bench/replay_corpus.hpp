// The real Binance captures (/work/shared/data/real) as benchmark input: every depth frame of one
// file, its REST snapshot, and where the book is synced, so that each benchmark replays exactly
// what a recorder connected to Binance received.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/book_sync.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/market.hpp"

namespace depthrec::bench {

struct CorpusFrame {
  std::int64_t recv_ns = 0;  // the capture's receive time
  std::string json;          // the frame exactly as received ({"stream":..,"data":{..}})
};

struct ReplayCorpus {
  Market market = Market::usdm;
  std::string path;
  std::string symbol;                     // from the frames, e.g. "BTCUSDT"
  std::string stream;                     // from the frames, e.g. "btcusdt@depth@0ms"
  std::vector<CorpusFrame> depth_frames;  // every depthUpdate frame, in file order
  std::string snapshot_body;              // the REST snapshot, verbatim
  // Depth frames received before the snapshot line: a recorder buffers them.
  std::size_t frames_before_snapshot = 0;
  // The first frame applied in the synced state; every frame from here on is `applied`.
  std::size_t first_synced = 0;
  std::size_t depth_bytes = 0;   // sum of depth frame sizes
  std::size_t depth_levels = 0;  // sum of bid and ask levels over every depth frame

  std::size_t synced_count() const { return depth_frames.size() - first_synced; }
};

// The capture of `market` (usdm or spot) in the real-data folder the build was configured with.
std::string real_capture_path(Market market);

// Reads a `<recv_ns> <json>` gzip capture, keeps its depth frames and snapshot, and runs Binance's
// sync procedure over it once to find first_synced. Throws std::runtime_error when the file cannot
// be read, a frame does not parse, or the capture does not sync and stay continuous (then it is
// not the input these benchmarks are meant for).
ReplayCorpus load_replay_corpus(const std::string& path, Market market);

// Every depth frame parsed into an owned DepthUpdate (bids_json/asks_json still view the corpus's
// frame text, so the corpus must outlive them).
std::vector<DepthUpdate> parse_all(const ReplayCorpus& corpus);

// A synchroniser that has taken the snapshot and every frame before first_synced: the state from
// which frames [first_synced, end) are each applied in the synced state.
BookSynchronizer synced_before_first_applied(const ReplayCorpus& corpus);

}  // namespace depthrec::bench
