#include "depthrec/clock_offset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "depthrec/epoch_time.hpp"

namespace depthrec {
namespace {

constexpr double kNsPerMs = 1e6;

}  // namespace

std::string_view to_string(ClockOffsetSource source) {
  switch (source) {
    case ClockOffsetSource::none:
      return "none";
    case ClockOffsetSource::rest:
      return "rest";
    case ClockOffsetSource::stream:
      return "stream";
    case ClockOffsetSource::rest_and_stream:
      return "rest_and_stream";
  }
  return "none";
}

ClockOffsetEstimator::ClockOffsetEstimator(ClockOffsetConfig config) : config_(config) {
  if (config_.stream_window_ns <= 0)
    config_.stream_window_ns = ClockOffsetConfig{}.stream_window_ns;
}

bool ClockOffsetEstimator::add_rest_sample(std::int64_t sent_ns, std::int64_t received_ns,
                                           std::int64_t server_time_ms) noexcept {
  std::int64_t server_ns = 0;
  if (received_ns < sent_ns || server_time_ms <= 0 || !epoch_ms_to_ns(server_time_ms, server_ns))
    return false;
  const double round_trip_ms = static_cast<double>(received_ns - sent_ns) / kNsPerMs;
  const bool best_too_old = received_ns - rest_taken_ns_ > config_.rest_sample_max_age_ns;
  ++rest_samples_;
  if (has_rest_ && round_trip_ms >= rest_round_trip_ms_ && !best_too_old) return true;
  // T is truncated to the millisecond: the server's clock read somewhere in [T, T + 1 ms).
  // Differences first, in integers: epoch nanoseconds do not fit a double exactly.
  rest_.low_ms = static_cast<double>(sent_ns - server_ns) / kNsPerMs - 1.0;
  rest_.high_ms = static_cast<double>(received_ns - server_ns) / kNsPerMs;
  rest_round_trip_ms_ = round_trip_ms;
  rest_taken_ns_ = received_ns;
  has_rest_ = true;
  refresh_offset();
  return true;
}

void ClockOffsetEstimator::add_stream_sample(std::int64_t recv_ns,
                                             std::int64_t event_time_ms) noexcept {
  std::int64_t event_ns = 0;
  if (event_time_ms <= 0 || !epoch_ms_to_ns(event_time_ms, event_ns)) return;
  const std::int64_t delta_ns = recv_ns - event_ns;
  ++stream_samples_;
  // Nearly every sample: inside the current window and not below its minimum. It is no outlier
  // (it is at or above the bound the check compares with) and moves no minimum, so the estimate
  // stays as it is: no floating point, and offset_ms() is not re-estimated (the sample and the
  // offset's estimate() were 111 instructions an event on the session hot path).
  if (has_current_ && delta_ns >= current_min_ns_ &&
      recv_ns - window_start_ns_ < config_.stream_window_ns && config_.max_disagreement_ms >= 0.0) {
    low_run_ = 0;
    return;
  }
  add_stream_delta(recv_ns, delta_ns);
  refresh_offset();
}

void ClockOffsetEstimator::add_stream_delta(std::int64_t recv_ns, std::int64_t delta_ns) noexcept {
  if (stream_outlier(recv_ns, delta_ns)) return;
  if (!has_current_) {
    window_start_ns_ = recv_ns;
    current_min_ns_ = delta_ns;
    has_current_ = true;
    return;
  }
  const std::int64_t elapsed = recv_ns - window_start_ns_;
  if (elapsed >= config_.stream_window_ns) {
    // A window with no events between keeps no history: the previous minimum is too old.
    has_previous_ = elapsed < 2 * config_.stream_window_ns;
    previous_min_ns_ = current_min_ns_;
    window_start_ns_ = recv_ns;
    current_min_ns_ = delta_ns;
    return;
  }
  current_min_ns_ = std::min(current_min_ns_, delta_ns);
}

void ClockOffsetEstimator::refresh_offset() noexcept {
  offset_ms_ = estimate().offset_ms;
}

bool ClockOffsetEstimator::stream_outlier(std::int64_t recv_ns, std::int64_t delta_ns) noexcept {
  // What the sample is checked against: the stream bound, else the REST interval's low end.
  double reference_ms = 0.0;
  std::int64_t bound_ns = 0;
  if (stream_bound_ns(bound_ns)) {
    reference_ms = static_cast<double>(bound_ns) / kNsPerMs;
  } else if (has_rest_) {
    reference_ms = rest_.low_ms;
  } else {
    return false;
  }
  if (static_cast<double>(delta_ns) / kNsPerMs >= reference_ms - config_.max_disagreement_ms) {
    low_run_ = 0;
    return false;
  }
  low_run_min_ = low_run_ == 0 ? delta_ns : std::min(low_run_min_, delta_ns);
  if (++low_run_ < std::max(1, config_.outlier_confirmations)) {
    ++stream_outliers_;
    return true;
  }
  // Confirmed: the clock stepped. The bound starts over from the run, whose earlier samples
  // were not outliers after all.
  stream_outliers_ -= static_cast<std::uint64_t>(low_run_ - 1);
  window_start_ns_ = recv_ns;
  current_min_ns_ = low_run_min_;
  has_current_ = true;
  has_previous_ = false;
  low_run_ = 0;
  return true;
}

bool ClockOffsetEstimator::stream_bound_ns(std::int64_t& bound_ns) const noexcept {
  if (!has_current_) return false;
  bound_ns = has_previous_ ? std::min(current_min_ns_, previous_min_ns_) : current_min_ns_;
  return true;
}

bool ClockOffsetEstimator::stream_bound(double& bound_ms) const noexcept {
  std::int64_t bound_ns = 0;
  if (!stream_bound_ns(bound_ns)) return false;
  bound_ms = static_cast<double>(bound_ns) / kNsPerMs;
  return true;
}

ClockOffset ClockOffsetEstimator::estimate() const noexcept {
  ClockOffset out;
  out.rest_samples = rest_samples_;
  out.stream_samples = stream_samples_;
  out.stream_outliers = stream_outliers_;
  double bound_ms = 0.0;
  out.has_stream_bound = stream_bound(bound_ms);
  out.stream_bound_ms = bound_ms;
  // A REST interval far below the stream bound would need that delay on every event: the
  // stream, self-consistent over all events, is believed instead.
  out.rest_rejected =
      has_rest_ && out.has_stream_bound && rest_.high_ms < bound_ms - config_.max_disagreement_ms;
  if (out.rest_rejected) {
    out.rest_round_trip_ms = rest_round_trip_ms_;
    out.consistent = false;
    out.source = ClockOffsetSource::stream;
    out.offset_ms = bound_ms;
  } else if (has_rest_) {
    out.rest_round_trip_ms = rest_round_trip_ms_;
    double high = rest_.high_ms;
    out.source = ClockOffsetSource::rest;
    if (out.has_stream_bound && bound_ms < high) {
      high = bound_ms;
      out.source = ClockOffsetSource::rest_and_stream;
    }
    if (high >= rest_.low_ms) {
      out.offset_ms = (rest_.low_ms + high) / 2.0;
      out.uncertainty_ms = (high - rest_.low_ms) / 2.0;
    } else {
      // The stream proves the offset is below the whole REST interval: the clock moved since.
      out.consistent = false;
      out.source = ClockOffsetSource::stream;
      out.offset_ms = bound_ms;
      out.uncertainty_ms = -1.0;
    }
  } else if (out.has_stream_bound) {
    out.source = ClockOffsetSource::stream;
    out.offset_ms = bound_ms;
  }
  out.large = out.valid() && std::fabs(out.offset_ms) > config_.large_threshold_ms;
  return out;
}

bool offset_changed(const ClockOffset& before, const ClockOffset& now) noexcept {
  if (before.valid() != now.valid() || before.source != now.source ||
      before.rest_rejected != now.rest_rejected) {
    return true;
  }
  if (!now.valid()) return false;
  const double tolerance = std::max({100.0, before.uncertainty_ms, now.uncertainty_ms});
  return std::fabs(now.offset_ms - before.offset_ms) > tolerance;
}

std::string describe(const ClockOffset& offset) {
  if (!offset.valid()) return "unknown (no sample yet)";
  const std::string source(to_string(offset.source));
  char text[160];
  if (offset.uncertainty_ms >= 0.0) {
    std::snprintf(text, sizeof text, "%.1f ms (+/- %.1f ms, %s)", offset.offset_ms,
                  offset.uncertainty_ms, source.c_str());
  } else {
    std::snprintf(text, sizeof text, "%.1f ms (upper bound, %s)", offset.offset_ms, source.c_str());
  }
  return text;
}

void ClockOffsetEstimator::reset() noexcept {
  *this = ClockOffsetEstimator(config_);
}

}  // namespace depthrec
