// Recorder: one feed's transport, writer, metrics and session, wired on one network thread.
//   socket -> WsClient -> FrameParser -> FeedSession (sync, book, callback, records)
//          -> AsyncWriter -> GzipRotatingSink;  FeedMetrics -> metrics.json + SUMMARY (timer)
#include "depthrec/recorder.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "depthrec/async_writer.hpp"
#include "depthrec/atomic_file.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/metrics_report.hpp"
#include "depthrec/text_log.hpp"
#include "session/feed_session.hpp"
#include "transport/clock.hpp"
#include "transport/snapshot_fetcher.hpp"
#include "transport/ws_client.hpp"

namespace depthrec {
namespace {

session::RestAnswer to_answer(transport::HttpResponse response) {
  session::RestAnswer answer;
  answer.status = response.status;
  answer.body = std::move(response.body);
  answer.error = std::move(response.error);
  answer.sent_ns = response.sent_ns;
  answer.received_ns = response.received_ns;
  return answer;
}

}  // namespace

struct Recorder::Impl {
  explicit Impl(RecorderConfig c) : config(std::move(c)) {}

  RecorderConfig config;
  UpdateCallback callback;
  std::shared_ptr<BookUpdateQueue> queue;

  std::unique_ptr<TextLog> log;
  std::unique_ptr<FeedMetrics> metrics;
  GzipRotatingSink* files = nullptr;  // owned by the writer
  std::unique_ptr<AsyncWriter> writer;
  std::unique_ptr<transport::SnapshotFetcher> fetcher;
  std::unique_ptr<transport::WsClient> ws;
  std::unique_ptr<session::FeedSession> feed;
  FrameParser parser;
  Frame frame;
  std::uint64_t frame_warnings = 0;
  std::uint64_t queue_drops = 0;     // pushes the writer refused (network thread only)
  std::uint64_t reported_drops = 0;  // writer drops already logged
  std::int64_t last_drop_log_ns = 0;

  std::thread thread;
  std::atomic<std::thread::id> network_thread{};
  mutable std::mutex state_mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool finished = false;
  std::atomic<bool> stop_requested{false};
  std::string last_error;
  std::mutex stop_mutex;  // one stop() at a time

