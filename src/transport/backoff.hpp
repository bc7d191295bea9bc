#pragma once
// Exponential reconnect/retry delays with random jitter, so many clients that lost their
// connection at the same moment do not all come back at the same moment.

#include <chrono>
#include <cstdint>
#include <random>

namespace depthrec::transport {

struct BackoffConfig {
  std::chrono::milliseconds initial{250};  // first delay (before jitter)
  std::chrono::milliseconds max{30000};    // no delay is ever longer than this
  double multiplier = 2.0;                 // growth per attempt; values below 1 count as 1
  double jitter = 0.2;                     // each delay is scaled by a uniform factor in [1-j, 1+j]
};

/// Delay n (0-based, counted since the last reset) is min(max, initial * multiplier^n * f) with
/// f uniform in [1 - jitter, 1 + jitter]. The same seed gives the same sequence.
/// Out-of-range settings are clamped (initial >= 1 ms, max >= initial, jitter in [0, 1]).
class Backoff {
 public:
  Backoff(BackoffConfig config, std::uint64_t seed);

  /// The delay to wait before the next attempt; counts the attempt.
  std::chrono::milliseconds next();
  /// Start again from the initial delay (after a connection that proved healthy).
  void reset();
  /// Delays handed out since the last reset.
  int attempts() const { return attempts_; }

 private:
  BackoffConfig config_;
  std::mt19937_64 random_;
  int attempts_ = 0;
};

}  // namespace depthrec::transport
