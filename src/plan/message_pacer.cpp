#include "plan/message_pacer.hpp"

#include <algorithm>

namespace depthrec::plan {
namespace {

int budget_of(int limit) {
  const int limit_at_least_two = std::max(2, limit);
  const int margin = std::max(1, (limit_at_least_two + 4) / 5);  // 20 %, rounded up
  return std::max(1, limit_at_least_two - margin);
}

}  // namespace

MessagePacer::MessagePacer(int limit_per_second)
    : budget_(budget_of(limit_per_second)),
      // Rounded up: a shorter interval would fit budget + 1 messages into some 1 s window.
      interval_((std::chrono::nanoseconds(std::chrono::seconds(1)) +
                 std::chrono::nanoseconds(budget_ - 1)) /
                budget_) {}

PaceDecision MessagePacer::may_send(PaceClock::time_point now) const {
  if (now >= earliest_) return {true, now};
  return {false, earliest_};
}

void MessagePacer::take(PaceClock::time_point now) {
  earliest_ = std::max(earliest_, now) + interval_;
}

}  // namespace depthrec::plan
