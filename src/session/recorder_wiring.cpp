// Recorder::Impl::prepare(): builds the log, metrics, writer, REST scheduler, websocket client,
// connection session and the feed session it carries, and connects them with the hooks through
// which data flows one way.
#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "depthrec/peer_text.hpp"
#include "session/realtime_priority.hpp"
#include "session/recorder_impl.hpp"
#include "session/recorder_rest_budgets.hpp"
#include "session/redis_wiring.hpp"
#include "session/wiring_support.hpp"
#include "transport/clock.hpp"

namespace depthrec {

using session::directory_problem;
using session::to_answer;

void Recorder::Impl::prepare() {
  // One symbol with event channels (trade, aggTrade, kline...): the engine records them, as it
  // does `depthrec --symbol X --streams depth,trade`; the single-stream path below records depth
  // (and bookTicker) only.
  if (config.subscriptions.empty() && !config.symbol_selection.has_all() &&
      !config.event_channels.empty())
    config.subscriptions = subscriptions_of(config, {{config.market, config.symbol}});
  if (!config.subscriptions.empty() || config.symbol_selection.has_all()) {
    engine = std::make_unique<session::Engine>(config, consumers, lifecycle);
    engine->set_observers(observers);
    engine->prepare();
    return;
  }
  if (std::string error = validate(config); !error.empty()) throw std::runtime_error(error);
  session::require_realtime_priority_allowed(config.realtime_priority);
  config.symbol = to_upper(config.symbol);
  // The one stream's key, for the consumers' filters: a filter naming another is refused first.
  const std::vector<SubscriptionKey> subscribed =
      subscriptions_of(config, {{config.market, config.symbol}});
  session::check_filters(consumers, subscribed);
  observers->check_filters(subscribed);
  const SubscriptionKey& depth_key = subscribed.front();
  log = std::make_unique<TextLog>(session::text_log_config(config, config.symbol));
  const std::int64_t start_ns = transport::now_ns();
  FeedMetricsConfig metrics_config;
  metrics_config.window_sec = config.print_interval_sec;
  StreamKey key{
      config.market, config.symbol,
      depth_stream_name(config.symbol, DepthStreamSpec{config.depth_levels, config.speed})};
  metrics = std::make_unique<FeedMetrics>(key, start_ns, metrics_config);
  FrameParserLimits limits;
  limits.max_frame_bytes = config.max_frame_bytes;
  parser = FrameParser(limits);

  if (config.write_files) {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec)
      throw std::runtime_error("cannot create data directory " + config.data_dir + ": " +
                               directory_problem(config.data_dir, ec));
    // Before anything is written: a second recorder on this directory stops here (exit 1).
    data_dir_lock = std::make_unique<recording::DataDirLock>(config.data_dir);
    writer = session::make_writer(config, config.symbol, "", 1, files, csv_files);
    redis = session::make_redis_publisher(config, true);
    parquet = session::make_live_parquet(config, *log);
    session::observe_parquet_book(parquet, config, *observers);
  }

  transport::RestClientConfig rest;
  rest.ca_file = config.ca_file;
  rest.timeout = config.rest_timeout;
  // Every budget of the venue, in one scheduler: the feed's market names its own.
  rest_scheduler =
      std::make_unique<transport::RestScheduler>(rest, session::recorder_rest_budgets(config));
  rest_budget = rest_scheduler->find_budget(session::feed_rest_budget(config).name).value();

  const transport::WsClientConfig ws_config = session::ws_client_config(config, stream_url(config));

