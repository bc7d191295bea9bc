// The network edge of the simulator: one listening port serving WebSocket and HTTP(S).
// websocketpp lives only behind this interface (ws_server_impl.hpp, two translation units),
// so the exchange logic compiles quickly and can be unit tested without sockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace asio {
class io_context;
}

namespace depthsim {

using ConnectionId = std::uint64_t;

struct HttpReply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string content_type = "application/json";
  // When larger than body.size(), Content-Length announces this many bytes and the connection
  // closes after the shorter body: a truncated response.
  std::size_t announced_length = 0;
};

// What the server reports to the exchange. All calls happen on the io_context's thread.
class ServerHandler {
 public:
  virtual ~ServerHandler() = default;
  // nullopt accepts the WebSocket upgrade; a reply refuses it with that status and body.
  virtual std::optional<HttpReply> validate_upgrade(ConnectionId id,
                                                    const std::string& resource) = 0;
  // An accepted upgrade's 101 response leaves this much later (0: at once). Asked once per
  // accepted upgrade, after validate_upgrade.
  virtual std::chrono::milliseconds handshake_hold(ConnectionId) {
    return std::chrono::milliseconds(0);
  }
  virtual void on_open(ConnectionId id, const std::string& resource) = 0;
  virtual void on_message(ConnectionId id, const std::string& payload, bool is_text) = 0;
  virtual bool on_client_ping(ConnectionId id) = 0;  // true: answer with a pong
  virtual void on_pong(ConnectionId id, const std::string& payload) = 0;
  virtual void on_close(ConnectionId id) = 0;  // closed, failed or dropped: no more calls for id
  // The oldest `frames` frames send() accepted for id were written to the socket (every byte
  // taken by it), in the order they were sent. Frames still queued, or cut short by the end of
  // the connection, are never reported.
  virtual void on_frames_written(ConnectionId id, std::size_t frames) = 0;
  // A plain HTTP request; nullopt defers the answer until reply_http(id, ...).
  virtual std::optional<HttpReply> on_http(ConnectionId id, const std::string& method,
                                           const std::string& resource) = 0;
};

enum class FrameType { text, binary };

class WsServer {
 public:
  virtual ~WsServer() = default;
  // Listens on 127.0.0.1:port (0 = the OS chooses) and returns the bound port.
  virtual std::uint16_t listen(std::uint16_t port) = 0;
  virtual void stop_listening() = 0;
  // Sends one frame as given: text frames are not UTF-8 checked (the bad_utf8 fault needs that).
  // A frame shared by many connections is framed once. False when the connection is gone.
  virtual bool send(ConnectionId id, FrameType type,
                    const std::shared_ptr<const std::string>& payload) = 0;
  virtual std::size_t buffered_amount(ConnectionId id) const = 0;
  virtual void ping(ConnectionId id, const std::string& payload) = 0;
  virtual void close(ConnectionId id, std::uint16_t code, const std::string& reason) = 0;
  virtual void drop(ConnectionId id) = 0;   // TCP close without a close frame
  virtual void reset(ConnectionId id) = 0;  // half a frame then RST (plain), RST (TLS)
  virtual void reply_http(ConnectionId id, const HttpReply& reply) = 0;
};

// A certificate and key in PEM, for the TLS server.
struct TlsIdentity {
  std::string certificate_pem;
  std::string private_key_pem;
};

std::unique_ptr<WsServer> make_plain_server(asio::io_context& io, ServerHandler& handler);
std::unique_ptr<WsServer> make_tls_server(asio::io_context& io, ServerHandler& handler,
                                          const TlsIdentity& identity);

}  // namespace depthsim
