#include "bench_input.hpp"

namespace depthrec::bench {
namespace {

constexpr std::size_t kBatchBytes = std::size_t{1} << 20;  // GzipRotatingSinkConfig's default

}  // namespace

void append_capture_record(std::string& out, const RecordContext& context,
                           const DepthUpdate& update, std::int64_t recv_ns) {
  const double latency_event_ms =
      static_cast<double>(recv_ns - update.event_time_ms * 1'000'000) / 1e6;
  append_depth_record(out, context, update, recv_ns, latency_event_ms, 0.004);
}

BenchInput::BenchInput(ReplayCorpus loaded)
    : corpus(std::move(loaded)),
      updates(parse_all(corpus)),
      synced_start(synced_before_first_applied(corpus)) {
  context.market = corpus.market;
  context.symbol = corpus.symbol;
  context.stream = corpus.stream;
  context.conn_id = 1;
  NdjsonBatch batch;
  for (std::size_t i = 0; i < updates.size(); ++i) {
    append_capture_record(batch.lines, context, updates[i], corpus.depth_frames[i].recv_ns);
    ++batch.records;
    if (batch.lines.size() >= kBatchBytes) {
      ndjson_bytes += batch.lines.size();
      ndjson_batches.push_back(std::move(batch));
      batch = NdjsonBatch{};
    }
  }
  if (batch.records > 0) {
    ndjson_bytes += batch.lines.size();
    ndjson_batches.push_back(std::move(batch));
  }
}

const char* BenchInput::market_name() const {
  return corpus.market == Market::spot ? "spot" : "usdm";
}

std::shared_ptr<const BenchInput> load_bench_input(Market market) {
  return std::make_shared<const BenchInput>(load_replay_corpus(real_capture_path(market), market));
}

}  // namespace depthrec::bench
