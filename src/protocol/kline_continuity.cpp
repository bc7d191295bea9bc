#include "depthrec/kline_continuity.hpp"

namespace depthrec {

KlineStep KlineContinuity::step(std::int64_t open_ms, bool closed) {
  KlineStep step;
  if (!last_open_) {
    last_open_ = open_ms;
    last_closed_ = closed;
    return step;
  }
  const std::int64_t last = *last_open_;
  step.previous_open_ms = last;
  if (open_ms == last) {
    step.kind = last_closed_ ? KlineStepKind::after_close : KlineStepKind::update;
    last_closed_ = last_closed_ || closed;
    return step;
  }
  if (open_ms < last) {
    step.kind = KlineStepKind::backwards;
    return step;
  }
  step.previous_unclosed = !last_closed_;
  const std::int64_t expected = next_kline_open_ms(interval_, last);
  if (open_ms == expected) {
    step.kind = KlineStepKind::next;
  } else {
    step.kind = KlineStepKind::gap;
    step.missing_from_ms = expected;
    if (open_ms < expected) {
      step.missing_to_ms = open_ms;  // off the grid, less than one interval on
    } else {
      step.missing_to_ms = kline_open_before(interval_, last, open_ms);
      step.missing = kline_steps_between(interval_, last, step.missing_to_ms);
    }
  }
  last_open_ = open_ms;
  last_closed_ = closed;
  return step;
}

}  // namespace depthrec
