#pragma once
// A WebSocket client (ws:// and wss://) that keeps one connection alive: it reconnects with
// backoff, detects stalled streams, replaces connections before the exchange's 24 h cut with a
// successor opened before the old one closes (make-before-break), and
// answers pings. Everything happens on one network thread: the thread that runs its loop. A
// client either owns a private loop (run() drives it, as for the single-feed recorder) or joins a
// NetworkLoop that many clients share (start(); the loop's owner runs it): each shared client
// keeps its own reconnects, timers and bounds, and stopping one leaves the others running.
// websocketpp and asio stay inside ws_client.cpp.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "transport/backoff.hpp"
#include "transport/network_loop.hpp"

namespace depthrec::transport {

struct WsClientConfig {
  std::string url;      // ws://host:port/path or wss://host:port/path
  std::string ca_file;  // extra CA bundle for wss (e.g. the simulator's cert); empty = system store
  bool verify_peer = true;  // TLS peer + host-name verification; never silently off
  std::size_t max_message_bytes = 16u << 20;         // larger messages close the connection (1009)
  std::chrono::milliseconds connect_timeout{10000};  // TCP + TLS + HTTP upgrade
  std::chrono::milliseconds stall_timeout{
      30000};  // no frame at all (or no marked data) for this long -> close, reconnect
  // true: only mark_data() resets the stall clock. The user knows which frames carry the data it
  // wants (e.g. the depth events of its stream); pings and other frames only prove the socket
  // lives, and a server that keeps pinging without sending data is stalled all the same.
  bool stall_on_marked_data = false;
  // Outgoing data not yet written to the socket (pongs, our messages), estimated with each
  // queued message's memory. A peer that sends pings but never reads our pongs would grow the
  // queue without bound: above this the connection is cut (CloseCause::send_queue_full).
  std::size_t max_send_queue_bytes = 1u << 20;
  std::chrono::milliseconds max_connection_age{
      std::chrono::hours(23) + std::chrono::minutes(50)};  // before Binance's 24 h cut
  // Make-before-break: at max_connection_age a successor connection to the same URL opens while
  // the old one keeps delivering; the user retires the old one once the successor has taken
  // over. Without a takeover within rollover_timeout (or when the successor fails), the old
  // connection is closed (CloseCause::max_age) and reconnected as without rollover.
  bool rollover = true;
  std::chrono::milliseconds rollover_timeout{30000};
  BackoffConfig backoff;
  // A connection that stayed up this long proved the endpoint healthy: the next reconnect starts
  // the backoff again. Shorter-lived ones keep it growing even when they delivered frames, so a
  // server that accepts, sends a little and drops (a reconnect storm) is not hammered.
  std::chrono::milliseconds healthy_uptime{30000};
  std::uint64_t jitter_seed = 0;  // 0 = random
  bool reconnect = true;          // false: run() returns after the first connection ends
};

enum class CloseCause {
  remote_close,     // the server sent a close frame
  stalled,          // no frame for stall_timeout
  max_age,          // the connection reached max_connection_age
  network_error,    // the connection broke without a close frame
  tls_error,        // the TLS layer failed on an open connection
  stopped,          // stop() was called
  requested,        // reconnect_now() was called
  rolled_over,      // retire() was called: a successor connection took over
  send_queue_full,  // the peer did not read: unsent data exceeded max_send_queue_bytes
};
const char* to_string(CloseCause cause);

struct CloseInfo {
  CloseCause cause;
  int code = 0;        // the peer's close code; 0 when there was no close frame from the peer
  std::string reason;  // the peer's close reason, or why we closed / what broke
  std::chrono::milliseconds retry_in{0};  // delay before the next attempt; 0 when none follows
};

/// Every callback runs on the network thread (the thread inside run()). Callbacks may call the
/// client's network-thread methods. Exceptions thrown by callbacks propagate out of run().
struct WsEvents {
  std::function<void(std::uint64_t conn_id)> on_open;
  std::function<void(std::uint64_t conn_id, std::string_view payload, bool binary,
                     std::int64_t recv_ns)>
      on_frame;  // payload is valid only during the call; recv_ns is now_ns() on arrival
  std::function<void(std::uint64_t conn_id, const CloseInfo&)> on_close;
  // An attempt failed before the connection opened (DNS, refused, TLS verification, HTTP
  // upgrade, connect timeout). retry_in is 0 when no retry follows (reconnect=false, bad URL).
  std::function<void(const std::string& error, std::chrono::milliseconds retry_in)>
      on_connect_failed;
  // Rollover: a successor connection opened while `replaced_conn_id` is still open. Its frames
  // come with its own id; call retire(replaced_conn_id) once it has taken over.
  std::function<void(std::uint64_t new_conn_id, std::uint64_t replaced_conn_id)> on_successor_open;
  // The rollover was given up (successor failed to connect, closed, or did not take over within
  // rollover_timeout; or the old connection ended first). successor_conn_id is 0 when it never
  // opened. The old connection is then closed with max_age and reconnected as usual.
  std::function<void(std::uint64_t successor_conn_id, const std::string& reason)>
      on_rollover_failed;
};

struct WsClientStats {
  std::uint64_t connects = 0;          // connections that opened
  std::uint64_t reconnects = 0;        // open connections that ended and were followed by a retry
  std::uint64_t connect_failures = 0;  // attempts that failed before opening
  std::uint64_t stalls = 0;            // connections closed by the stall timer
  std::uint64_t send_queue_overflows = 0;  // connections cut for max_send_queue_bytes
  std::uint64_t pings_received = 0;        // pings answered with a pong
  std::uint64_t frames = 0;                // data messages delivered to on_frame
  std::uint64_t bytes = 0;                 // payload bytes delivered to on_frame
  std::uint64_t rollovers = 0;             // successors that took over (retire() accepted)
  std::uint64_t rollover_fallbacks = 0;    // rollovers given up (close-and-reconnect instead)
};

class WsClient {
 public:
  /// A client on its own private loop: run() drives it.
  WsClient(WsClientConfig config, WsEvents events);
  /// A client on a shared loop: start() begins connecting; `loop` outlives the client, and the
  /// client is destroyed only after the loop's run() has returned.
  WsClient(NetworkLoop& loop, WsClientConfig config, WsEvents events);
  ~WsClient();  // stops and joins nothing it didn't start: the thread inside run() must have
                // returned
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  /// Runs the io loop on the calling thread until stop() (or, with reconnect=false, until the
  /// first connection ends or fails). Call it once; later calls return at once. An invalid URL
  /// is reported through on_connect_failed (retry_in 0) and run() returns. On a shared loop,
  /// run() is start().
  void run();
  /// Thread-safe: begins connecting on the shared loop (once; nothing after stop()).
  void start();
  /// Thread-safe, idempotent: sends close frame 1000 (waiting at most ~2 s for the close
  /// handshake), abandons a pending connect or backoff wait, and makes run() return (a shared
  /// loop keeps running for its other clients).
  void stop();
  /// Thread-safe: the client stopped (stop(), a bad URL, or its last connection with
  /// reconnect=false) and will do nothing more.
  bool finished() const;
  /// Thread-safe: runs fn on the network thread (queued until run() starts; dropped once run()
  /// has returned).
  void post(std::function<void()> fn);

