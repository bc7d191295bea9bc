// Paces new connections under the venue's limit per IP (Binance: 300 per 5 minutes; IPs that
// reconnect too often are banned), with a margin of 20 %: at most `budget` = 240 openings in any
// window of 5 minutes. Every attempt counts, whether it connects or not. A sliding window over the
// last `budget` attempt times (a few KB): exact, where a bucket would allow twice its size at the
// window's edges. Pure: the caller passes the time (tests use a fake clock).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>

#include "plan/message_pacer.hpp"

namespace depthrec::plan {

class ConnectionPacer {
 public:
  ConnectionPacer(int max_new_connections, std::chrono::nanoseconds window);

  // Whether a connection may be opened at `now`; when not, the time it may.
  PaceDecision may_open(PaceClock::time_point now) const;
  // A connection attempt started at `now`.
  void on_opened(PaceClock::time_point now);

  int budget() const { return budget_; }
  std::chrono::nanoseconds window() const { return window_; }

 private:
  int budget_;
  std::chrono::nanoseconds window_;
  std::deque<PaceClock::time_point> recent_;  // the last `budget_` attempts, oldest first
};

}  // namespace depthrec::plan
