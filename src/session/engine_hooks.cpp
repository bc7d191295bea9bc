// Engine: the hooks through which each part hands data on, one way: a depth stream's snapshot
// requests and records (stream_hooks), a connection's records, rollover and server-time requests
// (connection_hooks), its socket's events (connection_events), and the shared writer (write) that
// every record goes through on its way to the files, Redis and Parquet sinks. prepare() and the
// building of streams and connections are in engine_wiring.cpp.
#include "depthrec/peer_text.hpp"
#include "session/engine.hpp"
#include "session/wiring_support.hpp"
#include "transport/clock.hpp"

namespace depthrec::session {

PushInfo Engine::write(std::string& line, const RecordContext& context, bool marker) {
  PushInfo info;
  const auto priority = marker ? AsyncWriter::Priority::marker : AsyncWriter::Priority::data;
  if (redis_) redis_->offer(line, context);              // a copy: try_push takes the line
  if (parquet_) parquet_->offer(line, context, marker);  // likewise
  if (writer_->try_push(line, context, priority) != AsyncWriter::PushResult::accepted)
    ++queue_drops_;
  info.queue_depth = static_cast<std::int64_t>(writer_->queue_depth());
  info.drops_total = queue_drops_;
  if (info.drops_total != reported_drops_) {
    // Counted exactly in metrics and marked in the recording; logged at most once a second.
    const std::int64_t now = transport::steady_ns();
    if (now - last_drop_log_ns_ >= 1'000'000'000) {
      log_->log(LogLevel::warning,
                "writer queue full: " + std::to_string(info.drops_total - reported_drops_) +
                    " records dropped and marked as a writer_drop gap of their stream (" +
                    std::to_string(info.drops_total) + " in all)");
      reported_drops_ = info.drops_total;
      last_drop_log_ns_ = now;
    }
  }
  return info;
}

void Engine::request_snapshot(EngineStream& stream, bool resync) {
  EngineStream* target = &stream;
  stream.snapshot_handle = rest_scheduler_->request(
      snapshot_request(stream.budget, resync, stream.config),
      [this, target](transport::HttpResponse response) {
        auto answer = std::make_shared<RestAnswer>(to_answer(std::move(response)));
        loop_->post([target, answer] { target->feed->on_snapshot_answer(*answer); });
      },
      [this, target](transport::RestHandle handle) {
        // Posted before the answer is, so the book keeps every event from the dispatch on. A
        // request cancelled and replaced since (a reconnect) no longer ends the tail.
        loop_->post([target, handle] {
          if (target->snapshot_handle == handle) target->feed->on_snapshot_dispatched();
        });
      });
}

void Engine::request_server_time(EngineConnection& connection) {
  if (connection.streams.empty()) return;
  const EngineStream& first = *connection.streams.front();
  EngineConnection* target = &connection;
  rest_scheduler_->request(server_time_request(first.budget, first.config),
                           [this, target](transport::HttpResponse response) {
                             auto answer =
                                 std::make_shared<RestAnswer>(to_answer(std::move(response)));
                             // One sample for the clock-offset estimate of every stream the
                             // connection carries.
                             loop_->post([target, answer] {
                               for (EngineStream* stream : target->streams)
                                 stream->feed->on_server_time_answer(*answer);
                             });
                           });
}

SessionHooks Engine::stream_hooks(EngineStream& stream) {
  SessionHooks hooks;
  EngineStream* target = &stream;
  hooks.request_snapshot = [this, target](bool resync) { request_snapshot(*target, resync); };
  hooks.cancel_snapshot = [this, target] {
    if (target->snapshot_handle != 0) rest_scheduler_->cancel(target->snapshot_handle);
    target->snapshot_handle = 0;
  };
  if (config_.write_files) {
    hooks.write = [this](std::string& line, const RecordContext& context, bool marker) {
      return write(line, context, marker);
    };
  }
  if (config_.redis_book_every > 0 || config_.redis_book_every_ms > 0) {
    hooks.publish_book = [this](std::string& line, const RecordContext& context) {
      if (redis_) redis_->offer(line, context);
    };
  }
  hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> fn) {
    loop_->schedule(delay, std::move(fn));
  };
  hooks.log = [this](LogLevel level, const std::string& message) { log_->log(level, message); };
  if (lifecycle_.first_synced) {
    hooks.synced = [this] {
      // The run's first synced book, whichever stream it is.
      if (announced_synced_) return;
      announced_synced_ = true;
      lifecycle_.first_synced();
    };
  }
  return hooks;
}

