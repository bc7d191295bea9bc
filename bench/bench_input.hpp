// Everything the micro-benchmarks of one market read, prepared once before any of them runs:
// the capture, its frames parsed, the synced starting book, and the NDJSON the recorder would
// write for them (in ~1 MB batches, the size at which the gzip sink flushes by itself).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "depthrec/book_sync.hpp"
#include "depthrec/depth_event.hpp"
#include "depthrec/records.hpp"
#include "replay_corpus.hpp"

namespace depthrec::bench {

struct NdjsonBatch {
  std::string lines;
  std::size_t records = 0;
};

struct BenchInput {
  explicit BenchInput(ReplayCorpus loaded);
  BenchInput(const BenchInput&) = delete;
  BenchInput& operator=(const BenchInput&) = delete;

  const char* market_name() const;  // "usdm" | "spot": the benchmarks' name suffix

  const ReplayCorpus corpus;
  const std::vector<DepthUpdate> updates;  // one per corpus.depth_frames entry
  const BookSynchronizer synced_start;     // see synced_before_first_applied()
  RecordContext context;                   // the feed the records are about
  std::vector<NdjsonBatch> ndjson_batches;
  std::size_t ndjson_bytes = 0;
};

// Loads the real capture of `market`; throws std::runtime_error like load_replay_corpus.
std::shared_ptr<const BenchInput> load_bench_input(Market market);

// The depth record of `update` as the recorder writes it (receipt time from the capture).
void append_capture_record(std::string& out, const RecordContext& context,
                           const DepthUpdate& update, std::int64_t recv_ns);

}  // namespace depthrec::bench
