// Connection lifecycle on top of two WsConnection slots: backoff, make-before-break rollover,
// user timers, stop. Everything except stop(), post() and stats() runs on the network thread.
#include "transport/ws_client.hpp"

#include <algorithm>
#include <array>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <optional>
#include <random>

#include "transport/clock.hpp"
#include "transport/network_loop.hpp"
#include "transport/user_timers.hpp"
#include "transport/ws_connection.hpp"
#include "transport/ws_link.hpp"

namespace depthrec::transport {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// stop() waits at most this long for the close handshake before dropping everything.
constexpr milliseconds kStopDeadline{2000};

std::uint64_t effective_seed(std::uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

/// A counter written only by the network thread and read by any thread.
class Counter {
 public:
  void add(std::uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace

class WsClient::Impl final : public detail::ConnectionOwner {
 public:
  // own_loop: the client's private loop (run() drives it); else `loop` is shared.
  Impl(std::unique_ptr<NetworkLoop> own_loop, NetworkLoop& loop, WsClientConfig config,
       WsEvents events)
      : own_loop_(std::move(own_loop)),
        io_(loop.io()),
        config_(std::move(config)),
        events_(std::move(events)),
        backoff_(config_.backoff, effective_seed(config_.jitter_seed)) {}

  void run() {
    if (!own_loop_) {
      start();  // a shared loop is run by its owner
      return;
    }
    if (state_ != State::idle || stop_requested_.load()) return;
    begin();
    if (state_ != State::finished) own_loop_->run();
  }

  void start() {
    asio::post(io_, [this] {
      if (state_ == State::idle && !stop_requested_.load()) begin();
    });
  }

  void stop() {
    if (stop_requested_.exchange(true)) return;
    asio::post(io_, [this] { begin_stop(); });
  }

  bool finished() const { return finished_.load(); }

  void post(std::function<void()> fn) { asio::post(io_, std::move(fn)); }

  bool send_text(const std::string& text) {
    return state_ == State::open && primary_->send_text(text);
  }

  bool send_text_on(std::uint64_t conn_id, const std::string& text) {
    for (auto& slot : slots_) {
      if (slot && slot->id() == conn_id && slot->is_open())
        return (slot.get() == primary_ || slot.get() == successor_) && slot->send_text(text);
    }
    return false;
  }

  void set_rollover_timeout(milliseconds timeout) { config_.rollover_timeout = timeout; }

  void set_url(const std::string& url) {
    config_.url = url;
    for (auto& slot : slots_)
      if (slot) slot->set_url(url);
  }

  bool rollover_pending() const { return successor_ != nullptr; }

  void mark_data(std::uint64_t conn_id) {
    for (auto& slot : slots_)
      if (slot && slot->id() == conn_id) slot->mark_data();
  }

  void reconnect_now(std::string reason) {
    if (state_ == State::open) close_primary(CloseCause::requested, std::move(reason));
  }

  bool retire(std::uint64_t conn_id, std::string reason) {
    if (state_ != State::open || successor_ == nullptr || !successor_->is_open() ||
        primary_->id() != conn_id)
      return false;
    // The successor takes over at once; the old connection's close is reported when it ends.
    rollover_timer_.cancel();
    detail::WsConnection* old = primary_;
    primary_ = successor_;
    successor_ = nullptr;
    rollovers_.add();
    old->close(CloseCause::rolled_over, std::move(reason));
    return true;
  }

  bool abandon_successor(std::uint64_t conn_id, const std::string& reason) {
    if (successor_ == nullptr || (conn_id != 0 && successor_->id() != conn_id)) return false;
    rollover_fallback(reason, false);
    return true;
  }

  std::uint64_t schedule(milliseconds delay, std::function<void()> fn,
                         milliseconds period = milliseconds(0)) {
    return user_timers_.schedule(delay, std::move(fn), period);
  }

  bool cancel(std::uint64_t id) { return user_timers_.cancel(id); }

  WsClientStats stats() const {
    WsClientStats s;
    s.connects = connects_.get();
    s.reconnects = reconnects_.get();
    s.connect_failures = connect_failures_.get();
    s.stalls = stalls_.get();
    s.send_queue_overflows = send_queue_overflows_.get();
    s.pings_received = pings_.get();
    s.frames = frames_.get();
    s.bytes = bytes_.get();
    s.rollovers = rollovers_.get();
    s.rollover_fallbacks = rollover_fallbacks_.get();
    return s;
  }

 private:
  // The client's state is the primary connection's; a successor lives beside it.
  enum class State { idle, connecting, open, closing, waiting, finished };

  detail::WsConnection* other_slot() {
    return primary_ == slots_[0].get() ? slots_[1].get() : slots_[0].get();
  }

  // --- connection events ---
  void conn_open(detail::WsConnection& conn) override {
    conn.set_id(++last_conn_id_);
    connects_.add();
    if (&conn == successor_) {
      if (events_.on_successor_open) events_.on_successor_open(conn.id(), primary_->id());
      return;
    }
    state_ = State::open;
    if (events_.on_open) events_.on_open(conn.id());
  }

  void conn_frame(detail::WsConnection& conn, std::string_view payload, bool binary) override {
    const std::int64_t recv_ns = now_ns();
    frames_.add();
    bytes_.add(payload.size());
    if (events_.on_frame) events_.on_frame(conn.id(), payload, binary, recv_ns);
  }

  void conn_ping(detail::WsConnection&) override { pings_.add(); }

  void conn_failed(detail::WsConnection& conn, const std::string& error) override {
    connect_failures_.add();
    if (&conn == successor_) {
      rollover_fallback("successor failed to connect: " + error, true);
      return;
    }
    if (&conn == primary_ && state_ == State::connecting) connect_failed(error);
  }

  void conn_expired(detail::WsConnection& conn) override {
    if (&conn != primary_ || state_ != State::open || stopping_) return;
    if (!config_.rollover) {
      close_primary(CloseCause::max_age, "connection reached its maximum age");
      return;
    }
    if (successor_ != nullptr) return;
    detail::WsConnection* slot = other_slot();
    if (slot->state() != detail::WsConnection::State::idle) {
      // The connection retired before is still closing: report it closed now.
      const std::uint64_t old_id = slot->id();
      slot->abandon();
      if (events_.on_close)
        events_.on_close(old_id, CloseInfo{CloseCause::rolled_over, 0, "close handshake unfinished",
                                           milliseconds(0)});
    }
    successor_ = slot;
    rollover_timer_.expires_after(config_.rollover_timeout);
    rollover_timer_.async_wait([this, slot](const asio::error_code& ec) {
      if (ec || successor_ != slot) return;
      rollover_fallback("successor did not take over within " +
                            std::to_string(config_.rollover_timeout.count()) + " ms",
                        true);
    });
    const std::string error = slot->start();
    if (!error.empty()) {
      connect_failures_.add();
      rollover_fallback("successor failed to connect: " + error, true);
    }
  }

  void conn_closed(detail::WsConnection& conn, CloseInfo info) override {
    if (info.cause == CloseCause::stalled) stalls_.add();
    if (info.cause == CloseCause::send_queue_full) send_queue_overflows_.add();
    if (&conn == successor_) {
      // The successor ended before it took over: the old connection goes on, then is cut.
      rollover_fallback(
          "successor closed before taking over (" + std::string(to_string(info.cause)) + ")", true);
      return;
    }
    if (&conn != primary_) {
      // A retired (rolled-over) connection finished closing.
      if (events_.on_close) events_.on_close(conn.id(), info);
      return;
    }
    if (state_ != State::open && state_ != State::closing) return;
    // The old connection broke during a rollover: no takeover; the normal reconnect follows
    // (closing, so the fallback does not cut the connection that already ended).
    state_ = State::closing;
    rollover_fallback("old connection ended during the rollover", true);
    const bool healthy = Clock::now() - conn.opened_at() >= config_.healthy_uptime;
    const bool retry = config_.reconnect && !stopping_;
    if (retry) {
      if (healthy) backoff_.reset();
      info.retry_in = backoff_.next();
      reconnects_.add();
      wait_then_connect(info.retry_in);
    }
    if (events_.on_close) events_.on_close(conn.id(), info);
    if (!retry) finish();
  }

  // --- rollover ---
  // No takeover: forget the successor and cut the old connection as before a rollover existed.
  void rollover_fallback(const std::string& reason, bool notify) {
    detail::WsConnection* successor = successor_;
    if (successor == nullptr) return;
    successor_ = nullptr;
    rollover_timer_.cancel();
    rollover_fallbacks_.add();
    const std::uint64_t id = successor->id();  // 0 when it never opened
    successor->abandon();
    if (notify && events_.on_rollover_failed) events_.on_rollover_failed(id, reason);
    if (state_ == State::open)
      close_primary(CloseCause::max_age,
                    "connection reached its maximum age (rollover failed: " + reason + ")");
  }

  // --- lifecycle ---
  void begin() {
    const std::string url_error = detail::check_ws_url(config_.url);
    if (!url_error.empty()) {
      state_ = State::finished;
      finished_ = true;
      if (events_.on_connect_failed) events_.on_connect_failed(url_error, milliseconds(0));
      return;
    }
    for (auto& slot : slots_) slot = std::make_unique<detail::WsConnection>(io_, config_, *this);
    primary_ = slots_[0].get();
    start_attempt();
  }

  void start_attempt() {
    state_ = State::connecting;
    const std::string error = primary_->start();
    if (!error.empty()) {
      connect_failures_.add();
      connect_failed(error);
    }
  }

  void connect_failed(const std::string& error) {
    if (stopping_) {
      finish();
      return;
    }
    if (!config_.reconnect) {
      state_ = State::finished;
      if (events_.on_connect_failed) events_.on_connect_failed(error, milliseconds(0));
      finish();
      return;
    }
    const milliseconds delay = backoff_.next();
    wait_then_connect(delay);
    if (events_.on_connect_failed) events_.on_connect_failed(error, delay);
  }

  void wait_then_connect(milliseconds delay) {
    state_ = State::waiting;
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([this, wait = ++wait_id_](const asio::error_code& ec) {
      if (ec || state_ != State::waiting || wait != wait_id_) return;
      start_attempt();
    });
  }

  void close_primary(CloseCause cause, std::string reason) {
    state_ = State::closing;
    primary_->close(cause, std::move(reason));
  }

  void begin_stop() {
    if (state_ == State::finished || stopping_) return;
    stopping_ = true;
    stop_deadline_.expires_after(kStopDeadline);
    stop_deadline_.async_wait([this](const asio::error_code& ec) {
      if (!ec) finish();
    });
    if (successor_ != nullptr) {
      successor_->abandon();
      successor_ = nullptr;
      rollover_timer_.cancel();
    }
    switch (state_) {
      case State::open:
        close_primary(CloseCause::stopped, "stopped");
        break;
      case State::closing:
        primary_->override_cause(CloseCause::stopped);
        break;  // its close ends the run
      case State::connecting:
        primary_->abandon();
        finish();
        break;
      default:
        finish();
        break;
    }
  }

  void finish() {
    state_ = State::finished;
    for (asio::steady_timer* t : {&retry_timer_, &rollover_timer_, &stop_deadline_}) t->cancel();
    user_timers_.clear();
    for (auto& slot : slots_)
      if (slot) slot->abandon();
    finished_ = true;
    // A private loop ends with its one client; a shared loop goes on for the other clients.
    if (own_loop_) own_loop_->stop();
  }

  std::unique_ptr<NetworkLoop> own_loop_;  // first: destroyed last, after every timer and slot
  asio::io_context& io_;
  WsClientConfig config_;
  WsEvents events_;
  Backoff backoff_;
  asio::steady_timer retry_timer_{io_}, rollover_timer_{io_}, stop_deadline_{io_};
  // Two slots (after io_: destroyed first): the primary and, during a rollover, its successor.
  std::array<std::unique_ptr<detail::WsConnection>, 2> slots_;
  detail::WsConnection* primary_ = nullptr;
  detail::WsConnection* successor_ = nullptr;
  detail::UserTimers user_timers_{io_};

  State state_ = State::idle;
  bool stopping_ = false;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};
  std::uint64_t last_conn_id_ = 0, wait_id_ = 0;
  Counter connects_, reconnects_, connect_failures_, stalls_, send_queue_overflows_, pings_,
      frames_, bytes_, rollovers_, rollover_fallbacks_;
};

WsClient::WsClient(WsClientConfig config, WsEvents events) {
  auto loop = std::make_unique<NetworkLoop>();
  NetworkLoop& ref = *loop;
  impl_ = std::make_unique<Impl>(std::move(loop), ref, std::move(config), std::move(events));
}
WsClient::WsClient(NetworkLoop& loop, WsClientConfig config, WsEvents events)
    : impl_(std::make_unique<Impl>(nullptr, loop, std::move(config), std::move(events))) {}
WsClient::~WsClient() = default;
void WsClient::run() {
  impl_->run();
}
void WsClient::start() {
  impl_->start();
}
bool WsClient::finished() const {
  return impl_->finished();
}
void WsClient::stop() {
  impl_->stop();
}
void WsClient::post(std::function<void()> fn) {
  impl_->post(std::move(fn));
}
bool WsClient::send_text(const std::string& text) {
  return impl_->send_text(text);
}
bool WsClient::send_text_on(std::uint64_t conn_id, const std::string& text) {
  return impl_->send_text_on(conn_id, text);
}
void WsClient::set_rollover_timeout(std::chrono::milliseconds timeout) {
  impl_->set_rollover_timeout(timeout);
}
void WsClient::set_url(const std::string& url) {
  impl_->set_url(url);
}
bool WsClient::rollover_pending() const {
  return impl_->rollover_pending();
}
void WsClient::mark_data(std::uint64_t conn_id) {
  impl_->mark_data(conn_id);
}
void WsClient::reconnect_now(std::string reason) {
  impl_->reconnect_now(std::move(reason));
}
std::uint64_t WsClient::schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
  return impl_->schedule(delay, std::move(fn));
}
std::uint64_t WsClient::schedule_every(std::chrono::milliseconds period, std::function<void()> fn) {
  period = std::max(period, std::chrono::milliseconds(1));
  return impl_->schedule(period, std::move(fn), period);
}
bool WsClient::retire(std::uint64_t conn_id, std::string reason) {
  return impl_->retire(conn_id, std::move(reason));
}
bool WsClient::abandon_successor(std::uint64_t conn_id, const std::string& reason) {
  return impl_->abandon_successor(conn_id, reason);
}
bool WsClient::cancel(std::uint64_t timer_id) {
  return impl_->cancel(timer_id);
}
WsClientStats WsClient::stats() const {
  return impl_->stats();
}

}  // namespace depthrec::transport
