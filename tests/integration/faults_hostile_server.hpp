// A purpose-built hostile peer for the fault matrix: a plain TCP server on 127.0.0.1 (OS-chosen
// port) that speaks just enough HTTP and WebSocket to misbehave where depthsim cannot (depthsim
// is a websocketpp server: it always reads what the client sends and always answers a handshake
// correctly). Each accepted connection runs a test-given script on its own thread: e.g. flood
// pings and never read the pongs, send a bad Sec-WebSocket-Accept or a 10 MB header, close with
// an invalid UTF-8 reason, answer REST with control characters.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace itest {

class HostileServer {
 public:
  // The request head one connection sent (request line and headers).
  struct Request {
    std::string head;
    std::string target;         // "/ws/btcusdt@depth" or "/fapi/v1/depth?..."
    std::string websocket_key;  // empty when it is not a WebSocket upgrade
  };

  // One accepted connection, as the script sees it. Writes block until the peer takes the
  // bytes (or the server stops); they fail once the peer is gone.
  class Peer {
   public:
    Peer(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
    const Request& request() const { return request_; }
    bool stopping() const { return stopping_.load(); }
    bool send(std::string_view bytes);
    // The 101 answer; `accept` replaces the correct Sec-WebSocket-Accept when not empty.
    bool upgrade(const std::string& accept = {});
    // One unmasked frame with FIN set (opcodes: 0x1 text, 0x8 close, 0x9 ping).
    bool send_frame(std::uint8_t opcode, std::string_view payload);
    bool send_close(std::uint16_t code, std::string_view reason);
    // An HTTP/1.1 response with Connection: close.
    bool send_http(int status, std::string_view body);
    // Blocks until the peer closes the connection (reads and discards) or `timeout_ms` passes.
    bool wait_peer_closed(int timeout_ms);
    bool read_request();  // fills request(); false on EOF, error or a head over 64 KiB

   private:
    int fd_;
    const std::atomic<bool>& stopping_;
    Request request_;
  };

  using Script = std::function<void(Peer&)>;

  // Listens at once; `receive_buffer_bytes` > 0 shrinks each connection's receive buffer, so a
  // script that never reads makes the peer's writes back up quickly.
  explicit HostileServer(Script script, int receive_buffer_bytes = 0);
  ~HostileServer();  // stops accepting, shuts every connection down, joins every thread
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  int port() const { return port_; }
  std::string ws_endpoint() const;    // ws://127.0.0.1:<port>
  std::string http_endpoint() const;  // http://127.0.0.1:<port>
  std::uint64_t connections() const { return connections_.load(); }

 private:
  void accept_loop();

  Script script_;
  int receive_buffer_bytes_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> connections_{0};
  std::mutex mutex_;
  std::vector<int> peer_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 4.2.2).
std::string websocket_accept(const std::string& key);

}  // namespace itest
