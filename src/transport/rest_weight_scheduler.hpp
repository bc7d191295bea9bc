#pragma once
// The decisions of the process-wide REST scheduler, without threads or I/O: which queued request
// may go now, within which budget, and when to look again. Binance limits request weight per IP
// and per budget (spot 6000/min; USD-M and COIN-M share 2400/min), answers 429 with Retry-After
// when a budget is spent and bans the IP (418) if that is ignored; one scheduler holds every
// budget and every book's requests so that normal operation never meets a 429.
//
// Time is injected: every call takes `now`, so the unit tests drive it with a fake clock.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transport/backoff.hpp"

namespace depthrec::transport {

// Served in this order within a budget; equal priorities are FIFO.
enum class RestPriority : std::uint8_t {
  resync = 0,   // a book that lost sync: every second without it is a hole in the recording
  initial = 1,  // a book's first sync
  low = 2,      // server time and other requests nothing waits for
};
inline constexpr std::size_t kRestPriorityCount = 3;
std::string_view to_string(RestPriority priority);

struct RestBudgetConfig {
  std::string name = "futures";  // the venue's name for it (session/recorder_rest_budgets.hpp)
  int weight_per_window = 2400;  // the exchange's limit
  std::chrono::milliseconds window{60000};
  // Never planned above this share of the limit: the server may count a little differently
  // (its window is the clock minute, its clock and ours differ by the network's delay).
  double safety_share = 0.9;
  // Initial syncs and low-priority requests stay below this share of the limit, so a resync
  // always finds headroom even while thousands of books sync for the first time.
  double initial_share = 0.8;
  // After a 429/418 without Retry-After: wait this backoff (it restarts after a success).
  BackoffConfig throttle_backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(300000),
                                 2.0, 0.2};
};

// The most weight a request of `priority` may find spent in the window, itself included:
// safety_share of the limit for resyncs, initial_share (at most that) for the others.
int rest_weight_limit(const RestBudgetConfig& config, RestPriority priority);

using RestBudgetId = std::size_t;
using RestHandle = std::uint64_t;  // 0 is never a handle

// One budget as a user sees it (metrics.json rest{...}).
struct RestBudgetStats {
  std::string name;
  int limit = 0;                  // the exchange's weight per window
  int planned_limit = 0;          // what the scheduler spends at most (safety_share)
  int initial_limit = 0;          // ... of which initial and low-priority requests (initial_share)
  std::uint64_t weight_used = 0;  // within the window, raised to the server's count when higher
  std::array<std::uint64_t, kRestPriorityCount> queued{};  // by RestPriority
  std::uint64_t admitted = 0;                              // requests sent
  std::uint64_t cancelled = 0;                             // removed from the queue by a handle
  std::uint64_t refused = 0;  // heavier than the budget allows: failed at once
  std::uint64_t http_429 = 0, http_418 = 0;
  std::chrono::milliseconds blocked{0};            // time held by Retry-After/418/backoff so far
  std::chrono::milliseconds blocked_remaining{0};  // still to wait from now
};

class RestWeightScheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  explicit RestWeightScheduler(std::uint64_t jitter_seed = 0) : jitter_seed_(jitter_seed) {}

  RestBudgetId add_budget(RestBudgetConfig config);
  std::optional<RestBudgetId> find_budget(std::string_view name) const;
  std::size_t budget_count() const { return budgets_.size(); }

  struct Enqueued {
    RestHandle handle = 0;  // 0: refused, `error` says why
    std::string error;
  };
  /// Queues a request of `weight` in budget `id`. A weight that the budget can never admit at this
  /// priority is refused at once with a clear error; an unknown budget likewise.
  Enqueued enqueue(RestBudgetId id, RestPriority priority, int weight);

  struct Admitted {
    RestHandle handle = 0;
    RestBudgetId budget = 0;
    int weight = 0;
  };
  /// The next request of budget `id` that may be sent at `now` (its weight is counted from
  /// `now`), or nullopt. Budgets are served apart (a worker per budget: RestScheduler), so one
  /// with room never waits behind another budget's queue.
  std::optional<Admitted> admit(TimePoint now, RestBudgetId id);
  /// When admit(now, id) may give something again; nullopt while nothing is queued in `id`.
  /// Another budget's hold or window never moves it.
  std::optional<TimePoint> next_ready_at(TimePoint now, RestBudgetId id);

  /// Removes a queued request (not one already admitted). True if it was queued.
  bool cancel(RestHandle handle);
  /// Empties every queue (stop); returns the handles that were queued, oldest first per queue.
  std::vector<RestHandle> drain();

  /// What the server said about a request of budget `id`: 429/418 hold the whole budget until
  /// Retry-After (or the throttle backoff without it) has passed; X-MBX-USED-WEIGHT-1M raises our
  /// count of the window when the server counts more (other clients on the same IP).
  void on_response(RestBudgetId id, long status, std::optional<std::chrono::seconds> retry_after,
                   std::optional<int> used_weight, TimePoint now);

  RestBudgetStats stats(RestBudgetId id, TimePoint now);

 private:
  struct Queued {
    RestHandle handle;
    int weight;
  };
  struct Spent {
    TimePoint at;
    std::uint64_t weight;
  };
  struct Budget {
    Budget(RestBudgetConfig c, std::uint64_t seed)
        : config(std::move(c)), throttle_backoff(config.throttle_backoff, seed) {}
    RestBudgetConfig config;
    int planned_limit = 0;
    int initial_limit = 0;
    std::array<std::deque<Queued>, kRestPriorityCount> queues;
    std::deque<Spent> spent;
    std::uint64_t used = 0;  // sum of `spent`
    TimePoint blocked_until{};
    Clock::duration blocked_total{0};  // union of every hold, the future part included
    Backoff throttle_backoff;
    RestBudgetStats counts;
  };
  static int limit_for(const Budget& budget, RestPriority priority);
  static void prune(Budget& budget, TimePoint now);
  // The head request of the budget's highest non-empty priority, or nullptr.
  static std::deque<Queued>* head_queue(Budget& budget, RestPriority* priority);
  // When the window will have room for `weight` below `limit` (now if it has).
  static TimePoint room_at(const Budget& budget, int weight, int limit, TimePoint now);
  // admit()/next_ready_at() of one budget.
  static std::optional<Admitted> admit_from(Budget& budget, RestBudgetId id, TimePoint now);
  static std::optional<TimePoint> ready_at(Budget& budget, TimePoint now);

  std::uint64_t jitter_seed_;
  std::vector<Budget> budgets_;
  RestHandle next_handle_ = 1;
};

}  // namespace depthrec::transport
