// Connection lifecycle on top of a Link: connect timeout, backoff, stall and age timers, user
// timers, stop. Everything except stop(), post() and stats() runs on the network thread.
#include "transport/ws_client.hpp"

#include <algorithm>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <optional>
#include <random>

#include "transport/clock.hpp"
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
  }
  return "unknown";
}

class WsClient::Impl final : public detail::LinkListener {
 public:
  Impl(WsClientConfig config, WsEvents events)
      : config_(std::move(config)),
        events_(std::move(events)),
        backoff_(config_.backoff, effective_seed(config_.jitter_seed)) {}

  void run() {
    if (state_ != State::idle || stop_requested_.load()) return;
    const std::string url_error = detail::check_ws_url(config_.url);
    if (!url_error.empty()) {
      state_ = State::finished;
      if (events_.on_connect_failed) events_.on_connect_failed(url_error, milliseconds(0));
      return;
    }
    link_ = detail::make_link(
        io_, {config_.url, config_.ca_file, config_.verify_peer, config_.max_message_bytes}, *this);
    work_.emplace(io_.get_executor());
    start_attempt();
    io_.run();
  }

  void stop() {
    if (stop_requested_.exchange(true)) return;
    asio::post(io_, [this] { begin_stop(); });
  }

  void post(std::function<void()> fn) { asio::post(io_, std::move(fn)); }

  bool send_text(const std::string& text) {
    return state_ == State::open && link_->send_text(text);
  }

  void reconnect_now(std::string reason) {
    if (state_ == State::open) initiate_close(CloseCause::requested, std::move(reason));
  }

  std::uint64_t schedule(milliseconds delay, std::function<void()> fn,
                         milliseconds period = milliseconds(0)) {
    const std::uint64_t id = ++last_timer_id_;
    auto timer = std::make_unique<UserTimer>(
        UserTimer{asio::steady_timer(io_), std::move(fn), period, Clock::now() + delay});
    arm_user_timer(id, *timer);
    user_timers_.emplace(id, std::move(timer));
    return id;
  }

  bool cancel(std::uint64_t id) {
    auto it = user_timers_.find(id);
    if (it == user_timers_.end()) return false;
    it->second->timer.cancel();
    user_timers_.erase(it);
    return true;
  }

  WsClientStats stats() const {
    return {connects_.get(), reconnects_.get(), connect_failures_.get(),
            stalls_.get(),   pings_.get(),      frames_.get(),
            bytes_.get()};
  }

 private:
  enum class State { idle, connecting, open, closing, waiting, finished };
  struct UserTimer {
    asio::steady_timer timer;
    std::function<void()> fn;
    milliseconds period;  // 0 = one-shot
    Clock::time_point deadline;
  };

  // --- link events (current attempt only) ---
  void link_open() override {
    connect_timer_.cancel();
    state_ = State::open;
    ++conn_id_;
    connects_.add();
    opened_at_ = Clock::now();
    last_activity_ns_ = steady_ns();
    arm_stall_timer(config_.stall_timeout);
    age_timer_.expires_after(config_.max_connection_age);
    age_timer_.async_wait([this, id = conn_id_](const asio::error_code& ec) {
      if (ec || state_ != State::open || id != conn_id_) return;
      initiate_close(CloseCause::max_age, "connection reached its maximum age");
    });
    if (events_.on_open) events_.on_open(conn_id_);
  }

  void link_frame(std::string_view payload, bool binary) override {
    const std::int64_t recv_ns = now_ns();
    last_activity_ns_ = steady_ns();
    frames_.add();
    bytes_.add(payload.size());
    if (events_.on_frame) events_.on_frame(conn_id_, payload, binary, recv_ns);
  }

  void link_ping() override {
    last_activity_ns_ = steady_ns();
    pings_.add();
  }

  void link_failed(std::string error) override {
    if (state_ == State::connecting) connect_failed(error);
  }

  void link_closed(detail::LinkClose close) override {
    if (state_ != State::open && state_ != State::closing) return;
    stall_timer_.cancel();
    age_timer_.cancel();
    CloseInfo info{CloseCause::network_error, close.remote_code, {}, milliseconds(0)};
    if (pending_cause_) {
      info.cause = *pending_cause_;
      info.reason = std::move(pending_reason_);
    } else if (close.remote_close_frame) {
      info.cause = CloseCause::remote_close;
      info.reason = std::move(close.remote_reason);
    } else {
      info.cause = close.tls_error ? CloseCause::tls_error : CloseCause::network_error;
      info.reason = std::move(close.error);
    }
    pending_cause_.reset();
    const bool healthy = Clock::now() - opened_at_ >= config_.healthy_uptime;
    const bool retry = config_.reconnect && !stopping_;
    if (retry) {
      if (healthy) backoff_.reset();
      info.retry_in = backoff_.next();
      reconnects_.add();
      wait_then_connect(info.retry_in);
    }
    if (events_.on_close) events_.on_close(conn_id_, info);
    if (!retry) finish();
  }

