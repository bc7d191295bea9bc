// Paces what a client sends on one connection under the venue's incoming-message limit (Binance:
// 5 a second on spot, 10 on futures; over it the server closes with 1008). Pings and pongs count
// as much as requests: the client cannot hold a pong back, so it is counted when sent (it may
// overdraw the bucket) and the next request waits for it.
//
// A token bucket in its virtual-scheduling form (GCRA), on integer nanoseconds: one message per
// interval = 1 s / budget, no burst, with budget = limit - margin (margin: 20 % of the limit, at
// least 1). Requests alone: at most `budget` in any 1 s window; a pong overdraws by one, so with
// pongs no more often than once a second there are at most budget + 1 <= limit in any window.
// Pure: the caller passes the time (any monotonic clock; tests use a fake one).
#pragma once

#include <chrono>
#include <cstdint>

namespace depthrec::plan {

using PaceClock = std::chrono::steady_clock;

// "Send now", or "wait until not_before".
struct PaceDecision {
  bool send_now = false;
  PaceClock::time_point not_before;
};

class MessagePacer {
 public:
  // `limit_per_second`: the venue's incoming-message limit (at least 2).
  explicit MessagePacer(int limit_per_second);

  // Whether a request may go at `now`; when it may not, the time it may.
  PaceDecision may_send(PaceClock::time_point now) const;
  // A request went at `now` (after may_send said so).
  void on_request_sent(PaceClock::time_point now) { take(now); }
  // A ping or pong went at `now`: counted whether or not the bucket had room.
  void on_control_sent(PaceClock::time_point now) { take(now); }

  int budget_per_second() const { return budget_; }
  std::chrono::nanoseconds interval() const { return interval_; }

 private:
  void take(PaceClock::time_point now);

  int budget_;
  std::chrono::nanoseconds interval_;
  PaceClock::time_point earliest_{};  // the next message is within the budget from here on
};

}  // namespace depthrec::plan
