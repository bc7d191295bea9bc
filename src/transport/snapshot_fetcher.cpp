#include "transport/snapshot_fetcher.hpp"

#include <algorithm>

#include "transport/clock.hpp"

namespace depthrec::transport {
namespace {

WeightBudget sanitized(WeightBudget budget) {
  budget.per_minute = std::max(budget.per_minute, 1);
  budget.window = std::max(budget.window, std::chrono::milliseconds(1));
  return budget;
}

HttpResponse error_response(std::string error) {
  HttpResponse response;
  response.error = std::move(error);
  response.sent_ns = response.received_ns = now_ns();
  return response;
}

}  // namespace

SnapshotFetcher::SnapshotFetcher(RestClientConfig config, WeightBudget budget)
    : config_(std::move(config)),
      budget_(sanitized(budget)),
      throttle_backoff_(budget.throttle_backoff, static_cast<std::uint64_t>(now_ns())),
      worker_([this] { work(); }) {}

SnapshotFetcher::~SnapshotFetcher() {
  stop();
}

void SnapshotFetcher::request(std::string url, int weight, std::function<void(HttpResponse)> done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(url), std::max(weight, 0), std::move(done)});
      wake_.notify_all();
      return;
    }
  }
  if (done) done(error_response("fetcher stopped"));
}

void SnapshotFetcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  // Only one caller joins; a second concurrent stop() simply returns. From a `done` callback
  // (the worker itself) the flag is enough: the loop ends and the destructor joins.
  std::thread worker;
  {
    std::lock_guard lock(mutex_);
    if (joined_ || std::this_thread::get_id() == worker_.get_id()) return;
    joined_ = true;
    worker = std::move(worker_);
  }
  if (worker.joinable()) worker.join();
}

SnapshotFetcher::Stats SnapshotFetcher::stats() const {
  std::lock_guard lock(mutex_);
  Stats out = stats_;
  out.weight_used_last_minute = weight_in_window(Clock::now());
  return out;
}

void SnapshotFetcher::work() {
  RestClient client(config_);  // curl handle lives on the thread that uses it
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto now = Clock::now();
    if (queue_.front().weight > budget_.per_minute) {
      Pending job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      if (job.done) {
        job.done(error_response("request weight " + std::to_string(job.weight) +
                                " exceeds the budget of " + std::to_string(budget_.per_minute) +
                                " per window"));
      }
      lock.lock();
      continue;
    }
    const auto ready = std::max(blocked_until_, budget_ready_at(queue_.front().weight, now));
    if (ready > now) {
      wake_.wait_until(lock, ready);
      continue;
    }
    Pending job = std::move(queue_.front());
    queue_.pop_front();
    spent_.push_back({now, job.weight});
    ++stats_.requests;
    lock.unlock();
    HttpResponse response = client.get(job.url, &stopping_);
    lock.lock();
    account(response, Clock::now());
    lock.unlock();
    if (job.done) job.done(std::move(response));
    lock.lock();
  }
  std::deque<Pending> abandoned = std::move(queue_);
  queue_.clear();
  lock.unlock();
  for (Pending& job : abandoned) {
    if (job.done) job.done(error_response("fetcher stopped"));
  }
}

SnapshotFetcher::Clock::time_point SnapshotFetcher::budget_ready_at(int weight,
                                                                    Clock::time_point now) {
  while (!spent_.empty() && spent_.front().at + budget_.window <= now) spent_.pop_front();
  const std::uint64_t used = weight_in_window(now);
  const std::uint64_t limit = static_cast<std::uint64_t>(budget_.per_minute);
  if (used + static_cast<std::uint64_t>(weight) <= limit) return now;
  // Wait until enough of the oldest spending has left the window.
  std::uint64_t freed = 0;
  for (const Spent& s : spent_) {
    freed += static_cast<std::uint64_t>(s.weight);
    if (used - freed + static_cast<std::uint64_t>(weight) <= limit) return s.at + budget_.window;
  }
  return now + budget_.window;  // unreachable while weight <= per_minute
}

std::uint64_t SnapshotFetcher::weight_in_window(Clock::time_point now) const {
  std::uint64_t used = 0;
  for (const Spent& s : spent_) {
    if (s.at + budget_.window > now) used += static_cast<std::uint64_t>(s.weight);
  }
  return used;
}

void SnapshotFetcher::account(const HttpResponse& response, Clock::time_point now) {
  const bool throttled = response.status == 429 || response.status == 418;
  if (response.error.empty() && response.status >= 200 && response.status < 300) {
    ++stats_.ok;
    throttle_backoff_.reset();
  } else {
    ++stats_.failed;
  }
  if (response.status == 429) ++stats_.http_429;
  if (response.status == 418) ++stats_.http_418;
  if (throttled) {
    const auto wait =
        response.retry_after
            ? std::chrono::duration_cast<std::chrono::milliseconds>(*response.retry_after)
            : throttle_backoff_.next();
    blocked_until_ = std::max(blocked_until_, now + wait);
    stats_.banned_until_ns =
        now_ns() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(blocked_until_ - now).count();
  }
  // The server's own count wins when it is higher (other clients on the same IP spend it too).
  if (response.used_weight_1m) {
    const std::uint64_t ours = weight_in_window(now);
    const auto theirs = static_cast<std::uint64_t>(*response.used_weight_1m);
    if (theirs > ours) spent_.push_back({now, static_cast<int>(theirs - ours)});
  }
}

}  // namespace depthrec::transport
