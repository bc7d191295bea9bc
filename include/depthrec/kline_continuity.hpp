// Continuity of a kline stream: open times advance by the interval (1M: calendar months) and a
// closed candle (`x:true`) follows each open one. Updates of the open candle repeat its open time;
// a later open time more than one interval on means candles were skipped. No I/O; one per stream.
#pragma once

#include <cstdint>
#include <optional>

#include "depthrec/kline_interval.hpp"

namespace depthrec {

enum class KlineStepKind : std::uint8_t {
  first,        // the stream's first candle update
  update,       // the open candle again (its closing update too): recorded
  next,         // the next interval's candle
  gap,          // a later candle: intervals missing (or, off the grid, none), see KlineStep
  after_close,  // the candle already closed again: a duplicate, not recorded
  backwards,    // an open time below the current candle's: not recorded
};

struct KlineStep {
  KlineStepKind kind = KlineStepKind::first;
  // next and gap: the candle before had no closing update (its final values were not received).
  bool previous_unclosed = false;
  std::int64_t previous_open_ms = 0;  // the candle before (not for `first`)
  // gap: the open times of the first and last missing candles and how many there are (0 when
  // the new open time is off the interval's grid but less than one interval on: from = the
  // expected open time, to = the one received).
  std::int64_t missing_from_ms = 0, missing_to_ms = 0;
  std::uint64_t missing = 0;
};

class KlineContinuity {
 public:
  explicit KlineContinuity(KlineInterval interval) : interval_(interval) {}

  KlineStep step(std::int64_t open_ms, bool closed);
  std::optional<std::int64_t> last_open_ms() const { return last_open_; }
  bool last_closed() const { return last_closed_; }

 private:
  KlineInterval interval_;
  std::optional<std::int64_t> last_open_;
  bool last_closed_ = false;
};

}  // namespace depthrec