  // --- lifecycle ---
  void start_attempt() {
    state_ = State::connecting;
    const std::string error = link_->connect();
    if (!error.empty()) {
      connect_failed(error);
      return;
    }
    connect_timer_.expires_after(config_.connect_timeout);
    connect_timer_.async_wait([this, attempt = ++attempt_](const asio::error_code& ec) {
      if (ec || state_ != State::connecting || attempt != attempt_) return;
      link_->abandon();
      connect_failed(config_.url + ": connect timed out after " +
                     std::to_string(config_.connect_timeout.count()) + " ms");
    });
  }

  void connect_failed(const std::string& error) {
    connect_timer_.cancel();
    connect_failures_.add();
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

  void arm_stall_timer(milliseconds delay) {
    stall_timer_.expires_after(delay);
    stall_timer_.async_wait([this, id = conn_id_](const asio::error_code& ec) {
      if (ec || state_ != State::open || id != conn_id_) return;
      // One timer per stall period instead of one per frame: frames only stamp the time.
      const auto idle = std::chrono::nanoseconds(steady_ns() - last_activity_ns_);
      if (idle >= config_.stall_timeout) {
        stalls_.add();
        initiate_close(CloseCause::stalled,
                       "no frame for " + std::to_string(config_.stall_timeout.count()) + " ms");
        return;
      }
      arm_stall_timer(std::chrono::duration_cast<milliseconds>(config_.stall_timeout - idle) +
                      milliseconds(1));
    });
  }

  void initiate_close(CloseCause cause, std::string reason) {
    pending_cause_ = cause;
    pending_reason_ = std::move(reason);
    state_ = State::closing;
    stall_timer_.cancel();
    age_timer_.cancel();
    if (!link_->close(1000, pending_reason_)) {
      // Not closable any more (the socket already broke): report it as closed now.
      link_->abandon();
      link_closed(detail::LinkClose{});
    }
  }

  void begin_stop() {
    if (state_ == State::finished || stopping_) return;
    stopping_ = true;
    stop_deadline_.expires_after(kStopDeadline);
    stop_deadline_.async_wait([this](const asio::error_code& ec) {
      if (!ec) finish();
    });
    switch (state_) {
      case State::open:
        initiate_close(CloseCause::stopped, "stopped");
        break;
      case State::closing:
        pending_cause_ = CloseCause::stopped;
        break;  // its close ends the run
      case State::connecting:
        link_->abandon();
        finish();
        break;
      default:
        finish();
        break;
    }
  }

  void finish() {
    state_ = State::finished;
    for (asio::steady_timer* t :
         {&connect_timer_, &retry_timer_, &stall_timer_, &age_timer_, &stop_deadline_})
      t->cancel();
    user_timers_.clear();
    if (link_) link_->abandon();
    work_.reset();
    // Abandoned websocketpp operations may still hold timers: stop instead of draining.
    io_.stop();
  }

  void arm_user_timer(std::uint64_t id, UserTimer& t) {
    t.timer.expires_at(t.deadline);
    t.timer.async_wait([this, id](const asio::error_code& ec) {
      if (ec) return;
      auto it = user_timers_.find(id);
      if (it == user_timers_.end()) return;
      UserTimer& timer = *it->second;
      if (timer.period.count() == 0) {
        std::function<void()> fn = std::move(timer.fn);
        user_timers_.erase(it);
        fn();
        return;
      }
      const auto now = Clock::now();
      while (timer.deadline <= now)
        timer.deadline += timer.period;  // skip missed periods, no drift
      arm_user_timer(id, timer);
      std::function<void()> fn = timer.fn;  // fn may cancel its own timer
      fn();
    });
  }

  WsClientConfig config_;
  WsEvents events_;
  Backoff backoff_;
  asio::io_context io_{1};
  asio::steady_timer connect_timer_{io_}, retry_timer_{io_}, stall_timer_{io_}, age_timer_{io_},
      stop_deadline_{io_};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<detail::Link> link_;  // after io_: destroyed first
  std::map<std::uint64_t, std::unique_ptr<UserTimer>> user_timers_;

  State state_ = State::idle;
  bool stopping_ = false;
  std::atomic<bool> stop_requested_{false};
  std::optional<CloseCause> pending_cause_;
  std::string pending_reason_;
  std::uint64_t conn_id_ = 0, attempt_ = 0, wait_id_ = 0, last_timer_id_ = 0;
  Clock::time_point opened_at_;
  std::int64_t last_activity_ns_ = 0;
  Counter connects_, reconnects_, connect_failures_, stalls_, pings_, frames_, bytes_;
};

WsClient::WsClient(WsClientConfig config, WsEvents events)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(events))) {}
WsClient::~WsClient() = default;
void WsClient::run() {
  impl_->run();
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
bool WsClient::cancel(std::uint64_t timer_id) {
  return impl_->cancel(timer_id);
}
WsClientStats WsClient::stats() const {
  return impl_->stats();
}

}  // namespace depthrec::transport
