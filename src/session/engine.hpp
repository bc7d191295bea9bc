// The many-stream recorder (issue 12): every subscription of RecorderConfig::subscriptions in one
// process. One NetworkLoop (one network thread); the ConnectionPlanner's connections, each a
// WsClient and the ConnectionSession that routes its frames by stream name; a FeedSession per
// depth stream (its book, records and metrics, its bookTicker beside it); one RestScheduler for
// every book's snapshots (the venue's budgets); one AsyncWriter and gzip sink for every stream.
//   socket -> WsClient -> FrameParser -> ConnectionSession -> FeedSession -> AsyncWriter -> files
// Recorder runs it when subscriptions are given, or a selection with ALL (resolved against
// exchangeInfo at start, engine_symbols.cpp); the single-stream recorder (recorder.cpp) is
// untouched by it. Building is in engine_wiring.cpp, the run loop and frames in engine.cpp, the
// metrics in engine_metrics.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "depthrec/async_writer.hpp"
#include "depthrec/book_update_queue.hpp"
#include "depthrec/csv_sink.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/recorder.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/stream_metrics.hpp"
#include "depthrec/text_log.hpp"
#include "plan/connection_planner.hpp"
#include "plan/subscription_follow.hpp"
#include "recording/data_dir_lock.hpp"
#include "redis/redis_publisher.hpp"
#include "session/channel_handler.hpp"
#include "session/connection_session.hpp"
#include "session/feed_session.hpp"
#include "session/log_throttle.hpp"
#include "session/metrics_print.hpp"
#include "session/observer_registry.hpp"
#include "session/parquet_wiring.hpp"
#include "session/presync_budget.hpp"
#include "session/redis_wiring.hpp"
#include "session/update_consumers.hpp"
#include "transport/network_loop.hpp"
#include "transport/rest_scheduler.hpp"
#include "transport/ws_client.hpp"
#include "venues/binance/symbol_resolution.hpp"

