// One feed (market, symbol, depth stream) from frame to record: validates and syncs each depth
// event, keeps the book, hands each applied update to the library callback, writes the
// recording's stream lines (depth, ticker, snapshot, gap, resync), and feeds the metrics. It does
// no I/O itself: snapshot requests, record hand-off, timers and logging go through SessionHooks,
// so tests drive it without a network. Connection duties (connect/disconnect records, server
// time, retiring a rolled-over connection) belong to the ConnectionSession that carries it.
// Every method runs on the network thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
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
#include "model/book_sample_grid.hpp"
#include "session/log_throttle.hpp"
#include "session/observer_registry.hpp"
#include "session/presync_budget.hpp"

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
  // 429/418: the Retry-After wait (already capped by the transport); the fetcher holds every
  // request back that long.
  std::optional<std::chrono::seconds> retry_after;
};

struct SessionHooks {
  // Answer comes to on_snapshot_answer(). `resync`: the book had synced and lost it (the REST
  // scheduler serves those before first syncs); false: the book's first sync.
  std::function<void(bool resync)> request_snapshot;
  // A snapshot asked for on a connection that is gone: drop it if still queued (its answer, if
  // it was already sent, still comes and is handled as any other).
  std::function<void()> cancel_snapshot;
  // Hands a record line to the writer (the context names the feed in a writer_drop marker).
  // `marker`: a snapshot/gap/resync/connect/disconnect record, which a full queue must still take
  // (AsyncWriter::Priority::marker); depth and ticker lines are data.
  std::function<PushInfo(std::string& line, const RecordContext& context, bool marker)>
      write;  // empty: no files
  // Hands a `book` line (--redis-book-every) to the Redis sink only: the files hold the sync's
  // snapshot and every event, from which a reader rebuilds the book itself. Empty: no Redis.
  std::function<void(std::string& line, const RecordContext& context)> publish_book;
  std::function<void(std::chrono::milliseconds, std::function<void()>)> schedule;
  std::function<void(LogLevel, const std::string&)> log;
  // Once, when the book is first synced (a full book joined its snapshot; a partial-depth book
  // took its first event): a service manager is told the recorder is ready (LifecycleHooks).
  std::function<void()> synced;
};

class FeedSession;

// What a depth stream tells the connection that carries it (ConnectionSession): the connection,
// not the stream, writes the connect/disconnect records and retires a rolled-over connection,
// once every stream on it has joined the successor.
class StreamCarrier {
 public:
  // The stream's book joined successor `conn_id` (`overlap`: its events the book already had).
  virtual void stream_joined(FeedSession& feed, std::uint64_t conn_id, std::uint64_t overlap,
                             std::int64_t now_ns) = 0;
  // The stream's book cannot join successor `conn_id` (its held events reached the bound).
  virtual void stream_cannot_join(FeedSession& feed, std::uint64_t conn_id,
                                  const std::string& reason, std::int64_t now_ns) = 0;

 protected:
  ~StreamCarrier() = default;
};

class FeedSession {
 public:
  FeedSession(const RecorderConfig& config, FeedMetrics& metrics, SessionHooks hooks);
  ~FeedSession();  // gives its buffered bytes back to the shared budget
  FeedSession(const FeedSession&) = delete;
  FeedSession& operator=(const FeedSession&) = delete;

  // The library's consumers of this stream's updates (any number; see update_consumers.hpp).
  void add_callback(UpdateCallback callback) { callbacks_.push_back(std::move(callback)); }
  void add_queue(std::shared_ptr<BookUpdateQueue> queue) {
    // The key every queued state carries (TopOfBook::key), made once with the first queue: a
    // stream without a queue (most of thousands) holds none, the event path tests nothing.
    if (!shared_key_) shared_key_ = std::make_shared<const StreamKey>(key_);
    queues_.push_back(std::move(queue));
  }
  // The observers of this stream (observer_registry.hpp): its depth events, book states, tickers.
  // A ticker names its own stream (<symbol>@bookTicker).
  void set_observers(BookObservers observers) {
    observers_ = std::move(observers);
    split_grid_observers();
    if (!observers_.book_ticker.empty())
      ticker_key_ = std::make_shared<const StreamKey>(
          StreamKey{key_.market, key_.symbol, ticker_context_.stream});
  }
  // Bounds on the events that wait for a snapshot (presync_budget.hpp). With a tail, the owner
  // must call on_snapshot_dispatched() when the requested snapshot is sent: until then the
  // stream keeps its tail only.
  void set_presync(PresyncOptions options) { presync_ = options; }
  // The snapshot asked for last went out (its lastUpdateId is taken from now on).
  void on_snapshot_dispatched();
  PresyncState presync_figures() const;
  // The connection that carries the stream (ConnectionSession::add_feed).
  void attach(StreamCarrier* carrier) { carrier_ = carrier; }

