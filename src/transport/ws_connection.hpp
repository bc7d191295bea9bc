#pragma once
// Internal to the WebSocket client: the state of one connection slot (one Link, one attempt at a
// time): connect timeout, stall and age timers, and how it ended. WsClient keeps two slots so
// that a successor can open while the old connection still delivers (make-before-break
// rollover). Everything runs on the network thread.

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "transport/ws_client.hpp"
#include "transport/ws_link.hpp"

namespace depthrec::transport::detail {

class WsConnection;

/// Receives what happens on a slot; the slot passes itself so the owner can tell its roles apart.
class ConnectionOwner {
 public:
  virtual void conn_open(WsConnection& conn) = 0;
  virtual void conn_frame(WsConnection& conn, std::string_view payload, bool binary) = 0;
  virtual void conn_ping(WsConnection& conn) = 0;
  virtual void conn_failed(WsConnection& conn, const std::string& error) = 0;  // before open
  virtual void conn_closed(WsConnection& conn, CloseInfo info) = 0;  // after open; retry_in 0
  virtual void conn_expired(WsConnection& conn) = 0;                 // open for max_connection_age

 protected:
  ~ConnectionOwner() = default;
};

class WsConnection final : public LinkListener {
 public:
  enum class State { idle, connecting, open, closing };

  WsConnection(asio::io_context& io, const WsClientConfig& config, ConnectionOwner& owner);
  WsConnection(const WsConnection&) = delete;
  WsConnection& operator=(const WsConnection&) = delete;
  ~WsConnection() = default;

  /// Starts an attempt (connect timeout armed); an error text if it could not even start.
  std::string start();
  /// Starts the close handshake with `cause`; reported through conn_closed.
  void close(CloseCause cause, std::string reason);
  /// Forgets the attempt or connection: no event of it is reported any more.
  void abandon();
  /// A close already under way is reported with `cause` instead (stop while closing).
  void override_cause(CloseCause cause) { pending_cause_ = cause; }
  bool send_text(const std::string& text);
  /// The URL of the next start() (the open connection keeps the one it opened with).
  void set_url(const std::string& url) { link_->set_url(url); }
  /// The user saw data on this connection: restarts the stall clock (stall_on_marked_data).
  void mark_data();

  State state() const { return state_; }
  bool is_open() const { return state_ == State::open; }
  std::uint64_t id() const { return id_; }
  void set_id(std::uint64_t id) { id_ = id; }
  std::chrono::steady_clock::time_point opened_at() const { return opened_at_; }

 private:
  void link_open() override;
  void link_frame(std::string_view payload, bool binary) override;
  void link_ping() override;
  void link_failed(std::string error) override;
  void link_closed(LinkClose close) override;
  void arm_stall_timer(std::chrono::milliseconds delay);
  void cancel_timers();

  const WsClientConfig& config_;
  ConnectionOwner& owner_;
  asio::steady_timer connect_timer_, stall_timer_, age_timer_;
  std::unique_ptr<Link> link_;
  State state_ = State::idle;
  std::uint64_t id_ = 0;
  std::uint64_t generation_ = 0;  // bumped by every start/close/abandon: stale timers do nothing
  std::optional<CloseCause> pending_cause_;
  std::string pending_reason_;
  std::chrono::steady_clock::time_point opened_at_;
  std::int64_t last_activity_ns_ = 0;
};

}  // namespace depthrec::transport::detail
