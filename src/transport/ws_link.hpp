#pragma once
// Internal to ws_client.cpp: one websocketpp endpoint (plain or TLS) that carries one connection
// attempt at a time. The client's reconnect/timer logic sits above it and sees only these two
// small interfaces, so websocketpp's templates stay in one translation unit.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace asio {
class io_context;
}

namespace depthrec::transport::detail {

/// How an open connection ended, as seen by the link.
struct LinkClose {
  bool remote_close_frame = false;  // the peer sent a close frame
  int remote_code = 0;
  std::string remote_reason;
  std::string error;  // what broke, when the peer did not close
  bool tls_error = false;
  bool send_queue_full = false;  // we cut it: the peer did not read (max_send_queue_bytes)
};

/// Receives the events of the current attempt only; events of abandoned attempts are dropped.
class LinkListener {
 public:
  virtual void link_open() = 0;
  virtual void link_frame(std::string_view payload, bool binary) = 0;
  virtual void link_ping() = 0;
  virtual void link_failed(std::string error) = 0;  // before open
  virtual void link_closed(LinkClose close) = 0;    // after open

 protected:
  ~LinkListener() = default;
};

class Link {
 public:
  virtual ~Link() = default;
  /// Starts a new attempt; returns an error text if it could not even start.
  virtual std::string connect() = 0;
  virtual bool send_text(const std::string& text) = 0;
  /// Starts the close handshake on the open connection; false if it is not open.
  virtual bool close(int code, const std::string& reason) = 0;
  /// Forgets the current attempt (connect timeout, stop): its socket is closed and any late
  /// event is dropped; a late open is closed at once.
  virtual void abandon() = 0;
  /// The URL of the next connect() (same host: only the path and query may change).
  virtual void set_url(const std::string& url) = 0;
};

struct LinkSettings {
  std::string url;
  std::string ca_file;
  bool verify_peer = true;
  std::size_t max_message_bytes = 0;
  std::size_t max_send_queue_bytes = 0;  // 0: unbounded
};

/// Checks a ws:// or wss:// URL; returns an error text, empty when the URL is usable.
std::string check_ws_url(const std::string& url);

/// A link for settings.url (ws or wss) on io; the listener must outlive it.
std::unique_ptr<Link> make_link(asio::io_context& io, const LinkSettings& settings,
                                LinkListener& listener);

}  // namespace depthrec::transport::detail
