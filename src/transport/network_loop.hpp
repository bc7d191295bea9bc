#pragma once
// One event loop (one io_context, one network thread) that any number of WsClient connections
// share: each client keeps its own reconnect/backoff, stall and age timers, pings/pongs, byte
// bounds and rollover, and stopping one client never disturbs the others. The loop runs until
// stop(); clients are destroyed after run() has returned and before the loop (their pending
// operations live in its io_context). asio stays out of this header.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace asio {
class io_context;
}

namespace depthrec::transport {

class NetworkLoop {
 public:
  NetworkLoop();
  ~NetworkLoop();
  NetworkLoop(const NetworkLoop&) = delete;
  NetworkLoop& operator=(const NetworkLoop&) = delete;

  /// Runs every client's connections and timers on the calling thread until stop(). Call it once;
  /// after stop() it returns at once.
  void run();
  /// Thread-safe, idempotent: makes run() return (clients still open are abandoned, not closed:
  /// stop each client first for a close handshake).
  void stop();
  /// Thread-safe: runs fn on the loop's thread (queued until run() starts).
  void post(std::function<void()> fn);
  /// Loop thread only (or before run()): a one-shot timer, dropped when the loop stops.
  std::uint64_t schedule(std::chrono::milliseconds delay, std::function<void()> fn);
  /// Loop thread only: a periodic, drift-free timer until stop() or cancel(id).
  std::uint64_t schedule_every(std::chrono::milliseconds period, std::function<void()> fn);
  bool cancel(std::uint64_t timer_id);

  /// The loop's io_context, for the transport's own classes (WsClient).
  asio::io_context& io();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec::transport
