#include "session_hot_path.hpp"

#include <stdexcept>

namespace depthrec::bench {
namespace {

StreamKey key_for(const RecorderConfig& config) {
  return StreamKey{config.market, to_upper(config.symbol),
                   depth_stream_name(config.symbol, DepthStreamSpec{0, config.speed})};
}

}  // namespace

RecorderConfig session_config_for(const ReplayCorpus& corpus) {
  RecorderConfig config;
  config.market = corpus.market;
  config.symbol = corpus.symbol;
  config.depth_levels = 0;  // full book: the diff stream, snapshot + diffs
  // The capture's stream suffix, e.g. "btcusdt@depth@0ms" -> "0ms", so the session's stream
  // name matches the frames' and the Recorder's stream check passes.
  const std::size_t at = corpus.stream.rfind('@');
  config.speed = at != std::string::npos && corpus.stream.compare(at, 6, "@depth") != 0
                     ? corpus.stream.substr(at + 1)
                     : std::string();
  config.write_files = true;
  return config;
}

SessionHotPath::SessionHotPath(const ReplayCorpus& corpus, std::unique_ptr<RecordSink> sink)
    : corpus_(corpus),
      config_(session_config_for(corpus)),
      metrics_(key_for(config_), wall_clock_ns()),
      writer_(std::move(sink), AsyncWriterConfig{}) {
  if (key_for(config_).stream != corpus.stream) {
    throw std::runtime_error("session stream " + key_for(config_).stream +
                             " does not match the capture's " + corpus.stream);
  }
}

SessionHotPath::~SessionHotPath() {
  session_.reset();  // before the writer it pushes into
  writer_.stop();
}

session::SessionHooks SessionHotPath::hooks() {
  session::SessionHooks hooks;
  hooks.request_snapshot = [](bool) {};  // rewind() answers with the capture's snapshot
  // As Recorder's hook (src/session/recorder_wiring.cpp): try_push with the record's priority,
  // drops counted locally, queue depth read once (its rate-limited drop warning is left out: no
  // drop happens here).
  hooks.write = [this](std::string& line, const RecordContext& context, bool marker) {
    session::PushInfo info;
    const auto priority = marker ? AsyncWriter::Priority::marker : AsyncWriter::Priority::data;
    if (writer_.try_push(line, context, priority) != AsyncWriter::PushResult::accepted) {
      ++queue_drops_;
    }
    info.queue_depth = static_cast<std::int64_t>(writer_.queue_depth());
    info.drops_total = queue_drops_;
    return info;
  };
  return hooks;
}

bool SessionHotPath::feed(std::size_t index) {
  const std::int64_t recv_ns = wall_clock_ns();
  const std::string& text = corpus_.depth_frames[index].json;
  if (parser_.parse(text, frame_) != ParseError::none || frame_.type != FrameType::depth_update) {
    return false;
  }
  const StreamKey& key = session_->key();
  if (frame_.stream != key.stream || frame_.depth.symbol != key.symbol) return false;
  session_->on_depth(frame_, recv_ns, text.size());
  return true;
}

void SessionHotPath::rewind() {
  session_.reset();
  session_ = std::make_unique<session::FeedSession>(config_, metrics_, hooks());
  session_->on_connected(1, "wss://replay", wall_clock_ns());
  for (std::size_t i = 0; i < corpus_.frames_before_snapshot; ++i) feed(i);
  session::RestAnswer answer;
  answer.status = 200;
  answer.body = corpus_.snapshot_body;
  answer.sent_ns = answer.received_ns = wall_clock_ns();
  session_->on_snapshot_answer(answer);
  for (std::size_t i = corpus_.frames_before_snapshot; i < corpus_.first_synced; ++i) feed(i);
  if (!session_->sync().book_valid()) throw std::runtime_error("session did not sync on replay");
}

bool SessionHotPath::process(std::size_t index) {
  return feed(index);
}

std::size_t SessionHotPath::replay_once() {
  rewind();
  const std::uint64_t applied_before = session_->sync().counters().applied;
  for (std::size_t i = corpus_.first_synced; i < corpus_.depth_frames.size(); ++i) feed(i);
  return static_cast<std::size_t>(session_->sync().counters().applied - applied_before);
}

}  // namespace depthrec::bench
