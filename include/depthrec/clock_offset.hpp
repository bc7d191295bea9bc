// Estimates the offset of the local clock from the exchange's: offset = local - exchange.
// Recording machines are rarely in sync with Binance (data/real/ shows about -1.5 s), so raw event
// latency (receive time - E) is skewed by exactly this offset; corrected latency = raw - offset.
//
// Two sources:
// (a) REST exchanges (a snapshot's E, or GET /fapi/v1/time serverTime). The server stamped its time
//     T (ms, truncated) at some instant between our send and our receive, so
//         offset in (sent - T - 1 ms, received - T]:
//     the estimate is that interval's middle and the uncertainty its half-width (round trip / 2
//     + 0.5 ms). The sample with the smallest round trip is kept (NTP's rule), unless it is older
//     than rest_sample_max_age, when any newer sample replaces it (clocks drift).
// (b) The stream: E is stamped before the event is sent, so receive - E = offset + network delay
//     >= offset. The minimum over the current and the previous stream window is an upper bound.
// Both together: the REST interval is cut at the stream bound. With the stream alone the estimate
// is the bound itself (true offset is lower by the minimum one-way delay) and the uncertainty
// unknown. Not thread-safe: FeedMetrics guards it.
//
// A server cannot be trusted with its clock either, so implausible samples are set aside:
// - a REST interval that lies more than max_disagreement_ms below the stream bound would mean a
//   one-way delay that large on every event; the stream (every event, self-consistent) is
//   preferred and the REST sample is reported rejected (`rest_rejected`), e.g. a /time one hour
//   ahead;
// - a stream sample more than max_disagreement_ms below the current bound (or, before any, below
//   the REST interval) is an outlier (an E far in the future) unless outlier_confirmations of them
//   come in a row: then the clock did step, and the bound starts over from them.
// Times are range-checked (epoch_time.hpp) before any arithmetic: any int64 is safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace depthrec {

struct ClockOffsetConfig {
  double large_threshold_ms = 1000.0;                       // |offset| above this sets `large`
  std::int64_t stream_window_ns = 60'000'000'000;           // stream minimum kept per window
  std::int64_t rest_sample_max_age_ns = 3'600'000'000'000;  // then a newer REST sample wins
  double max_disagreement_ms = 5000.0;  // beyond this a sample contradicts the other source
  int outlier_confirmations = 3;        // stream outliers in a row that make a clock step
};

enum class ClockOffsetSource : std::uint8_t {
  none,             // no sample yet: offset_ms is 0 and means nothing
  rest,             // REST samples only
  stream,           // stream bound only: an upper bound of the offset
  rest_and_stream,  // REST interval cut by the stream bound
};
std::string_view to_string(ClockOffsetSource source);

struct ClockOffset {
  ClockOffsetSource source = ClockOffsetSource::none;
  double offset_ms = 0.0;        // local clock minus exchange clock
  double uncertainty_ms = -1.0;  // half-width of the interval holding the true offset; < 0: unknown
  double rest_round_trip_ms = -1.0;  // round trip of the REST sample used; < 0: none
  double stream_bound_ms = 0.0;      // min(receive - E) over recent windows (if has_stream_bound)
  bool has_stream_bound = false;
  bool consistent = true;  // false: the REST interval lies above the stream bound (clock stepped?)
  bool large = false;      // |offset_ms| > large_threshold_ms
  bool rest_rejected = false;  // the REST interval contradicts the stream: not used (see above)
  std::uint64_t rest_samples = 0;
  std::uint64_t stream_samples = 0;
  std::uint64_t stream_outliers = 0;  // stream samples set aside as outliers

  bool valid() const { return source != ClockOffsetSource::none; }
};

// True when `now` differs from `before` enough to be logged: validity, source or rejection
// changed, or the offset moved by more than max(100 ms, both uncertainties).
bool offset_changed(const ClockOffset& before, const ClockOffset& now) noexcept;
// "-1523.4 ms (+/- 12.0 ms, rest_and_stream)" for the log.
std::string describe(const ClockOffset& offset);

class ClockOffsetEstimator {
 public:
  explicit ClockOffsetEstimator(ClockOffsetConfig config = {});

  // One REST exchange, times on the local wall clock (ns since the Unix epoch); server_time_ms is
  // the exchange's stamp. Returns false and ignores the sample if received_ns < sent_ns or
  // server_time_ms is <= 0 or beyond kMaxEpochMs.
  bool add_rest_sample(std::int64_t sent_ns, std::int64_t received_ns,
                       std::int64_t server_time_ms) noexcept;
  // One streamed event: its local receive time (ns since epoch) and its E (ms). Ignored if E <= 0
  // or beyond kMaxEpochMs; set aside if it is an outlier (see above).
  void add_stream_sample(std::int64_t recv_ns, std::int64_t event_time_ms) noexcept;

  ClockOffset estimate() const noexcept;
  // Only the offset (0 without samples): what the per-event latency correction needs. Kept
  // up to date by every sample that changes the estimate, so reading it costs nothing.
  double offset_ms() const noexcept { return offset_ms_; }
  void reset() noexcept;

 private:
  struct RestInterval {
    double low_ms = 0.0;
    double high_ms = 0.0;
  };
  bool stream_bound(double& bound_ms) const noexcept;
  bool stream_bound_ns(std::int64_t& bound_ns) const noexcept;
  // True when the sample was set aside as an outlier.
  bool stream_outlier(std::int64_t recv_ns, std::int64_t delta_ns) noexcept;
  // add_stream_sample's slow path: a sample that may move a minimum, start a window or be an
  // outlier (receive - E = delta_ns).
  void add_stream_delta(std::int64_t recv_ns, std::int64_t delta_ns) noexcept;
  // offset_ms_ = estimate().offset_ms, after any change of the state estimate() reads.
  void refresh_offset() noexcept;

  ClockOffsetConfig config_;
  bool has_rest_ = false;
  RestInterval rest_;
  double rest_round_trip_ms_ = 0.0;
  std::int64_t rest_taken_ns_ = 0;
  std::uint64_t rest_samples_ = 0;

  // Stream minimum (ns) of the current window and of the one before it.
  std::int64_t window_start_ns_ = 0;
  bool has_current_ = false;
  std::int64_t current_min_ns_ = 0;
  bool has_previous_ = false;
  std::int64_t previous_min_ns_ = 0;
  std::uint64_t stream_samples_ = 0;
  std::uint64_t stream_outliers_ = 0;
  int low_run_ = 0;               // outliers in a row so far
  std::int64_t low_run_min_ = 0;  // their minimum
  double offset_ms_ = 0.0;        // estimate().offset_ms as of the last change
};

}  // namespace depthrec
