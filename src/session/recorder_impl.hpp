// Recorder's private state: one feed's transport, writer, metrics and sessions (the connection
// and the stream it carries), wired on one network thread. Shared by recorder.cpp (run loop,
// frames, metrics, public API) and recorder_wiring.cpp (building the components and the hooks
// between them).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "depthrec/async_writer.hpp"
#include "depthrec/csv_sink.hpp"
#include "depthrec/feed_metrics.hpp"
#include "depthrec/frame_parser.hpp"
#include "depthrec/gzip_rotating_sink.hpp"
#include "depthrec/recorder.hpp"
#include "depthrec/text_log.hpp"
#include "recording/data_dir_lock.hpp"
#include "redis/redis_publisher.hpp"
#include "session/connection_session.hpp"
#include "session/engine.hpp"
#include "session/feed_session.hpp"
#include "session/log_throttle.hpp"
#include "session/observer_registry.hpp"
#include "session/parquet_wiring.hpp"
#include "session/redis_wiring.hpp"
#include "session/update_consumers.hpp"
#include "transport/rest_scheduler.hpp"
#include "transport/ws_client.hpp"

namespace depthrec {

struct Recorder::Impl {
  explicit Impl(RecorderConfig c) : config(std::move(c)) {}

  RecorderConfig config;
  session::UpdateConsumers consumers;  // on_update and subscribe_queue, in the order added
  // on_<channel> observers: shared with the engine, which gives each stream its own.
  std::shared_ptr<session::ObserverRegistry> observers =
      std::make_shared<session::ObserverRegistry>();
  LifecycleHooks lifecycle;  // set_lifecycle_hooks

  // A run of config.subscriptions (issue 12): the many-stream engine does everything below.
  std::unique_ptr<session::Engine> engine;
  std::unique_ptr<TextLog> log;
  std::unique_ptr<FeedMetrics> metrics;
  std::unique_ptr<recording::DataDirLock> data_dir_lock;  // held while the writer may write
  GzipRotatingSink* files = nullptr;                      // owned by the writer
  CsvSink* csv_files = nullptr;                           // --format csv|both; owned by the writer
  std::unique_ptr<AsyncWriter> writer;
  std::unique_ptr<redis::RedisPublisher> redis;  // --redis: beside the writer, its own thread
  std::unique_ptr<export_parquet::LiveParquet> parquet;  // --parquet: likewise
  std::unique_ptr<transport::RestScheduler> rest_scheduler;
  transport::RestBudgetId rest_budget = 0;    // the feed's market's REST weight budget
  transport::RestHandle snapshot_handle = 0;  // the last snapshot asked for (network thread)
  std::unique_ptr<transport::WsClient> ws;
  std::unique_ptr<session::FeedSession> feed;
  std::unique_ptr<session::ConnectionSession> connection;  // carries `feed`
  FrameParser parser;
  Frame frame;
  session::LogThrottle frame_warnings;  // warn_frame()
  std::uint64_t queue_drops = 0;        // pushes the writer refused (network thread only)
  std::uint64_t reported_drops = 0;     // writer drops already logged
  std::int64_t last_drop_log_ns = 0;
  std::uint64_t reported_write_errors = 0;  // segment write errors already logged
  session::RedisLogged redis_logged;        // what the log was last told of the Redis sink
  session::ParquetLogged parquet_logged;    // ... and of the live Parquet datasets
  ClockOffset logged_offset;                // the clock offset estimate last logged

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
  void handle_frame(std::uint64_t conn_id, std::string_view payload, bool binary,
                    std::int64_t recv_ns);
  void write_metrics(bool final);
  void log_clock_offset(const ClockOffset& offset);
  void fail(const std::string& error) {
    std::lock_guard<std::mutex> lock(state_mutex);
    last_error = error;
  }
  void warn_frame(const std::string& message) {
    // Every per-frame log line of the router (refused frames, frames of other streams, server
    // events) comes here and is throttled (LogThrottle); every frame is counted in metrics. Peer
    // text is quoted through peer_text() by the caller.
    if (frame_warnings.admit()) log->log(LogLevel::warning, message + frame_warnings.so_far());
  }
};

}  // namespace depthrec
