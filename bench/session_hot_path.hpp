// The recorder's per-event work as the recorder itself wires it: FrameParser::parse, the
// Recorder's stream/symbol checks, then session::FeedSession::on_depth (sync, depth record,
// writer hand-off, FeedMetrics::record_event). The write hook does what Recorder's does
// (try_push, then queue depth and drop count for the metrics). No network, no files: the writer
// feeds a CountingSink. Compared with HotPath, the difference is the session's bookkeeping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "depthrec/async_writer.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/recorder_config.hpp"
#include "replay_corpus.hpp"
#include "session/feed_session.hpp"

namespace depthrec::bench {

// The config of a full-book session on the capture's stream (its market, symbol and speed).
RecorderConfig session_config_for(const ReplayCorpus& corpus);

class SessionHotPath {
 public:
  // `corpus` must outlive the SessionHotPath. The writer takes `sink` and starts its thread.
  SessionHotPath(const ReplayCorpus& corpus, std::unique_ptr<RecordSink> sink);
  ~SessionHotPath();

  // A fresh session on a new connection: the frames before the snapshot, the snapshot answer,
  // and the frames up to first_synced are fed, so that the next frame is applied synced.
  void rewind();
  // One event: frame `index` (>= first_synced, in order since the last rewind). False when the
  // frame is not a depth frame of this feed.
  bool process(std::size_t index);
  // rewind(), then every frame from first_synced to the end. Returns how many were applied.
  std::size_t replay_once();

  void stop() { writer_.stop(); }
  AsyncWriterStats writer_stats() const { return writer_.stats(); }
  MetricsSnapshot metrics(std::int64_t now_ns) const { return metrics_.snapshot(now_ns); }

 private:
  session::SessionHooks hooks();
  bool feed(std::size_t index);

  const ReplayCorpus& corpus_;
  RecorderConfig config_;
  FeedMetrics metrics_;
  AsyncWriter writer_;
  FrameParser parser_;
  Frame frame_;
  std::unique_ptr<session::FeedSession> session_;
  std::uint64_t queue_drops_ = 0;
};

}  // namespace depthrec::bench
