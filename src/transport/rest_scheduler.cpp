#include "transport/rest_scheduler.hpp"

#include <pthread.h>
#include <algorithm>

#include "transport/clock.hpp"

namespace depthrec::transport {
namespace {

HttpResponse error_response(std::string error) {
  HttpResponse response;
  response.error = std::move(error);
  response.sent_ns = response.received_ns = now_ns();
  return response;
}

RestWeightScheduler with_budgets(std::vector<RestBudgetConfig> budgets) {
  RestWeightScheduler scheduler(static_cast<std::uint64_t>(now_ns()));
  for (RestBudgetConfig& budget : budgets) scheduler.add_budget(std::move(budget));
  return scheduler;
}

}  // namespace

RestScheduler::RestScheduler(RestClientConfig config, std::vector<RestBudgetConfig> budgets)
    : config_(std::move(config)), scheduler_(with_budgets(std::move(budgets))) {
  // Everything above exists before the first worker starts.
  for (RestBudgetId id = 0; id < scheduler_.budget_count(); ++id)
    workers_.emplace_back([this, id] { work(id); });
}

RestScheduler::~RestScheduler() {
  stop();
}

std::optional<RestBudgetId> RestScheduler::find_budget(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return scheduler_.find_budget(name);
}

RestHandle RestScheduler::request(RestRequest request, std::function<void(HttpResponse)> done,
                                  std::function<void(RestHandle)> sent) {
  std::string error = "fetcher stopped";
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      RestWeightScheduler::Enqueued queued =
          scheduler_.enqueue(request.budget, request.priority, request.weight);
      if (queued.handle != 0) {
        jobs_.emplace(queued.handle, Job{std::move(request), std::move(done), std::move(sent)});
        wake_.notify_all();
        return queued.handle;
      }
      error = std::move(queued.error);
    }
  }
  if (done) done(error_response(std::move(error)));
  return 0;
}

bool RestScheduler::cancel(RestHandle handle) {
  std::lock_guard lock(mutex_);
  if (!scheduler_.cancel(handle)) return false;
  jobs_.erase(handle);
  return true;
}

void RestScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_all();
  }
  // Only one caller joins; a second concurrent stop() simply returns. From a `done` callback
  // (a worker itself) the flag is enough: the loops end and the destructor joins.
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    if (joined_ || is_worker()) return;
    joined_ = true;
    workers = std::move(workers_);
  }
  for (std::thread& worker : workers) {
    if (worker.joinable()) worker.join();
  }
}

bool RestScheduler::is_worker() const {
  const auto self = std::this_thread::get_id();
  return std::any_of(workers_.begin(), workers_.end(),
                     [&](const std::thread& worker) { return worker.get_id() == self; });
}

RestScheduler::Stats RestScheduler::stats() const {
  std::lock_guard lock(mutex_);
  Stats out = stats_;
  const auto now = Clock::now();
  for (RestBudgetId id = 0; id < scheduler_.budget_count(); ++id)
    out.budgets.push_back(scheduler_.stats(id, now));
  return out;
}

void RestScheduler::work(RestBudgetId budget) {
  pthread_setname_np(pthread_self(), "rest-worker");  // for top -H and perf
  RestClient client(config_);  // curl handle lives on the thread that uses it
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = Clock::now();
    const std::optional<RestWeightScheduler::Admitted> admitted = scheduler_.admit(now, budget);
    if (!admitted) {
      const std::optional<Clock::time_point> ready = scheduler_.next_ready_at(now, budget);
      if (ready) {
        wake_.wait_until(lock, *ready);
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    auto found = jobs_.find(admitted->handle);
    Job job = std::move(found->second);
    jobs_.erase(found);
    ++stats_.requests;
    lock.unlock();
    if (job.sent) job.sent(admitted->handle);
    HttpResponse response = client.get(job.request.url, &stopping_);
    lock.lock();
    account(admitted->budget, response, Clock::now());
    lock.unlock();
    if (job.done) job.done(std::move(response));
    lock.lock();
  }
  std::vector<Job> abandoned;
  for (RestHandle handle : scheduler_.drain()) {
    auto found = jobs_.find(handle);
    if (found == jobs_.end()) continue;
    abandoned.push_back(std::move(found->second));
    jobs_.erase(found);
  }
  lock.unlock();
  for (Job& job : abandoned) {
    if (job.done) job.done(error_response("fetcher stopped"));
  }
}

void RestScheduler::account(RestBudgetId budget, const HttpResponse& response,
                            Clock::time_point now) {
  if (response.error.empty() && response.status >= 200 && response.status < 300) {
    ++stats_.ok;
  } else {
    ++stats_.failed;
  }
  if (response.status == 429) ++stats_.http_429;
  if (response.status == 418) ++stats_.http_418;
  scheduler_.on_response(budget, response.status, response.retry_after, response.used_weight_1m,
                         now);
  const RestBudgetStats held = scheduler_.stats(budget, now);
  if (held.blocked_remaining.count() > 0) {
    const std::int64_t until =
        now_ns() +
        std::chrono::duration_cast<std::chrono::nanoseconds>(held.blocked_remaining).count();
    stats_.banned_until_ns = std::max(stats_.banned_until_ns, until);
  }
}

}  // namespace depthrec::transport