ConnectionHooks Engine::connection_hooks(EngineConnection& connection) {
  ConnectionHooks hooks;
  EngineConnection* target = &connection;
  if (config_.write_files) {
    hooks.write = [this](std::string& line, const RecordContext& context, bool marker) {
      return write(line, context, marker);
    };
  }
  hooks.schedule = [this](std::chrono::milliseconds delay, std::function<void()> fn) {
    loop_->schedule(delay, std::move(fn));
  };
  hooks.log = [this, target](LogLevel level, const std::string& message) {
    log_->log(level, "[" + std::to_string(target->planned_id) + "] " + message);
  };
  hooks.request_server_time = [this, target] { request_server_time(*target); };
  hooks.retire = [target](std::uint64_t old_conn_id) {
    target->ws->retire(old_conn_id, "rolled over");
  };
  hooks.abandon_successor = [this, target](std::uint64_t conn_id, const std::string& reason) {
    follow_->on_socket_closed(target->planned_id, conn_id);
    target->ws->abandon_successor(conn_id, reason);
  };
  return hooks;
}

transport::WsEvents Engine::connection_events(EngineConnection& connection) {
  transport::WsEvents events;
  EngineConnection* target = &connection;
  events.on_open = [this, target](std::uint64_t conn_id) {
    if (conn_id > 1) {
      for (EngineStream* stream : target->streams) stream->metrics->record_reconnect();
    }
    target->session->on_open(conn_id, transport::now_ns());
    subscribe_beyond_url(*target, conn_id, target->session->feeds());
  };
  events.on_frame = [this, target](std::uint64_t conn_id, std::string_view payload, bool binary,
                                   std::int64_t recv_ns) {
    handle_frame(*target, conn_id, payload, binary, recv_ns);
  };
  events.on_close = [this, target](std::uint64_t conn_id, const transport::CloseInfo& info) {
    for (EngineStream* stream : target->streams) {
      if (info.cause == transport::CloseCause::stalled) stream->metrics->record_stall();
      if (info.cause == transport::CloseCause::send_queue_full)
        stream->metrics->record_send_queue_overflow();
    }
    if (info.cause == transport::CloseCause::stopped) return;
    follow_->on_socket_closed(target->planned_id, conn_id);  // its opening SUBSCRIBEs
    // Its queued and awaited requests are moot: the next connection's URL names its streams.
    if (follow_ && info.cause != transport::CloseCause::rolled_over &&
        conn_id == target->session->active_conn())
      follow_->on_connection_reset(target->planned_id);
    const bool rolled_over = info.cause == transport::CloseCause::rolled_over;
    target->session->on_close(
        conn_id,
        std::string(transport::to_string(info.cause)) +
            (info.reason.empty() || rolled_over ? "" : ": " + peer_text(info.reason)),
        info.code ? std::optional<int>(info.code) : std::nullopt, transport::now_ns());
  };
  events.on_successor_open = [this, target](std::uint64_t conn_id, std::uint64_t replaced_conn_id) {
    target->session->on_successor_open(conn_id, replaced_conn_id, transport::now_ns());
    subscribe_beyond_url(*target, conn_id, target->session->successor_feeds());
  };
  events.on_rollover_failed = [this, target](std::uint64_t conn_id, const std::string& reason) {
    follow_->on_socket_closed(target->planned_id, conn_id);
    target->session->on_rollover_failed(conn_id, reason, transport::now_ns());
  };
  events.on_connect_failed = [this, target](const std::string& error,
                                            std::chrono::milliseconds retry_in) {
    for (EngineStream* stream : target->streams) stream->metrics->record_connect_failure();
    log_->log(
        LogLevel::error,
        "connect to " + target->url + " failed: " + error +
            (retry_in.count() > 0 ? "; retrying in " + std::to_string(retry_in.count()) + " ms"
                                  : std::string()));
    if (retry_in.count() == 0) {
      fail("connect failed: " + error);
      stop();
    }
  };
  return events;
}

}  // namespace depthrec::session