  void prepare();
  void run_loop();
  void handle_frame(std::string_view payload, bool binary, std::int64_t recv_ns);
  void write_metrics(bool final);
  void fail(const std::string& error) {
    std::lock_guard<std::mutex> lock(state_mutex);
    last_error = error;
  }
  void warn_frame(const std::string& message) {
    // The first few refused frames are logged in full, then one in a thousand: a hostile or
    // broken stream must not flood the log. Every one is counted in metrics.
    ++frame_warnings;
    if (frame_warnings <= 20 || frame_warnings % 1000 == 0)
      log->log(LogLevel::warning, message + " (" + std::to_string(frame_warnings) + " so far)");
  }
};

void Recorder::Impl::prepare() {
  if (std::string error = validate(config); !error.empty()) throw std::runtime_error(error);
  config.symbol = to_upper(config.symbol);
  TextLogConfig log_config;
  log_config.directory = config.log_dir;
  log_config.symbol = config.symbol;
  log_config.rotate = config.rotate;
  log_config.rotate_interval = std::chrono::seconds(config.rotate_sec);
  log_config.max_bytes = config.max_bytes;
  log_config.backups = config.backups;
  // SUMMARY lines already go to stdout: echo only warnings and errors to stderr.
  log_config.echo_level = LogLevel::warning;
  log = std::make_unique<TextLog>(log_config);
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
                               ec.message());
    GzipRotatingSinkConfig sink_config;
    sink_config.directory = config.data_dir;
    sink_config.symbol = config.symbol;
    sink_config.rotate = config.rotate;
    sink_config.rotate_interval = std::chrono::seconds(config.rotate_sec);
    sink_config.max_bytes = config.max_bytes;
    sink_config.compression_level = config.gzip_level;
    auto sink = std::make_unique<GzipRotatingSink>(sink_config);
    files = sink.get();
    AsyncWriterConfig writer_config;
    writer_config.queue_capacity = config.queue_capacity;
    writer = std::make_unique<AsyncWriter>(std::move(sink), writer_config);
  }

  transport::RestClientConfig rest;
  rest.ca_file = config.ca_file;
  rest.timeout = config.rest_timeout;
  transport::WeightBudget budget;
  budget.per_minute = config.rest_weight_per_minute > 0 ? config.rest_weight_per_minute
                      : config.market == Market::spot   ? 6000
                                                        : 2400;
  fetcher = std::make_unique<transport::SnapshotFetcher>(rest, budget);

  transport::WsClientConfig ws_config;
  ws_config.url = stream_url(config);
  ws_config.ca_file = config.ca_file;
  ws_config.stall_timeout = config.stall_timeout;
  ws_config.backoff.initial = config.backoff_initial;
  ws_config.backoff.max = config.backoff_max;
  ws_config.jitter_seed = config.jitter_seed;
  ws_config.max_message_bytes = std::max<std::size_t>(16u << 20, config.max_frame_bytes * 2);

  session::SessionHooks hooks;
  hooks.request_snapshot = [this] {
    const std::string url = snapshot_url(config);
    fetcher->request(url, snapshot_weight(config.market, config.snapshot_limit),
                     [this](transport::HttpResponse response) {
                       auto answer =
                           std::make_shared<session::RestAnswer>(to_answer(std::move(response)));
                       ws->post([this, answer] { feed->on_snapshot_answer(*answer); });
                     });
  };
  hooks.request_server_time = [this] {
    fetcher->request(server_time_url(config), 1, [this](transport::HttpResponse response) {
      auto answer = std::make_shared<session::RestAnswer>(to_answer(std::move(response)));
      ws->post([this, answer] { feed->on_server_time_answer(*answer); });
    });
  };
  if (writer) {
    hooks.write = [this](std::string& line, const RecordContext& context) {
      session::PushInfo info;
      if (writer->try_push(line, context) != AsyncWriter::PushResult::accepted) ++queue_drops;
      info.queue_depth = static_cast<std::int64_t>(writer->queue_depth());
      info.drops_total = queue_drops;
      if (info.drops_total != reported_drops) {
        // Counted exactly in metrics and marked in the recording; logged at most once a second.
        const std::int64_t now = transport::steady_ns();
        if (now - last_drop_log_ns >= 1'000'000'000) {
          log->log(LogLevel::warning,
                   "writer queue full (" + std::to_string(config.queue_capacity) +
                       " records): " + std::to_string(info.drops_total - reported_drops) +
                       " records dropped and marked as a writer_drop gap (" +
                       std::to_string(info.drops_total) + " in all)");
          reported_drops = info.drops_total;
          last_drop_log_ns = now;
        }
      }
      return info;
    };
  }
  hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> fn) {
    ws->schedule(delay, std::move(fn));
  };
  hooks.log = [this](LogLevel level, const std::string& message) { log->log(level, message); };
  feed = std::make_unique<session::FeedSession>(config, *metrics, std::move(hooks));
  feed->set_callback(callback);
  feed->set_queue(queue);

  transport::WsEvents events;
  events.on_open = [this](std::uint64_t conn_id) {
    if (conn_id > 1) metrics->record_reconnect();
    feed->on_connected(conn_id, stream_url(config), transport::now_ns());
  };
  events.on_frame = [this](std::uint64_t, std::string_view payload, bool binary,
                           std::int64_t recv_ns) { handle_frame(payload, binary, recv_ns); };
  events.on_close = [this](std::uint64_t, const transport::CloseInfo& info) {
    if (info.cause == transport::CloseCause::stalled) metrics->record_stall();
    if (info.cause == transport::CloseCause::stopped) return;
    feed->on_disconnected(std::string(transport::to_string(info.cause)) +
                              (info.reason.empty() ? "" : ": " + info.reason),
                          info.code ? std::optional<int>(info.code) : std::nullopt,
                          transport::now_ns());
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

void Recorder::Impl::handle_frame(std::string_view payload, bool binary, std::int64_t recv_ns) {
  if (binary) {
    metrics->record_parse_error(ParseError::malformed_json, payload.size(), recv_ns);
    warn_frame("binary frame of " + std::to_string(payload.size()) + " bytes refused");
    return;
  }
  const ParseError error = parser.parse(payload, frame);
  if (error != ParseError::none) {
    metrics->record_parse_error(error, payload.size(), recv_ns);
    warn_frame("frame refused (" + std::string(to_string(error)) +
               "): " + std::string(payload.substr(0, 160)));
    return;
  }
  switch (frame.type) {
    case FrameType::depth_update:
    case FrameType::spot_partial_depth: {
      const StreamKey& key = feed->key();
      if (!frame.stream.empty() && frame.stream != key.stream) {
        metrics->record_other_frame(OtherFrame::other_stream, payload.size(), recv_ns);
        warn_frame("depth frame of unexpected stream " + std::string(frame.stream));
        return;
      }
      if (!frame.depth.symbol.empty() && frame.depth.symbol != key.symbol) {
        metrics->record_other_frame(OtherFrame::other_symbol, payload.size(), recv_ns);
        warn_frame("depth frame of another symbol " + std::string(frame.depth.symbol));
        return;
      }
      feed->on_depth(frame, recv_ns, payload.size());
      return;
    }
    case FrameType::book_ticker:
      metrics->record_other_frame(OtherFrame::control, payload.size(), recv_ns);
      if (frame.ticker.symbol == feed->key().symbol) feed->on_ticker(frame.ticker, recv_ns);
      return;
    case FrameType::server_event:
      metrics->record_other_frame(OtherFrame::control, payload.size(), recv_ns);
      log->log(LogLevel::warning, "server event: " + std::string(frame.event_type));
      return;
    case FrameType::subscription_reply:
      metrics->record_other_frame(OtherFrame::control, payload.size(), recv_ns);
      return;
    case FrameType::other_event:
      metrics->record_other_frame(OtherFrame::other_stream, payload.size(), recv_ns);
      warn_frame("unexpected event type '" + std::string(frame.event_type) + "'");
      return;
  }
}

void Recorder::Impl::write_metrics(bool final) {
  if (writer) {
    const AsyncWriterStats writer_stats = writer->stats();
    // The writer's total also counts lines its sink refused (storage failing).
    metrics->record_queue(static_cast<std::int64_t>(writer_stats.queue_depth),
                          writer_stats.dropped);
    WriterStats stats;
    stats.records_written = writer_stats.written;
    if (files) {
      const GzipRotatingSinkStats file_stats = files->stats();
      stats.bytes_written = file_stats.bytes_in;
      stats.write_errors = file_stats.write_errors;
      stats.segments = file_stats.segments_opened;
    }
    metrics->set_writer_stats(stats);
  }
  const MetricsSnapshot snapshot = metrics->roll_window(transport::now_ns());
  if (config.write_files) {
    std::string error;
    if (!write_file_atomically(config.data_dir + "/metrics.json", to_metrics_json(snapshot), error))
      log->log(LogLevel::error, "metrics.json not written: " + error);
  }
  const std::string summary = summary_line(snapshot);
  if (config.print_summary) {
    std::cout << summary << (final ? " | final" : "") << std::endl;
  }
  log->log(LogLevel::info, summary);
}

void Recorder::Impl::run_loop() {
  network_thread = std::this_thread::get_id();
  log->log(LogLevel::info, "recording " + config.symbol + " (" +
                               std::string(to_string(config.market)) + ") from " +
                               stream_url(config) +
                               (config.write_files ? " into " + config.data_dir : std::string()));
  ws->schedule_every(std::chrono::seconds(config.print_interval_sec),
                     [this] { write_metrics(false); });
  if (config.run_minutes) {
    ws->schedule(std::chrono::milliseconds(static_cast<std::int64_t>(*config.run_minutes * 60'000)),
                 [this] {
                   log->log(LogLevel::info, "--run-minutes reached, stopping");
                   ws->stop();
                 });
  }
  if (!stop_requested) ws->run();
  // Teardown in data-flow order: no more snapshots, then drain the writer, then final figures.
  fetcher->stop();
  if (writer) writer->stop();
  write_metrics(true);
  if (queue) queue->close();
  log->log(LogLevel::info, "stopped");
}

Recorder::Recorder(RecorderConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Recorder::~Recorder() {
  stop();
}

void Recorder::on_update(UpdateCallback callback) {
  impl_->callback = std::move(callback);
}

std::shared_ptr<BookUpdateQueue> Recorder::subscribe_queue(std::size_t capacity,
                                                           std::size_t levels) {
  impl_->queue = std::make_shared<BookUpdateQueue>(capacity, levels);
  return impl_->queue;
}

void Recorder::start() {
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (impl_->started) return;
  }
  impl_->prepare();
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    impl_->started = true;
  }
  impl_->thread = std::thread([this] {
    impl_->run_loop();
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    impl_->finished = true;
    impl_->stopped_cv.notify_all();
  });
}

void Recorder::run() {
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (impl_->started) return;
  }
  try {
    impl_->prepare();
  } catch (const std::exception& error) {
    impl_->fail(error.what());
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    impl_->started = impl_->finished = true;
    impl_->stopped_cv.notify_all();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    impl_->started = true;
  }
  impl_->run_loop();
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  impl_->finished = true;
  impl_->stopped_cv.notify_all();
}

void Recorder::stop() {
  std::lock_guard<std::mutex> stop_lock(impl_->stop_mutex);
  impl_->stop_requested = true;
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (!impl_->started) return;
  }
  if (impl_->ws) impl_->ws->stop();
  // From the network thread itself (e.g. inside the callback) the loop ends after this returns.
  if (impl_->network_thread.load() == std::this_thread::get_id()) return;
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
  } else if (!impl_->thread.joinable()) {
    wait();  // run() on another thread: wait for its teardown
  }
}

void Recorder::wait() {
  std::unique_lock<std::mutex> lock(impl_->state_mutex);
  impl_->stopped_cv.wait(lock, [&] { return !impl_->started || impl_->finished; });
}

bool Recorder::running() const {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  return impl_->started && !impl_->finished;
}

MetricsSnapshot Recorder::metrics() const {
  if (!impl_->metrics) return MetricsSnapshot{};
  return impl_->metrics->snapshot(transport::now_ns());
}

const RecorderConfig& Recorder::config() const {
  return impl_->config;
}

std::string Recorder::last_error() const {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  return impl_->last_error;
}

}  // namespace depthrec
