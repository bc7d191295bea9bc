#pragma once
// Runs every REST request of the process (depth snapshots, server time) in the order
// RestWeightScheduler decides: per budget, resyncs before initial syncs before the rest, within
// the weight the exchange allows, holding a budget back after HTTP 429 (rate limited) or 418 (IP
// banned) as the exchange demands; ignoring those gets the IP banned for longer. One worker thread
// per budget, each sending its budget's requests one at a time: a budget that is throttled,
// waiting for its window or whose requests are slow or time out never holds back another budget
// (one worker for all once left futures idle for minutes behind spot's timeouts). This class is
// the thin threaded part: the decisions are in rest_weight_scheduler.hpp.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "transport/rest_client.hpp"
#include "transport/rest_weight_scheduler.hpp"

namespace depthrec::transport {

struct RestRequest {
  RestBudgetId budget = 0;
  RestPriority priority = RestPriority::initial;
  std::string url;
  int weight = 1;
};

class RestScheduler {
 public:
  /// `budgets`: every budget requests may name (RestRequest::budget is an index into it).
  RestScheduler(RestClientConfig config, std::vector<RestBudgetConfig> budgets);
  ~RestScheduler();  // stops and joins
  RestScheduler(const RestScheduler&) = delete;
  RestScheduler& operator=(const RestScheduler&) = delete;

  std::optional<RestBudgetId> find_budget(std::string_view name) const;

  /// Queues a GET; `done` runs on the budget's worker thread with the response. A weight the budget
  /// can never admit fails at once (error set, no HTTP request), as does any request after stop():
  /// then `done` runs on the caller's thread and 0 is returned. Otherwise the handle for cancel().
  /// `sent` (optional) runs on the worker thread, with that handle, as the request leaves the
  /// queue: what it answers is taken from then on (a book buffers its events from then on).
  RestHandle request(RestRequest request, std::function<void(HttpResponse)> done,
                     std::function<void(RestHandle)> sent = {});

  /// Removes a queued request; its `done` never runs. False if it is no longer queued (sent,
  /// answered or unknown): then `done` runs or ran as usual. Thread-safe.
  bool cancel(RestHandle handle);

  /// Thread-safe, idempotent (also callable from `done`): aborts the requests in flight (within
  /// ~50 ms), answers every queued request with the error "fetcher stopped" (on a worker thread)
  /// and joins the workers.
  void stop();

  struct Stats {
    std::uint64_t requests = 0;  // HTTP requests sent
    std::uint64_t ok = 0;        // 2xx responses
    std::uint64_t failed = 0;    // everything else: transport errors and non-2xx (429/418 included)
    std::uint64_t http_429 = 0, http_418 = 0;
    std::int64_t banned_until_ns = 0;  // system-clock ns until which a budget waits; 0 = never held
    std::vector<RestBudgetStats> budgets;  // by RestBudgetId
  };
  Stats stats() const;  // thread-safe

 private:
  using Clock = RestWeightScheduler::Clock;
  struct Job {
    RestRequest request;
    std::function<void(HttpResponse)> done;
    std::function<void(RestHandle)> sent;
  };

  void work(RestBudgetId budget);
  bool is_worker() const;
  void account(RestBudgetId budget, const HttpResponse& response, Clock::time_point now);

  RestClientConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  mutable RestWeightScheduler scheduler_;     // stats() prunes the windows
  std::unordered_map<RestHandle, Job> jobs_;  // queued, by handle
  Stats stats_;
  std::atomic<bool> stopping_{false};
  bool joined_ = false;
  std::vector<std::thread> workers_;  // one per budget; started last, in the constructor's body
};

}  // namespace depthrec::transport
