#include "hot_path.hpp"

#include "depthrec/feed_metrics.hpp"

namespace depthrec::bench {

HotPath::HotPath(const ReplayCorpus& corpus, std::unique_ptr<RecordSink> sink)
    : corpus_(corpus),
      synced_start_(synced_before_first_applied(corpus)),
      sync_(synced_start_),
      writer_(std::move(sink), AsyncWriterConfig{}) {
  context_.market = corpus.market;
  context_.symbol = corpus.symbol;
  context_.stream = corpus.stream;
  context_.conn_id = 1;
  line_.reserve(8192);
}

void HotPath::rewind() {
  sync_ = synced_start_;
}

bool HotPath::process(std::size_t index) {
  // As the recorder does: the receipt time is taken when the frame arrives, the pipeline latency
  // just before the record is formatted.
  const std::int64_t recv_ns = wall_clock_ns();
  const std::string& text = corpus_.depth_frames[index].json;
  if (parser_.parse(text, frame_) != ParseError::none || frame_.type != FrameType::depth_update) {
    return false;
  }
  const DepthUpdate& update = frame_.depth;
  const UpdateResult result = sync_.on_update(update);
  const double latency_event_ms =
      static_cast<double>(recv_ns - update.event_time_ms * 1'000'000) / 1e6;
  const double pipeline_ms = static_cast<double>(wall_clock_ns() - recv_ns) / 1e6;
  append_depth_record(line_, context_, update, recv_ns, latency_event_ms, pipeline_ms);
  writer_.try_push(line_, context_);
  return result.outcome == UpdateOutcome::applied;
}

std::size_t HotPath::replay_once() {
  rewind();
  std::size_t applied = 0;
  for (std::size_t i = corpus_.first_synced; i < corpus_.depth_frames.size(); ++i) {
    applied += process(i) ? 1 : 0;
  }
  return applied;
}

}  // namespace depthrec::bench
