// One feed (market, symbol, depth stream) from frame to record: validates and syncs each depth
// event, keeps the book, hands each applied update to the library callback, writes the
// recording's lines, and feeds the metrics. It does no I/O itself: snapshot requests, record
// hand-off, timers and logging go through SessionHooks, so tests drive it without a network.
// Every method runs on the network thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "depthrec/book_sync.hpp"
#include "depthrec/book_update_queue.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/recorder.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/records.hpp"
#include "depthrec/text_log.hpp"

namespace depthrec::session {

// What the writer said about one hand-off.
struct PushInfo {
  std::int64_t queue_depth = -1;  // < 0: nothing was pushed (no writer)
  std::uint64_t drops_total = 0;
};

// A REST answer as the session needs it (filled from the transport's response).
struct RestAnswer {
  long status = 0;
  std::string body;
  std::string error;  // transport failure, empty when an HTTP status came back
  std::int64_t sent_ns = 0;
  std::int64_t received_ns = 0;
};

struct SessionHooks {
  std::function<void()> request_snapshot;     // answer comes to on_snapshot_answer()
  std::function<void()> request_server_time;  // answer comes to on_server_time_answer()
  // Hands a record line to the writer (the context names the feed in a writer_drop marker).
  // `marker`: a snapshot/gap/resync/connect/disconnect record, which a full queue must still take
  // (AsyncWriter::Priority::marker); depth and ticker lines are data.
  std::function<PushInfo(std::string& line, const RecordContext& context, bool marker)>
      write;  // empty: no files
  std::function<void(std::chrono::milliseconds, std::function<void()>)> schedule;
  std::function<void(LogLevel, const std::string&)> log;
};

class FeedSession {
 public:
  FeedSession(const RecorderConfig& config, FeedMetrics& metrics, SessionHooks hooks);

  void set_callback(UpdateCallback callback) { callback_ = std::move(callback); }
  void set_queue(std::shared_ptr<BookUpdateQueue> queue) { queue_ = std::move(queue); }

  const StreamKey& key() const { return key_; }
  const BookSynchronizer& sync() const { return sync_; }

  void on_connected(std::uint64_t conn_id, std::string_view url, std::int64_t now_ns);
  void on_disconnected(std::string_view reason, std::optional<int> code, std::int64_t now_ns);
  // A depth event of this feed (frame.type depth_update or spot_partial_depth).
  void on_depth(const Frame& frame, std::int64_t recv_ns, std::size_t frame_bytes);
  void on_ticker(const BookTicker& ticker, std::int64_t recv_ns);
  void on_snapshot_answer(const RestAnswer& answer);
  // GET /fapi/v1/time (or /api/v3/time): one more sample for the clock-offset estimate.
  void on_server_time_answer(const RestAnswer& answer);

 private:
  void handle_outcome(const UpdateResult& result, const DepthUpdate& update, std::int64_t recv_ns);
  void record_gap(GapReason reason, const ContinuityVerdict* verdict, std::uint64_t dropped,
                  std::int64_t recv_ns);
  void record_join(const SyncJoin& join, std::int64_t now_ns);
  void request_snapshot(std::chrono::milliseconds delay);
  void publish(const DepthUpdate& update, std::int64_t recv_ns, std::int64_t& callback_ns);
  PushInfo write(std::string& line, bool marker = true);
  void log(LogLevel level, const std::string& message);
  BookTop book_top() const;

  const RecorderConfig& config_;
  FeedMetrics& metrics_;
  SessionHooks hooks_;
  StreamKey key_;
  RecordContext context_;
  BookSynchronizer sync_;
  UpdateCallback callback_;
  std::shared_ptr<BookUpdateQueue> queue_;
  std::string line_;  // reused record buffer
  std::string url_;

  bool snapshot_in_flight_ = false;
  bool snapshot_retry_pending_ = false;
  int snapshot_failures_ = 0;  // consecutive, for the retry backoff
  bool ever_synced_ = false;
  std::optional<GapReason> pending_gap_;  // why the current sync started (nullopt: initial)
  std::int64_t sync_started_ns_ = 0;
  bool offset_warned_ = false;
  std::uint64_t callback_errors_ = 0;
};

}  // namespace depthrec::session