  session::SessionHooks hooks;
  hooks.request_snapshot = [this](bool resync) {
    snapshot_handle = rest_scheduler->request(
        session::snapshot_request(rest_budget, resync, config),
        [this](transport::HttpResponse response) {
          auto answer = std::make_shared<session::RestAnswer>(to_answer(std::move(response)));
          ws->post([this, answer] { feed->on_snapshot_answer(*answer); });
        });
  };
  hooks.cancel_snapshot = [this] {
    if (snapshot_handle != 0) rest_scheduler->cancel(snapshot_handle);
    snapshot_handle = 0;
  };
  if (writer) {
    hooks.write = [this](std::string& line, const RecordContext& context, bool marker) {
      session::PushInfo info;
      const auto priority = marker ? AsyncWriter::Priority::marker : AsyncWriter::Priority::data;
      if (redis) redis->offer(line, context);              // a copy: try_push takes the line
      if (parquet) parquet->offer(line, context, marker);  // likewise
      if (writer->try_push(line, context, priority) != AsyncWriter::PushResult::accepted)
        ++queue_drops;
      info.queue_depth = static_cast<std::int64_t>(writer->queue_depth());
      info.drops_total = queue_drops;
      if (info.drops_total != reported_drops) {
        // Counted exactly in metrics and marked in the recording; logged at most once a second.
        const std::int64_t now = transport::steady_ns();
        if (now - last_drop_log_ns >= 1'000'000'000) {
          log->log(LogLevel::warning,
                   "writer queue full (" + std::to_string(config.queue_capacity) + " records or " +
                       std::to_string(config.max_queue_bytes) +
                       " bytes): " + std::to_string(info.drops_total - reported_drops) +
                       " records dropped and marked as a writer_drop gap (" +
                       std::to_string(info.drops_total) + " in all)");
          reported_drops = info.drops_total;
          last_drop_log_ns = now;
        }
      }
      return info;
    };
  }
  if (config.redis_book_every > 0 || config.redis_book_every_ms > 0) {
    hooks.publish_book = [this](std::string& line, const RecordContext& context) {
      if (redis) redis->offer(line, context);
    };
  }
  hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> fn) {
    ws->schedule(delay, std::move(fn));
  };
  hooks.log = [this](LogLevel level, const std::string& message) { log->log(level, message); };
  hooks.synced = lifecycle.first_synced;
  session::ConnectionHooks connection_hooks;
  connection_hooks.write = hooks.write;
  connection_hooks.schedule = hooks.schedule;
  connection_hooks.log = hooks.log;
  // The clock-offset estimate is still the feed's metrics (FeedMetrics): the answer goes there.
  connection_hooks.request_server_time = [this] {
    rest_scheduler->request(
        session::server_time_request(rest_budget, config),
        [this](transport::HttpResponse response) {
          auto answer = std::make_shared<session::RestAnswer>(to_answer(std::move(response)));
          ws->post([this, answer] { feed->on_server_time_answer(*answer); });
        });
  };
  connection_hooks.retire = [this](std::uint64_t old_conn_id) {
    ws->retire(old_conn_id, "rolled over");
  };
  connection_hooks.abandon_successor = [this](std::uint64_t conn_id, const std::string& reason) {
    ws->abandon_successor(conn_id, reason);
  };
  feed = std::make_unique<session::FeedSession>(config, *metrics, std::move(hooks));
  session::attach_consumers(*feed, depth_key, consumers);
  feed->set_observers(observers->for_book(depth_key, key));
  session::ConnectionSessionConfig connection_config;
  connection_config.url = stream_url(config);
  // With several streams on the connection, those that have not joined a successor this long
  // after others did resync on it alone, before the transport gives the whole rollover up.
  connection_config.join_deadline = config.rollover_timeout * 2 / 3;
  connection = std::make_unique<session::ConnectionSession>(std::move(connection_config),
                                                            std::move(connection_hooks));
  connection->add_feed(*feed);

  transport::WsEvents events;
  events.on_open = [this](std::uint64_t conn_id) {
    if (conn_id > 1) metrics->record_reconnect();
    connection->on_open(conn_id, transport::now_ns());
  };
  events.on_frame = [this](std::uint64_t conn_id, std::string_view payload, bool binary,
                           std::int64_t recv_ns) {
    handle_frame(conn_id, payload, binary, recv_ns);
  };
  events.on_close = [this](std::uint64_t conn_id, const transport::CloseInfo& info) {
    if (info.cause == transport::CloseCause::stalled) metrics->record_stall();
    if (info.cause == transport::CloseCause::send_queue_full) metrics->record_send_queue_overflow();
    if (info.cause == transport::CloseCause::stopped) return;
    // A rolled-over connection's disconnect says just that (docs/records.md).
    const bool rolled_over = info.cause == transport::CloseCause::rolled_over;
    // The reason may be the server's close reason: quoted, for the record and the log.
    connection->on_close(
        conn_id,
        std::string(transport::to_string(info.cause)) +
            (info.reason.empty() || rolled_over ? "" : ": " + peer_text(info.reason)),
        info.code ? std::optional<int>(info.code) : std::nullopt, transport::now_ns());
  };
  events.on_successor_open = [this](std::uint64_t conn_id, std::uint64_t replaced_conn_id) {
    connection->on_successor_open(conn_id, replaced_conn_id, transport::now_ns());
  };
  events.on_rollover_failed = [this](std::uint64_t conn_id, const std::string& reason) {
    connection->on_rollover_failed(conn_id, reason, transport::now_ns());
  };
  events.on_connect_failed = [this](const std::string& error, std::chrono::milliseconds retry_in) {
    metrics->record_connect_failure();
    log->log(LogLevel::error,
             "connect to " + stream_url(config) + " failed: " + error +
                 (retry_in.count() > 0 ? "; retrying in " + std::to_string(retry_in.count()) + " ms"
                                       : std::string()));
    if (retry_in.count() == 0) fail("connect failed: " + error);
  };
  ws = std::make_unique<transport::WsClient>(ws_config, std::move(events));
}

}  // namespace depthrec
