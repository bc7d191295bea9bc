#pragma once
// Internal to the WebSocket client: the user's one-shot and periodic timers on the network
// thread's io_context (WsClient::schedule / schedule_every / cancel).

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace depthrec::transport::detail {

class UserTimers {
 public:
  explicit UserTimers(asio::io_context& io) : io_(io) {}

  /// period 0: one-shot; else periodic (drift-free: missed periods are skipped).
  std::uint64_t schedule(std::chrono::milliseconds delay, std::function<void()> fn,
                         std::chrono::milliseconds period) {
    const std::uint64_t id = ++last_id_;
    auto timer = std::make_unique<Timer>(Timer{asio::steady_timer(io_), std::move(fn), period,
                                               std::chrono::steady_clock::now() + delay});
    arm(id, *timer);
    timers_.emplace(id, std::move(timer));
    return id;
  }

  bool cancel(std::uint64_t id) {
    auto it = timers_.find(id);
    if (it == timers_.end()) return false;
    it->second->timer.cancel();
    timers_.erase(it);
    return true;
  }

  void clear() { timers_.clear(); }

 private:
  struct Timer {
    asio::steady_timer timer;
    std::function<void()> fn;
    std::chrono::milliseconds period;  // 0 = one-shot
    std::chrono::steady_clock::time_point deadline;
  };

  void arm(std::uint64_t id, Timer& t) {
    t.timer.expires_at(t.deadline);
    t.timer.async_wait([this, id](const asio::error_code& ec) {
      if (ec) return;
      auto it = timers_.find(id);
      if (it == timers_.end()) return;
      Timer& timer = *it->second;
      if (timer.period.count() == 0) {
        std::function<void()> fn = std::move(timer.fn);
        timers_.erase(it);
        fn();
        return;
      }
      const auto now = std::chrono::steady_clock::now();
      while (timer.deadline <= now) timer.deadline += timer.period;  // skip missed periods
      arm(id, timer);
      std::function<void()> fn = timer.fn;  // fn may cancel its own timer
      fn();
    });
  }

  asio::io_context& io_;
  std::map<std::uint64_t, std::unique_ptr<Timer>> timers_;
  std::uint64_t last_id_ = 0;
};

}  // namespace depthrec::transport::detail