  // Network thread only (or before run()):
  /// Queues a text message on the open connection; false when no connection is open.
  bool send_text(const std::string& text);
  /// Queues a text message on connection `conn_id` (the primary or a rollover's successor, which
  /// SUBSCRIBEs the streams its URL does not name before it takes over); false when it is not
  /// open.
  bool send_text_on(std::uint64_t conn_id, const std::string& text);
  /// The rollover timeout of every later rollover (a connection that SUBSCRIBEs more streams
  /// after its open needs longer for its successor to take over).
  void set_rollover_timeout(std::chrono::milliseconds timeout);
  /// The URL of every later connect, reconnect and rollover successor (same scheme and host;
  /// a many-stream connection's stream list changed by SUBSCRIBE/UNSUBSCRIBE). The open
  /// connection keeps the one it opened with.
  void set_url(const std::string& url);
  /// A rollover is under way: a successor is connecting or open (with the URL of when it began)
  /// and has not taken over yet.
  bool rollover_pending() const;
  /// With stall_on_marked_data: connection `conn_id` delivered data (restarts its stall clock).
  void mark_data(std::uint64_t conn_id);
  /// Closes the open connection (CloseCause::requested) and reconnects via the backoff.
  void reconnect_now(std::string reason);
  /// Rollover: the successor takes over and the old connection `conn_id` is closed
  /// (CloseCause::rolled_over, reported through on_close when it ends). False when conn_id is
  /// not the current connection or no successor is open.
  bool retire(std::uint64_t conn_id, std::string reason);
  /// Gives up the rollover of successor `conn_id` (0: whichever): the successor is dropped
  /// (no on_close for it, no on_rollover_failed) and the old connection is closed with max_age.
  bool abandon_successor(std::uint64_t conn_id, const std::string& reason);
  /// One-shot timer; returns an id for cancel(). Timers survive reconnects; stop() drops them.
  std::uint64_t schedule(std::chrono::milliseconds delay, std::function<void()> fn);
  /// Periodic timer (drift-free) until stop() or cancel(id).
  std::uint64_t schedule_every(std::chrono::milliseconds period, std::function<void()> fn);
  /// Cancels a timer from schedule()/schedule_every(); false if it already fired or is unknown.
  bool cancel(std::uint64_t timer_id);

  WsClientStats stats() const;  // thread-safe

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec::transport
