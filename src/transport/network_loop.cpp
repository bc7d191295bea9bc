// NetworkLoop: the io_context that every connection of the process shares, kept alive by a work
// guard until stop().
#include "transport/network_loop.hpp"

#include <algorithm>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <optional>

#include "transport/user_timers.hpp"

namespace depthrec::transport {

struct NetworkLoop::Impl {
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{io.get_executor()};
  detail::UserTimers timers{io};
  std::atomic<bool> stop_requested{false};

  // On the loop thread: no more timers, and run() returns even though abandoned websocketpp
  // operations may still hold timers (stop instead of draining).
  void finish() {
    timers.clear();
    work.reset();
    io.stop();
  }
};

NetworkLoop::NetworkLoop() : impl_(std::make_unique<Impl>()) {}
NetworkLoop::~NetworkLoop() = default;

void NetworkLoop::run() {
  if (impl_->stop_requested.load()) return;
  impl_->io.run();
}

void NetworkLoop::stop() {
  if (impl_->stop_requested.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_.get()] { impl->finish(); });
}

void NetworkLoop::post(std::function<void()> fn) {
  asio::post(impl_->io, std::move(fn));
}

std::uint64_t NetworkLoop::schedule(std::chrono::milliseconds delay, std::function<void()> fn) {
  return impl_->timers.schedule(delay, std::move(fn), std::chrono::milliseconds(0));
}

std::uint64_t NetworkLoop::schedule_every(std::chrono::milliseconds period,
                                          std::function<void()> fn) {
  period = std::max(period, std::chrono::milliseconds(1));
  return impl_->timers.schedule(period, std::move(fn), period);
}

bool NetworkLoop::cancel(std::uint64_t timer_id) {
  return impl_->timers.cancel(timer_id);
}

asio::io_context& NetworkLoop::io() {
  return impl_->io;
}

}  // namespace depthrec::transport