namespace depthrec::session {

// The writer's stream id of the `connections` stream (a subscription's StreamId n is n + 1).
inline constexpr std::uint32_t kConnectionsWriterId = 0;

// One depth stream and what it owns. Held by unique_ptr: its FeedSession keeps a reference to
// `config` and `metrics`.
struct EngineStream {
  RecorderConfig config;  // the run's config with this stream's market, symbol and channel
  StreamId depth_id;
  std::optional<StreamId> ticker_id;
  std::unique_ptr<FeedMetrics> metrics;
  std::unique_ptr<FeedSession> feed;
  transport::RestBudgetId budget = 0;
  transport::RestHandle snapshot_handle = 0;  // the last snapshot asked for (network thread)
  // Following exchangeInfo (engine_follow.cpp): "recording", or "removed" once unsubscribed
  // (delisted, halted, its SUBSCRIBE refused); its metrics then keep their final figures.
  bool removed = false;
  std::string removed_reason;
  std::uint64_t subscription_errors = 0;  // its SUBSCRIBE/UNSUBSCRIBE requests refused
  // The planned connection carrying it, for the exposition's `conn` label: set on the network
  // thread as the stream is placed, read by a scrape (stream_reports) without the connections.
  std::atomic<std::uint32_t> connection_id{0};
};

// One event-channel stream (trade, aggTrade...): its handler records it on its own.
struct EngineChannel {
  StreamId id;
  std::unique_ptr<ChannelHandler> handler;
  // Named in its connection's URL (carried from the connection's first socket); a listing's
  // channel placed on a live connection is SUBSCRIBEd on every socket instead, as a depth stream
  // beyond the URL is (engine_opening.cpp). Network thread.
  bool in_url = true;
  // Unsubscribed (its symbol delisted, its SUBSCRIBE refused): its handler stopped, its metrics
  // kept as "removed". Changed under Engine::streams_mutex_ (a scrape reads it).
  bool removed = false;
  std::string removed_reason;
};

// One planned connection: its WebSocket client and the session that routes its frames.
struct EngineConnection {
  std::uint32_t planned_id = 0;
  std::string url;
  std::vector<EngineStream*> streams;    // in the planner's order
  std::vector<EngineChannel*> channels;  // event channels, in the planner's order
  // The streams its URL names (engine_opening.cpp): its first ones, within plan::UrlBounds, chosen
  // once; the others are SUBSCRIBEd on every socket right after it opens. Only shrinks (a removed
  // stream), so a socket that began connecting earlier named at least these. Its channels are
  // always named.
  std::vector<const EngineStream*> in_url;
  std::unique_ptr<ConnectionSession> session;
  std::unique_ptr<transport::WsClient> ws;
  bool closed = false;              // its last stream was removed: stopped, never reconnected
  std::uint64_t pongs_counted = 0;  // the client's pongs already counted against the pacing
};

// A depth stream and its symbol's bookTicker, which rides with it (one FeedSession takes both).
struct DepthWithTicker {
  StreamId depth;
  std::optional<StreamId> ticker;
};
// The depth streams among `ids` (in their order), each with its symbol's bookTicker among `ids`
// if there is one; bookTickers whose depth stream is not among `ids` go to `unpaired`.
std::vector<DepthWithTicker> pair_with_tickers(const plan::SubscriptionTable& table,
                                               const std::vector<StreamId>& ids,
                                               std::vector<StreamId>& unpaired);

class Engine {
 public:
  // `consumers`: the library's callbacks and queues, each given the streams its filter names;
  // `lifecycle`: a service manager's first-sync and heartbeat hooks (lifecycle_hooks.hpp).
  Engine(RecorderConfig config, UpdateConsumers consumers, LifecycleHooks lifecycle = {});
  ~Engine();
  // Before prepare(): the library's observers (observer_registry.hpp), each stream given its own.
  void set_observers(std::shared_ptr<ObserverRegistry> observers) {
    observers_ = std::move(observers);
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Builds everything (engine_wiring.cpp); throws std::runtime_error naming what is wrong (a bad
  // or repeated key, a bookTicker without its depth stream, the data directory).
  void prepare();
  // The network loop on the calling thread until stop() or --run-minutes, then the teardown:
  // no more snapshots, the writer drained, the final metrics.
  void run();
  // Thread-safe, idempotent.
  void stop();
  // The aggregate over every stream (the seed's metrics.json top level). Thread-safe.
  MetricsSnapshot metrics() const;
  std::vector<StreamReport> stream_reports() const;     // any thread (Recorder::stream_reports)
  std::vector<ChannelFigures> channel_figures() const;  // any thread (Recorder::channel_figures)
  std::string last_error() const;
  bool on_network_thread() const;
  // Any thread once prepared: the text log reopens its path (SIGHUP after logrotate).
  void reopen_log() {
    if (log_) log_->reopen();
  }

 private:
  // --symbols ALL: the selection resolved against each market's exchangeInfo into
  // config_.subscriptions (engine_symbols.cpp).
  void resolve_symbols();
  std::optional<binance::ExchangeInfo> fetch_exchange_info_at_start(Market market);
  // False when stop() came first.
  bool wait_unless_stopped(std::chrono::milliseconds delay);
  void build_streams();
  void build_writer();
  void build_connections();
  // One depth stream (and its bookTicker beside it), as build_streams() and the follow make it.
  std::unique_ptr<EngineStream> make_stream(const SubscriptionKey& key,
                                            std::optional<StreamId> ticker_id);
  // Feeds prefetch their book's blocks once there are more books than the caches hold
  // (FeedSession::set_many_books); called whenever streams_ grows.
  void prefetch_if_many_books();
  // One event channel's stream (its handler from the registry, channel_handlers.cpp).
  std::unique_ptr<EngineChannel> make_channel(const SubscriptionKey& key);
  // One planned connection's client and session (not started); nullptr when it carries no
  // depth stream. Its streams must be in by_depth_id_.
  std::unique_ptr<EngineConnection> make_connection(const plan::PlannedConnection& planned);
  std::string url_of(const EngineConnection& connection) const;
  // After the follow changed what a connection carries: its URL again, told to its socket (the
  // next open uses it) and its session (its records name it).
  void refresh_url(EngineConnection& connection) const;

  // A connection's opening (engine_opening.cpp): its URL names its first streams, the rest are
  // SUBSCRIBEd on each socket as it opens (primary or rollover successor), paced.
  void choose_url_streams(EngineConnection& connection) const;
  // Socket `conn_id` opened: SUBSCRIBEs for the streams of `feeds` its URL does not name.
  void subscribe_beyond_url(EngineConnection& connection, std::uint64_t conn_id,
                            const std::vector<FeedSession*>& feeds);
  // The join deadline and rollover timeout allow for the pacing of those SUBSCRIBEs.
  void allow_for_opening(EngineConnection& connection) const;
  std::size_t streams_beyond_url(const EngineConnection& connection) const;

  // --symbols ALL followed while running (engine_follow.cpp).
  void start_follow();
  void poll_exchange_info();
  void on_exchange_info(Market market, const std::string& error, binance::ExchangeInfo info);
  void apply_follow(const binance::ExchangeInfoChanges& changes);
  void place_stream(EngineStream& stream, std::uint32_t planned_id);
  void remove_stream(EngineStream& stream, const std::string& reason);
  // A listing's event channels (engine_follow_channels.cpp): made and placed as its depth stream
  // is; a delisting's stopped and taken off their connection.
  void add_listed_channels(const plan::FollowChange& change);
  void place_channel(EngineChannel& channel, std::uint32_t planned_id);
  void remove_symbol_channels(Market market, const std::string& symbol, const std::string& reason);
  void remove_channel(EngineChannel& channel, const std::string& reason);
  // The channel of `id`, nullptr when `id` is no event channel's.
  EngineChannel* channel_by_id(StreamId id) const;
  // Why the streams of an UNSUBSCRIBE go ("removed" unless a stream says more).
  std::string removal_reason(const std::vector<StreamId>& ids) const;
  void close_if_empty(EngineConnection& connection, const std::string& reason);
  void pump_follow();
  void arm_pump();
  void on_subscription_reply(EngineConnection& connection, const SubscriptionReply& reply,
                             std::string_view payload, std::int64_t recv_ns);
  EngineConnection* connection_by_planned_id(std::uint32_t planned_id);
  RecordContext connections_context(const EngineConnection& connection) const;
  SessionHooks stream_hooks(EngineStream& stream);
  ConnectionHooks connection_hooks(EngineConnection& connection);
  transport::WsEvents connection_events(EngineConnection& connection);
  PushInfo write(std::string& line, const RecordContext& context, bool marker);
  void request_snapshot(EngineStream& stream, bool resync);
  void request_server_time(EngineConnection& connection);
  // --repair-trades: the aggTrades fetch of `key`'s aggTrade handler (ChannelHooks).
  using AggTradesFetcher = decltype(ChannelHooks::fetch_agg_trades);
  AggTradesFetcher agg_trades_fetcher(const SubscriptionKey& key);
  // --repair-trades with no aggTrade stream: said at start rather than silently ignored.
  void warn_if_nothing_to_repair();

  void handle_frame(EngineConnection& connection, std::uint64_t conn_id, std::string_view payload,
                    bool binary, std::int64_t recv_ns);
  FeedMetrics& metrics_of(const EngineConnection& connection, const FeedSession* feed);
  void stop_clients();
  // The periodic print (engine_metrics.cpp, metrics_print.hpp): on the network thread, the
  // process-wide figures and every stream's window closed into print_input_ (gather_print); on
  // the print thread (the final print: inline), the rest (print_metrics).
  void write_metrics(bool final);
  void gather_print(bool final);
  void print_metrics();
  void render_print();
  // Every stream's roll finished into print_snapshots_; merged_histograms_ holds their
  // histograms added (the aggregate's).
  void roll_stream_windows();
  // metrics.json's "symbols" (a --symbols ALL run; null otherwise), built once per change.
  std::optional<SelectionFigures> selection_figures() const;
  void fail(const std::string& error);
  void warn_frame(const std::string& message);

  RecorderConfig config_;
  UpdateConsumers consumers_;
  std::shared_ptr<ObserverRegistry> observers_ = std::make_shared<ObserverRegistry>();
  LifecycleHooks lifecycle_;
  bool announced_synced_ = false;  // lifecycle_.first_synced called (network thread)

  std::unique_ptr<TextLog> log_;
  std::unique_ptr<recording::DataDirLock> data_dir_lock_;
  GzipRotatingSink* files_ = nullptr;  // owned by the writer
  CsvSink* csv_files_ = nullptr;       // --format csv|both; owned by the writer
  std::unique_ptr<AsyncWriter> writer_;
  std::unique_ptr<redis::RedisPublisher> redis_;  // --redis: beside the writer, its own thread
  std::unique_ptr<export_parquet::LiveParquet> parquet_;  // --parquet: likewise
  std::unique_ptr<transport::RestScheduler> rest_scheduler_;
  std::unique_ptr<plan::ConnectionPlanner> planner_;
  binance::Resolution resolution_;            // --symbols ALL: what is recorded, and what was not
  std::uint64_t exchange_info_failures_ = 0;  // fetches that failed or were malformed
  // The follow (engine_follow.cpp; network thread only).
  std::shared_ptr<const venues::VenueRules> rules_;
  std::unique_ptr<plan::SubscriptionFollow> follow_;
  std::vector<EngineStream*> by_depth_id_;  // by StreamId value; nullptr for a bookTicker
  std::vector<binance::ExchangeInfo> poll_infos_;
  std::size_t poll_waiting_ = 0;  // markets whose answer has not come yet
  bool pump_armed_ = false;
  std::uint64_t symbols_listed_ = 0;   // subscribed while running
  std::uint64_t symbols_removed_ = 0;  // unsubscribed while running
  std::uint64_t symbols_retuned_ = 0;  // a new tick or step size
  std::uint64_t subscription_errors_ = 0;
  std::string follow_line_;  // reused record buffer
  // streams_ and connections_ grow (and connections close) on the network thread while
  // metrics() and stop() may run on another (library API): changes and foreign reads lock.
  mutable std::mutex streams_mutex_;
  // Declared before the connections: their clients must be destroyed before the loop.
  std::unique_ptr<transport::NetworkLoop> loop_;
  // Every stream's pre-sync buffer (--max-presync-buffer-mb); outlives the streams that count in
  // it.
  PresyncBudget presync_budget_{config_.max_presync_buffer_bytes};
  std::vector<std::unique_ptr<EngineStream>> streams_;
  std::vector<std::unique_ptr<EngineConnection>> connections_;
  std::vector<std::unique_ptr<EngineChannel>> channels_;
  std::vector<EngineChannel*> by_channel_id_;  // by StreamId value; nullptr for other kinds
  FrameParser parser_;
  Frame frame_;
  LogThrottle frame_warnings_;
  std::uint64_t queue_drops_ = 0;  // pushes the writer refused (network thread only)
  std::uint64_t reported_drops_ = 0;
  std::int64_t last_drop_log_ns_ = 0;
  std::uint64_t reported_write_errors_ = 0;
  RedisLogged redis_logged_;          // what the log was last told of the Redis sink
  ParquetLogged parquet_logged_;      // ... and of the live Parquet datasets
  std::uint64_t prints_skipped_ = 0;  // the print thread was still busy (network thread)
  // The print's input (network thread while no print runs, then the print's).
  PrintInput print_input_;
  // The print's own (print thread; the final print's once it has ended):
  // The aggregate's histograms, reset and refilled at each print: their buckets stay allocated.
  FeedMetrics::MergedHistograms merged_histograms_;
  // Streams removed when merged_histograms_' run was last rebuilt from every stream (none yet:
  // the first print rebuilds): while it holds, a print adds only the windows to that run.
  std::optional<std::size_t> merged_removed_streams_;
  std::vector<MetricsSnapshot> print_snapshots_;  // one a stream, reused
  std::vector<const MetricsSnapshot*> print_recording_;

  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> running_{false};
  mutable std::mutex error_mutex_;
  std::condition_variable stop_cv_;  // wakes a wait of resolve_symbols() (with error_mutex_)
  std::string last_error_;
  std::thread::id network_thread_;
  // Last: destroyed first, so that a print under way ends before what it reads goes.
  std::unique_ptr<MetricsPrintThread> print_thread_;
};

}  // namespace depthrec::session
