#pragma once
// A worker thread that runs REST requests (depth snapshots) one at a time, in order, within
// Binance's request-weight budget, and that backs off after HTTP 429 (rate limited) or 418
// (IP banned) as the exchange demands; ignoring those gets the IP banned for longer.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "transport/backoff.hpp"
#include "transport/rest_client.hpp"

namespace depthrec::transport {

struct WeightBudget {
  int per_minute = 2400;                    // futures 2400, spot 6000
  std::chrono::milliseconds window{60000};  // the budget's rolling window (tests shorten it)
  // After a 429/418 without Retry-After: wait this backoff (it restarts after a success).
  BackoffConfig throttle_backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(300000),
                                 2.0, 0.2};
};

class SnapshotFetcher {
 public:
  SnapshotFetcher(RestClientConfig config, WeightBudget budget);
  ~SnapshotFetcher();  // stops and joins
  SnapshotFetcher(const SnapshotFetcher&) = delete;
  SnapshotFetcher& operator=(const SnapshotFetcher&) = delete;

  /// Queues a GET; `done` runs on the fetcher thread with the response. A request waits while
  /// the window's weight is spent, and after an HTTP 429/418 until Retry-After (or the throttle
  /// backoff when absent) has passed. A weight above the whole budget fails at once (error set,
  /// no HTTP request). After stop(), `done` runs at once on the caller's thread with an error.
  void request(std::string url, int weight, std::function<void(HttpResponse)> done);

  /// Thread-safe, idempotent (also callable from `done`): aborts the request in flight (within ~50
  /// ms), answers every queued request with the error "fetcher stopped" (on the fetcher thread) and
  /// joins it.
  void stop();

  struct Stats {
    std::uint64_t requests = 0;  // HTTP requests sent
    std::uint64_t ok = 0;        // 2xx responses
    std::uint64_t failed = 0;    // everything else: transport errors and non-2xx (429/418 included)
    std::uint64_t http_429 = 0, http_418 = 0;
    std::uint64_t weight_used_last_minute = 0;  // weight spent within the window, as we count it
                                                // (raised to the server's X-MBX-USED-WEIGHT-1M)
    std::int64_t banned_until_ns =
        0;  // system-clock ns until which requests wait; 0 = never blocked
  };
  Stats stats() const;  // thread-safe

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending {
    std::string url;
    int weight;
    std::function<void(HttpResponse)> done;
  };
  struct Spent {
    Clock::time_point at;
    int weight;
  };

  void work();
  Clock::time_point budget_ready_at(int weight, Clock::time_point now);  // prunes the window
  std::uint64_t weight_in_window(Clock::time_point now) const;
  void account(const HttpResponse& response, Clock::time_point now);

  RestClientConfig config_;
  WeightBudget budget_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  std::deque<Spent> spent_;
  Clock::time_point blocked_until_{};
  Backoff throttle_backoff_;
  Stats stats_;
  std::atomic<bool> stopping_{false};
  bool joined_ = false;
  std::thread worker_;  // last: starts after everything above exists
};

}  // namespace depthrec::transport
