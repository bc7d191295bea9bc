// Recorder: the run loop, frame routing, metrics reports and the public API. The components
// and their wiring are built in recorder_wiring.cpp.
//   socket -> WsClient -> FrameParser -> ConnectionSession (connection records, routing by
//          stream name) -> FeedSession (sync, book, callback, records)
//          -> AsyncWriter -> GzipRotatingSink;  FeedMetrics -> metrics.json + SUMMARY (timer)
#include "depthrec/recorder.hpp"

#include <iostream>

#include "depthrec/atomic_file.hpp"
#include "depthrec/metrics_report.hpp"
#include "session/frame_dispatch.hpp"
#include "session/realtime_priority.hpp"
#include "session/recorder_impl.hpp"
#include "session/redis_wiring.hpp"
#include "session/wiring_support.hpp"
#include "transport/clock.hpp"

namespace depthrec {
using session::report_writer_and_log;
using session::rest_state;

void Recorder::Impl::handle_frame(std::uint64_t conn_id, std::string_view payload, bool binary,
                                  std::int64_t recv_ns) {
  // One feed: every frame counts in its metrics, whichever stream it was routed to.
  session::dispatch_frame(
      parser, frame, *connection, conn_id, payload, binary, recv_ns,
      [this](const session::FeedSession*) -> FeedMetrics& { return *metrics; },
      [this](std::uint64_t id) { ws->mark_data(id); },
      [this](const std::string& message) { warn_frame(message); });
}

// Every material change of the offset estimate is logged, whichever source it came from, so a
// corrected latency can always be traced to the offset that corrected it.
void Recorder::Impl::log_clock_offset(const ClockOffset& offset) {
  if (!offset_changed(logged_offset, offset)) return;
  std::string message = "clock offset (local - exchange) now " + describe(offset);
  if (logged_offset.valid()) message += ", was " + describe(logged_offset);
  if (offset.rest_rejected) {
    message += "; the REST server time contradicts the stream's event times (stream bound " +
               std::to_string(static_cast<long long>(offset.stream_bound_ms)) +
               " ms) and is not used";
  }
  if (offset.large && !offset.rest_rejected) {
    message += "; raw event latency is skewed by it, metrics.json also reports it corrected";
  }
  log->log(offset.rest_rejected || offset.large ? LogLevel::warning : LogLevel::info, message);
  logged_offset = offset;
}

void Recorder::Impl::write_metrics(bool final) {
  report_writer_and_log(*metrics, writer.get(), files, csv_files, *log, reported_write_errors);
  const RedisSinkState redis_state = session::redis_sink_state(redis.get(), config);
  metrics->set_redis_state(redis_state);
  session::log_redis_sink(redis_state, redis_logged, *log);
  if (parquet) {
    const ParquetSinkState parquet_state = parquet->state();
    metrics->set_parquet_state(parquet_state);
    session::log_parquet_sink(parquet_state, parquet_logged, *log);
  }
  // The network thread runs this timer, as it runs the feed: the book may be read here.
  metrics->set_book_levels_dropped(feed->sync().book().levels_dropped());
  metrics->set_rest_state(rest_state(rest_scheduler->stats(), rest_budget, config));
  MetricsSnapshot snapshot = metrics->roll_window(transport::now_ns());
  snapshot.metrics_listen = config.metrics_listen;
  snapshot.observers = observers->figures();
  log_clock_offset(snapshot.clock_offset);
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
  if (engine) {
    // A stop() that came while the engine was being prepared (its start may wait for
    // exchangeInfo) found nothing running: the engine is told now and tears down at once.
    if (stop_requested) engine->stop();
    engine->run();
    if (std::string error = engine->last_error(); !error.empty()) fail(error);
    return;
  }
  log->log(LogLevel::info, "recording " + config.symbol + " (" +
                               std::string(to_string(config.market)) + ") from " +
                               stream_url(config) +
                               (config.write_files ? " into " + config.data_dir : std::string()));
  ws->schedule_every(std::chrono::seconds(config.print_interval_sec),
                     [this] { write_metrics(false); });
  if (lifecycle.heartbeat && lifecycle.heartbeat_period.count() > 0)
    ws->schedule_every(lifecycle.heartbeat_period, lifecycle.heartbeat);
  if (config.run_minutes) {
    ws->schedule(std::chrono::milliseconds(static_cast<std::int64_t>(*config.run_minutes * 60'000)),
                 [this] {
                   log->log(LogLevel::info, "--run-minutes reached, stopping");
                   ws->stop();
                 });
  }
  session::make_network_thread_realtime(config.realtime_priority, *log);  // threads exist now
  try {
    if (!stop_requested) ws->run();
  } catch (const std::exception& error) {
    // Nothing the network sends reaches here (parsing never throws); this is a last line so that
    // what was recorded is still drained and closed below.
    log->log(LogLevel::error, std::string("network loop failed: ") + error.what());
    fail(std::string("network loop failed: ") + error.what());
  }
  // Teardown in data-flow order: no more snapshots, then drain the writer, then final figures.
  rest_scheduler->stop();
  if (writer) writer->stop();
  if (redis) redis->stop();
  if (parquet) parquet->stop();
  write_metrics(true);
  session::close_queues(consumers);
  observers->close();
  log->log(LogLevel::info, "stopped");
}

Recorder::Recorder(RecorderConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Recorder::~Recorder() {
  stop();
}

void Recorder::on_update(UpdateCallback callback, KeyFilter keys) {
  if (callback) impl_->consumers.push_back({std::move(keys), std::move(callback), nullptr});
}

void Recorder::set_lifecycle_hooks(LifecycleHooks hooks) {
  impl_->lifecycle = std::move(hooks);
}

void Recorder::reopen_log() {
  {
    // engine and log are set by prepare(), before `started`; never reset while running.
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (!impl_->started) return;
  }
  if (impl_->engine) {
    impl_->engine->reopen_log();
  } else if (impl_->log) {
    impl_->log->reopen();
  }
}

std::shared_ptr<BookUpdateQueue> Recorder::subscribe_queue(std::size_t capacity, std::size_t levels,
                                                           KeyFilter keys) {
  auto queue = std::make_shared<BookUpdateQueue>(capacity, levels);
  impl_->consumers.push_back({std::move(keys), nullptr, queue});
  return queue;
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
  impl_->observers->start();
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
  impl_->observers->start();
  impl_->run_loop();
  impl_->observers->finish();
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
  if (impl_->engine) impl_->engine->stop();
  if (impl_->ws) impl_->ws->stop();
  // From the network thread itself (e.g. inside the callback) the loop ends after this returns.
  if (impl_->network_thread.load() == std::this_thread::get_id()) return;
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) {
    impl_->thread.join();
  } else if (!impl_->thread.joinable()) {
    wait();  // run() on another thread: wait for its teardown
  }
  // The run has ended: each queued observer gives out what was queued (not waited for when this
  // is its own thread).
  impl_->observers->finish();
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
  MetricsSnapshot snapshot;
  if (impl_->engine) {
    snapshot = impl_->engine->metrics();
  } else if (impl_->metrics) {
    snapshot = impl_->metrics->snapshot(transport::now_ns());
  }
  snapshot.observers = impl_->observers->figures();
  return snapshot;
}

std::vector<StreamReport> Recorder::stream_reports() const {
  {
    // engine and metrics are set by prepare(), before `started`; never reset while running.
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (!impl_->started) return {};
  }
  if (impl_->engine) return impl_->engine->stream_reports();
  if (!impl_->metrics) return {};
  std::vector<StreamReport> reports(1);
  reports.front().snapshot = impl_->metrics->snapshot(transport::now_ns());
  return reports;
}

std::vector<ChannelFigures> Recorder::channel_figures() const {
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex);
    if (!impl_->started) return {};
  }
  return impl_->engine ? impl_->engine->channel_figures() : std::vector<ChannelFigures>{};
}

const RecorderConfig& Recorder::config() const {
  return impl_->config;
}

std::string Recorder::last_error() const {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  return impl_->last_error;
}

}  // namespace depthrec