  const StreamKey& key() const { return key_; }
  // The symbol's bookTicker route belongs to its normal book: the RPI book, a book of its own on
  // the same connection, never takes a ticker.
  bool takes_ticker_route() const { return !config_.rpi_book; }
  // The writer's ids of the depth stream and of its bookTicker stream (RecordContext::stream_id,
  // the writer's per-stream members and writer_drop markers). A one-stream run keeps 0 and 1; a
  // many-stream run numbers them from its subscription table.
  void set_stream_ids(std::uint32_t depth, std::uint32_t ticker) {
    context_.stream_id = depth;
    ticker_context_.stream_id = ticker;
  }
  const BookSynchronizer& sync() const { return sync_; }
  // The engine keeps more books than the caches hold: each event asks for its book's blocks
  // before changing them (OrderBook::set_prefetch_blocks). A lone book stays in cache.
  void set_many_books(bool on) { sync_.set_prefetch_book_blocks(on); }
  FeedMetrics& metrics() const { return metrics_; }

  // The connection whose events the book follows (and whose id the records carry).
  std::uint64_t active_conn() const { return context_.conn_id; }
  bool rollover_pending() const { return successor_.has_value(); }

  // The stream's connection opened: a new sync begins (the connect record is the connection's).
  void on_connected(std::uint64_t conn_id, std::string_view url, std::int64_t now_ns);
  // A connection ended: the active one (gap + reconnect), a retired one (rolled_over: no gap) or
  // a successor that never took over (nothing recorded). The disconnect record is the
  // connection's.
  void on_disconnected(std::uint64_t conn_id, std::string_view reason, std::optional<int> code,
                       std::int64_t now_ns);
  // A depth event of this feed (frame.type depth_update or spot_partial_depth) from `conn_id`.
  void on_depth(std::uint64_t conn_id, const Frame& frame, std::int64_t recv_ns,
                std::size_t frame_bytes);
  void on_depth(const Frame& frame, std::int64_t recv_ns, std::size_t frame_bytes) {
    on_depth(context_.conn_id, frame, recv_ns, frame_bytes);
  }
  // Make-before-break rollover (feed_session_rollover.cpp): a successor connection opened while
  // `replaced_conn_id` (the active one) still delivers. Its events are held (bounded by
  // max_buffered_events) until one joins the book's continuity (futures: pu == last u; spot:
  // U <= last u + 1 <= u), or until it delivers the book's last event itself (u == last u: the
  // successor caught up); the ones the book already has are dropped as overlap; then the
  // successor becomes the active connection and the carrier is told (it retires the old one once
  // every stream has joined). No gap, no snapshot. A book not synced joins the same way on its
  // stream's newest event (at once if it had none) and keeps its buffer and snapshot request.
  void on_successor_open(std::uint64_t conn_id, std::uint64_t replaced_conn_id,
                         std::string_view url, std::int64_t now_ns);
  // The transport gave the rollover up; the old connection's close (a normal reconnect) follows.
  void on_rollover_failed(std::uint64_t conn_id, std::string_view reason, std::int64_t now_ns);
  // The stream did not join successor `conn_id`, but the other streams of the connection did and
  // the old connection is retired: this stream alone moves to the successor with a gap (reason
  // reconnect) and resyncs from a new snapshot.
  void move_to_successor(std::uint64_t conn_id, std::int64_t now_ns);
  // A frame of `conn_id` was refused (parse error). If it carried this feed's next event, the
  // next event does not chain, and the gap it shows is recorded with reason parse_error.
  void on_refused_frame(std::uint64_t conn_id);
  void on_ticker(const BookTicker& ticker, std::int64_t recv_ns);
  // The stream is no longer recorded (unsubscribed: delisted, halted, refused): its snapshot is
  // cancelled and it ignores every later event, answer and timer. Its lines already handed to
  // the writer become its last gzip member at the next flush; its metrics keep their figures.
  void stop(std::string_view reason);
  bool stopped() const { return stopped_; }
  void on_snapshot_answer(const RestAnswer& answer);
  // GET /fapi/v1/time (or /api/v3/time): one more sample for the clock-offset estimate.
  void on_server_time_answer(const RestAnswer& answer);

