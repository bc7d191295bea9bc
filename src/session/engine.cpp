// Engine: the run loop, stopping, and each connection's frames (parsed once, routed by stream
// name to the FeedSession of that stream, counted in that stream's metrics).
#include "session/engine.hpp"

#include "session/frame_dispatch.hpp"
#include "session/realtime_priority.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {

void Engine::fail(const std::string& error) {
  std::lock_guard<std::mutex> lock(error_mutex_);
  last_error_ = error;
}

std::string Engine::last_error() const {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return last_error_;
}

bool Engine::on_network_thread() const {
  return running_ && network_thread_ == std::this_thread::get_id();
}

void Engine::warn_frame(const std::string& message) {
  // As the single-stream recorder: per-frame lines are throttled, every frame is counted.
  if (frame_warnings_.admit()) log_->log(LogLevel::warning, message + frame_warnings_.so_far());
}

FeedMetrics& Engine::metrics_of(const EngineConnection& connection, const FeedSession* feed) {
  // A frame of no stream (refused, control, unknown stream): the connection's first stream
  // counts it, so the aggregate counts it once (the run's first stream once the connection's
  // last stream was unsubscribed and its close is under way).
  if (feed != nullptr) return feed->metrics();
  return connection.streams.empty() ? *streams_.front()->metrics
                                    : *connection.streams.front()->metrics;
}

void Engine::handle_frame(EngineConnection& connection, std::uint64_t conn_id,
                          std::string_view payload, bool binary, std::int64_t recv_ns) {
  const bool reply = dispatch_frame(
      parser_, frame_, *connection.session, conn_id, payload, binary, recv_ns,
      [&](const FeedSession* feed) -> FeedMetrics& { return metrics_of(connection, feed); },
      [&](std::uint64_t id) { connection.ws->mark_data(id); },
      [this](const std::string& message) { warn_frame(message); });
  if (reply) on_subscription_reply(connection, frame_.reply, payload, recv_ns);
}

void Engine::run() {
  network_thread_ = std::this_thread::get_id();
  running_ = true;
  std::size_t symbols = streams_.size();
  log_->log(LogLevel::info,
            "recording " + std::to_string(symbols) + " depth streams (" +
                std::to_string(planner_->table().size()) + " streams) on " +
                std::to_string(connections_.size()) + " connections" +
                (config_.write_files ? " into " + config_.data_dir : std::string()));
  for (const auto& connection : connections_) {
    log_->log(LogLevel::info, "connection [" + std::to_string(connection->planned_id) +
                                  "]: " + std::to_string(connection->streams.size()) +
                                  " depth streams, " + std::to_string(connection->channels.size()) +
                                  " event streams, " + connection->url);
  }
  print_thread_ = std::make_unique<MetricsPrintThread>([this] { print_metrics(); });
  loop_->schedule_every(std::chrono::seconds(config_.print_interval_sec),
                        [this] { write_metrics(false); });
  if (config_.run_minutes) {
    loop_->schedule(
        std::chrono::milliseconds(static_cast<std::int64_t>(*config_.run_minutes * 60'000)),
        [this] {
          log_->log(LogLevel::info, "--run-minutes reached, stopping");
          stop();
        });
  }
  if (lifecycle_.heartbeat && lifecycle_.heartbeat_period.count() > 0)
    loop_->schedule_every(lifecycle_.heartbeat_period, lifecycle_.heartbeat);
  make_network_thread_realtime(config_.realtime_priority, *log_);  // after the other threads
  for (const auto& connection : connections_) connection->ws->start();
  start_follow();
  try {
    if (!stop_requested_) loop_->run();
  } catch (const std::exception& error) {
    log_->log(LogLevel::error, std::string("network loop failed: ") + error.what());
    fail(std::string("network loop failed: ") + error.what());
  }
  // Teardown in data-flow order: no more snapshots, then drain the writer, then final figures.
  rest_scheduler_->stop();
  if (writer_) writer_->stop();
  if (redis_) redis_->stop();
  if (parquet_) parquet_->stop();
  write_metrics(true);
  close_queues(consumers_);
  observers_->close();
  log_->log(LogLevel::info, "stopped");
  running_ = false;
}

void Engine::stop_clients() {
  // Any thread: the follow may open a connection meanwhile (it checks stop_requested_ first).
  std::lock_guard<std::mutex> lock(streams_mutex_);
  for (const auto& connection : connections_) connection->ws->stop();
}

void Engine::stop() {
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    stop_requested_ = true;
  }
  stop_cv_.notify_all();
  if (!loop_) return;
  // Each client closes its connection (close frame 1000); the loop ends once all have finished,
  // or after a bound: a peer that never answers the close must not hold the stop.
  stop_clients();
  auto deadline = std::make_shared<std::int64_t>(transport::steady_ns() + 3'000'000'000);
  loop_->post([this, deadline] {
    loop_->schedule_every(std::chrono::milliseconds(10), [this, deadline] {
      bool finished = true;
      for (const auto& connection : connections_) finished = finished && connection->ws->finished();
      if (finished || transport::steady_ns() > *deadline) loop_->stop();
    });
  });
}

}  // namespace depthrec::session
