#pragma once
// Runs a WsClient on its own thread and records its callbacks so tests can wait on them.

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "transport/ws_client.hpp"

namespace depthrec::transport::test {

using namespace std::chrono_literals;

struct ClientLog {
  struct Frame {
    std::uint64_t conn_id;
    std::string payload;
    bool binary;
    std::int64_t recv_ns;
  };
  struct Failure {
    std::string error;
    std::chrono::milliseconds retry_in;
  };

  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::uint64_t> opens;
  std::vector<Frame> frames;
  std::vector<std::pair<std::uint64_t, CloseInfo>> closes;
  std::vector<Failure> failures;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> successors;  // (new id, replaced id)
  std::vector<std::pair<std::uint64_t, std::string>> rollover_failures;

  /// Waits (bounded) until pred() holds; pred runs under the lock.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return pred(); });
  }

  /// Events that record into this log; `extra` hooks run after recording, on the network thread.
  WsEvents events(std::function<void(const Frame&)> on_frame_extra = {},
                  std::function<void(std::uint64_t)> on_open_extra = {},
                  std::function<void(std::uint64_t, std::uint64_t)> on_successor_extra = {}) {
    WsEvents e;
    e.on_open = [this, on_open_extra](std::uint64_t id) {
      record([&] { opens.push_back(id); });
      if (on_open_extra) on_open_extra(id);
    };
    e.on_frame = [this, on_frame_extra](std::uint64_t id, std::string_view payload, bool binary,
                                        std::int64_t ns) {
      Frame frame{id, std::string(payload), binary, ns};
      if (on_frame_extra) on_frame_extra(frame);
      record([&] { frames.push_back(std::move(frame)); });
    };
    e.on_close = [this](std::uint64_t id, const CloseInfo& info) {
      record([&] { closes.emplace_back(id, info); });
    };
    e.on_connect_failed = [this](const std::string& error, std::chrono::milliseconds retry_in) {
      record([&] { failures.push_back({error, retry_in}); });
    };
    e.on_successor_open = [this, on_successor_extra](std::uint64_t id, std::uint64_t replaced) {
      record([&] { successors.emplace_back(id, replaced); });
      if (on_successor_extra) on_successor_extra(id, replaced);
    };
    e.on_rollover_failed = [this](std::uint64_t id, const std::string& reason) {
      record([&] { rollover_failures.emplace_back(id, reason); });
    };
    return e;
  }

 private:
  template <class F>
  void record(F f) {
    std::lock_guard lock(mutex);
    f();
    cv.notify_all();
  }
};

/// Owns a client and the thread inside its run(); stops and joins on destruction.
class RunningClient {
 public:
  RunningClient(WsClientConfig config, WsEvents events)
      : client(std::move(config), std::move(events)) {}
  ~RunningClient() {
    client.stop();
    if (thread_.joinable()) thread_.join();
  }
  void start() {
    std::promise<void> returned;
    run_returned_ = returned.get_future();
    thread_ = std::thread([this, done = std::move(returned)]() mutable {
      client.run();
      done.set_value();
    });
  }
  /// True when run() has returned within `limit`.
  bool returns_within(std::chrono::milliseconds limit) {
    return run_returned_.wait_for(limit) == std::future_status::ready;
  }

  WsClient client;

 private:
  std::thread thread_;
  std::future<void> run_returned_;
};

/// The URL of an in-test plain-ws server's endpoint on 127.0.0.1.
inline std::string ws_url(unsigned short port) {
  return "ws://127.0.0.1:" + std::to_string(port) + "/ws";
}

inline WsClientConfig test_config(const std::string& url) {
  WsClientConfig config;
  config.url = url;
  config.connect_timeout = 3s;
  config.backoff = BackoffConfig{50ms, 2000ms, 2.0, 0.0};  // no jitter: exact delays
  config.jitter_seed = 7;
  return config;
}

}  // namespace depthrec::transport::test