 private:
  struct HeldEvent {  // a successor's event, owning its text
    DepthUpdate update;
    std::string symbol, bids_json, asks_json;
    std::int64_t recv_ns = 0;
    std::size_t frame_bytes = 0;
  };
  struct Successor {
    std::uint64_t conn_id = 0;
    std::uint64_t replaced_conn_id = 0;
    std::string url;
    std::int64_t opened_ns = 0;
    std::deque<HeldEvent> held;
    std::uint64_t overlap = 0;  // its events the book already had
  };
  // The stream lost its connection's events: a reconnect gap, and the book is unsynced.
  void record_connection_lost(std::int64_t now_ns);
  void process_depth(const DepthUpdate& update, std::int64_t recv_ns, std::size_t frame_bytes);
  void hold_successor_event(const DepthUpdate& update, std::int64_t recv_ns,
                            std::size_t frame_bytes);
  void try_switch(std::int64_t now_ns);
  // A close of the successor or of the retired connection (true: handled, nothing else to do).
  bool rollover_disconnect(std::uint64_t conn_id, std::string_view reason, std::optional<int> code,
                           std::int64_t now_ns);
  bool joins_book(const DepthUpdate& update, std::uint64_t last_u) const;
  // The u a successor's events must continue: the book's last one, or, for a book not synced,
  // the newest its stream delivered (0: no event yet, nothing to continue).
  std::uint64_t join_point() const;
  void switch_to_successor(std::int64_t now_ns);
  void handle_outcome(const UpdateResult& result, const DepthUpdate& update, std::int64_t recv_ns);
  GapReason break_reason(const UpdateResult& result) const;
  void record_gap(GapReason reason, const ContinuityVerdict* verdict, std::uint64_t dropped,
                  std::int64_t recv_ns);
  void record_join(const SyncJoin& join, std::int64_t now_ns);
  void announce_synced() {
    if (announced_synced_) return;
    announced_synced_ = true;
    if (hooks_.synced) hooks_.synced();
  }
  void request_snapshot(std::chrono::milliseconds delay);
  // After the buffer changed: the tail and the shared bound (presync_budget.hpp).
  void bound_presync(std::int64_t now_ns);
  void publish(const DepthUpdate& update, std::int64_t recv_ns, std::int64_t& callback_ns);
  // on_book observers with a sampling grid (ObserverOptions::every_ns) leave observers_.book.
  void split_grid_observers();
  // Before an event received at `recv_ns` changes the book: the grid points due before it, the
  // book as it is (one comparison per grid observer when none is due).
  void sample_book_grids(std::int64_t recv_ns);
  PushInfo write(std::string& line, bool marker = true);
  // --redis-book-every: the book as a `book` line for the Redis sink, every N events applied.
  void publish_book_if_due(const UpdateResult& result, const DepthUpdate& update,
                           std::int64_t recv_ns);
  PushInfo write(std::string& line, const RecordContext& context, bool marker);
  void log(LogLevel level, const std::string& message);
  // A line a peer can cause once per event (continuity breaks): throttled (LogThrottle).
  void log_per_event(LogLevel level, const std::string& message);
  BookTop book_top() const;

  const RecorderConfig& config_;
  FeedMetrics& metrics_;
  SessionHooks hooks_;
  StreamCarrier* carrier_ = nullptr;
  StreamKey key_;
  RecordContext context_;
  RecordContext ticker_context_;  // context_ with the bookTicker stream's name
  BookSynchronizer sync_;
  std::vector<UpdateCallback> callbacks_;
  std::vector<std::shared_ptr<BookUpdateQueue>> queues_;
  std::shared_ptr<const StreamKey> shared_key_;  // key_, for the queued states (TopOfBook::key)
  BookObservers observers_;
  struct GridObserver {
    std::shared_ptr<ObserverSink<TopOfBook>> sink;
    BookSampleGrid grid;
  };
  std::vector<GridObserver> grid_observers_;
  std::int64_t last_book_change_ns_ = 0;         // receive time of the update that made the book
  std::shared_ptr<const StreamKey> ticker_key_;  // for the bookTicker observers' events
  std::string line_;                             // reused record buffer
  std::optional<std::int64_t> last_book_ns_;     // --redis-book-every 5s: the last book's recv time
  std::uint64_t applied_since_book_ = 0;         // --redis-book-every: events since the last book
  std::string url_;

  PresyncOptions presync_;
  std::size_t presync_accounted_ = 0;  // this buffer's bytes as presync_.budget counts them
  std::uint64_t presync_budget_dropped_ = 0;
  std::uint64_t snapshots_too_old_ = 0;
  bool snapshot_dispatched_ = false;  // the request in flight was sent (the tail ends)
  bool stopped_ = false;
  bool snapshot_in_flight_ = false;
  bool snapshot_retry_pending_ = false;
  int snapshot_failures_ = 0;  // consecutive, for the retry backoff
  bool ever_synced_ = false;
  bool announced_synced_ = false;         // hooks_.synced called
  std::optional<GapReason> pending_gap_;  // why the current sync started (nullopt: initial)
  std::int64_t sync_started_ns_ = 0;
  bool offset_warned_ = false;
  bool refused_frame_pending_ = false;  // a frame was refused since the last depth event
  std::uint64_t callback_errors_ = 0;
  LogThrottle event_logs_;  // log_per_event()

  std::optional<Successor> successor_;
  std::uint64_t retired_conn_ = 0;   // rolled over, its close not yet seen
  std::uint64_t stream_last_u_ = 0;  // the newest u of the active connection's events (join_point)
  std::uint64_t late_events_ = 0;    // events of the retired connection after the switch
};

}  // namespace depthrec::session
