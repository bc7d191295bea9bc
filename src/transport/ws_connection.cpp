// One connection slot of the WebSocket client: attempt, timers, and how the connection ended.
#include "transport/ws_connection.hpp"

#include "transport/clock.hpp"

namespace depthrec::transport {

const char* to_string(CloseCause cause) {
  switch (cause) {
    case CloseCause::remote_close:
      return "remote_close";
    case CloseCause::stalled:
      return "stalled";
    case CloseCause::max_age:
      return "max_age";
    case CloseCause::network_error:
      return "network_error";
    case CloseCause::tls_error:
      return "tls_error";
    case CloseCause::stopped:
      return "stopped";
    case CloseCause::requested:
      return "requested";
    case CloseCause::rolled_over:
      return "rolled_over";
    case CloseCause::send_queue_full:
      return "send_queue_full";
  }
  return "unknown";
}

}  // namespace depthrec::transport

namespace depthrec::transport::detail {

using std::chrono::milliseconds;

WsConnection::WsConnection(asio::io_context& io, const WsClientConfig& config,
                           ConnectionOwner& owner)
    : config_(config),
      owner_(owner),
      connect_timer_(io),
      stall_timer_(io),
      age_timer_(io),
      link_(make_link(io,
                      {config.url, config.ca_file, config.verify_peer, config.max_message_bytes,
                       config.max_send_queue_bytes},
                      *this)) {}

std::string WsConnection::start() {
  ++generation_;
  cancel_timers();
  pending_cause_.reset();
  id_ = 0;
  state_ = State::connecting;
  std::string error = link_->connect();
  if (!error.empty()) {
    state_ = State::idle;
    return error;
  }
  connect_timer_.expires_after(config_.connect_timeout);
  connect_timer_.async_wait([this, gen = generation_](const asio::error_code& ec) {
    if (ec || state_ != State::connecting || gen != generation_) return;
    link_->abandon();
    state_ = State::idle;
    owner_.conn_failed(*this, config_.url + ": connect timed out after " +
                                  std::to_string(config_.connect_timeout.count()) + " ms");
  });
  return {};
}

void WsConnection::close(CloseCause cause, std::string reason) {
  if (state_ != State::open) return;
  pending_cause_ = cause;
  pending_reason_ = std::move(reason);
  state_ = State::closing;
  ++generation_;
  cancel_timers();
  if (!link_->close(1000, pending_reason_)) {
    // Not closable any more (the socket already broke): report it as closed now.
    link_->abandon();
    link_closed(LinkClose{});
  }
}

void WsConnection::abandon() {
  ++generation_;
  cancel_timers();
  if (state_ != State::idle) link_->abandon();
  state_ = State::idle;
  pending_cause_.reset();
}

bool WsConnection::send_text(const std::string& text) {
  return state_ == State::open && link_->send_text(text);
}

void WsConnection::mark_data() {
  if (state_ == State::open) last_activity_ns_ = steady_ns();
}

void WsConnection::link_open() {
  if (state_ != State::connecting) return;
  connect_timer_.cancel();
  state_ = State::open;
  opened_at_ = std::chrono::steady_clock::now();
  last_activity_ns_ = steady_ns();
  arm_stall_timer(config_.stall_timeout);
  age_timer_.expires_after(config_.max_connection_age);
  age_timer_.async_wait([this, gen = generation_](const asio::error_code& ec) {
    if (ec || state_ != State::open || gen != generation_) return;
    owner_.conn_expired(*this);
  });
  owner_.conn_open(*this);
}

void WsConnection::link_frame(std::string_view payload, bool binary) {
  if (state_ != State::open && state_ != State::closing) return;
  if (!config_.stall_on_marked_data) last_activity_ns_ = steady_ns();
  owner_.conn_frame(*this, payload, binary);
}

void WsConnection::link_ping() {
  if (!config_.stall_on_marked_data) last_activity_ns_ = steady_ns();
  owner_.conn_ping(*this);
}

void WsConnection::link_failed(std::string error) {
  if (state_ != State::connecting) return;
  connect_timer_.cancel();
  state_ = State::idle;
  owner_.conn_failed(*this, error);
}

void WsConnection::link_closed(LinkClose close) {
  if (state_ != State::open && state_ != State::closing) return;
  ++generation_;
  cancel_timers();
  CloseInfo info{CloseCause::network_error, close.remote_code, {}, milliseconds(0)};
  if (pending_cause_) {
    info.cause = *pending_cause_;
    info.reason = std::move(pending_reason_);
  } else if (close.send_queue_full) {
    info.cause = CloseCause::send_queue_full;
    info.reason = std::move(close.error);
  } else if (close.remote_close_frame) {
    info.cause = CloseCause::remote_close;
    info.reason = std::move(close.remote_reason);
  } else {
    info.cause = close.tls_error ? CloseCause::tls_error : CloseCause::network_error;
    info.reason = std::move(close.error);
  }
  pending_cause_.reset();
  state_ = State::idle;
  owner_.conn_closed(*this, std::move(info));
}

void WsConnection::arm_stall_timer(milliseconds delay) {
  stall_timer_.expires_after(delay);
  stall_timer_.async_wait([this, gen = generation_](const asio::error_code& ec) {
    if (ec || state_ != State::open || gen != generation_) return;
    // One timer per stall period instead of one per frame: frames only stamp the time.
    const auto idle = std::chrono::nanoseconds(steady_ns() - last_activity_ns_);
    if (idle >= config_.stall_timeout) {
      close(CloseCause::stalled,
            std::string(config_.stall_on_marked_data ? "no market data for " : "no frame for ") +
                std::to_string(config_.stall_timeout.count()) + " ms");
      return;
    }
    arm_stall_timer(std::chrono::duration_cast<milliseconds>(config_.stall_timeout - idle) +
                    milliseconds(1));
  });
}

void WsConnection::cancel_timers() {
  connect_timer_.cancel();
  stall_timer_.cancel();
  age_timer_.cancel();
}

}  // namespace depthrec::transport::detail
