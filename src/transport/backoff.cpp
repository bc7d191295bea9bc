#include "transport/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace depthrec::transport {

Backoff::Backoff(BackoffConfig config, std::uint64_t seed) : config_(config), random_(seed) {
  using std::chrono::milliseconds;
  config_.initial = std::max(config_.initial, milliseconds(1));
  config_.max = std::max(config_.max, config_.initial);
  if (!(config_.multiplier >= 1.0)) config_.multiplier = 1.0;  // also catches NaN
  if (!(config_.jitter >= 0.0)) config_.jitter = 0.0;
  config_.jitter = std::min(config_.jitter, 1.0);
}

std::chrono::milliseconds Backoff::next() {
  const double max_ms = static_cast<double>(config_.max.count());
  // pow() may overflow to +inf after many attempts; min() with the cap keeps that harmless.
  const double base = static_cast<double>(config_.initial.count()) *
                      std::pow(config_.multiplier, static_cast<double>(attempts_));
  std::uniform_real_distribution<double> factor(1.0 - config_.jitter, 1.0 + config_.jitter);
  const double delay = std::min(max_ms, std::min(base, max_ms) * factor(random_));
  if (attempts_ < 1'000'000) ++attempts_;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(delay)));
}

void Backoff::reset() {
  attempts_ = 0;
}

}  // namespace depthrec::transport
