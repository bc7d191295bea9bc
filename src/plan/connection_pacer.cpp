#include "plan/connection_pacer.hpp"

#include <algorithm>

namespace depthrec::plan {

ConnectionPacer::ConnectionPacer(int max_new_connections, std::chrono::nanoseconds window)
    : budget_(std::max(1, max_new_connections - std::max(1, (max_new_connections + 4) / 5))),
      window_(std::max(window, std::chrono::nanoseconds(1))) {}

PaceDecision ConnectionPacer::may_open(PaceClock::time_point now) const {
  if (recent_.size() < static_cast<std::size_t>(budget_)) return {true, now};
  // The window [now - window, now] must hold at most budget - 1 earlier attempts.
  const PaceClock::time_point allowed = recent_.front() + window_;
  if (now >= allowed) return {true, now};
  return {false, allowed};
}

void ConnectionPacer::on_opened(PaceClock::time_point now) {
  recent_.push_back(now);
  if (recent_.size() > static_cast<std::size_t>(budget_)) recent_.pop_front();
}

}  // namespace depthrec::plan
