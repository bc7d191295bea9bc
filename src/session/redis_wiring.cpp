#include "session/redis_wiring.hpp"

#include "redis/age_trim.hpp"
#include "session/realtime_priority.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace depthrec::session {

std::unique_ptr<redis::RedisPublisher> make_redis_publisher(const RecorderConfig& config,
                                                            bool single_symbol) {
  if (config.redis_url.empty()) return nullptr;
  std::string error;
  const auto url = redis::parse_redis_url(config.redis_url, error);
  if (!url) throw std::invalid_argument(error);
  redis::RedisPublisherConfig publisher;
  publisher.url = *url;
  publisher.keys.scheme =
      config.redis_keys == "seed001" ? redis::KeyScheme::seed001 : redis::KeyScheme::depthrec;
  publisher.keys.hash_tags = config.redis_hash_tags;
  publisher.keys.single_symbol = single_symbol;
  publisher.maxlen = config.redis_maxlen;
  if (!config.redis_max_age.empty())
    publisher.max_age_ms = redis::parse_duration_ms(config.redis_max_age).value_or(0);
  publisher.queue_capacity = config.redis_queue_capacity;
  publisher.backoff_max = std::min(publisher.backoff_max, config.backoff_max);
  publisher.hold_trade_repairs = config.repair_trades;
  if (config.realtime_priority > 0) {
    // The run checked that SCHED_FIFO is allowed (require_realtime_priority_allowed); a refusal
    // now leaves the sink at the normal policy, which the thread's /proc entry shows.
    publisher.on_thread_start = [priority = config.realtime_priority] {
      (void)make_current_thread_realtime(priority);
    };
  }
  return std::make_unique<redis::RedisPublisher>(publisher);
}

RedisSinkState redis_sink_state(const redis::RedisPublisher* publisher,
                                const RecorderConfig& config) {
  RedisSinkState state;
  if (!publisher) return state;
  const redis::RedisPublisherStats stats = publisher->stats();
  state.enabled = true;
  state.connected = stats.connected;
  state.url = publisher->url().text();  // parsed once, when the sink was made
  state.published = stats.published;
  state.duplicates_suppressed = stats.duplicates_suppressed;
  state.dropped = stats.dropped;
  state.gaps_marked = stats.gaps_marked;
  state.errors = stats.errors;
  state.reconnects = stats.reconnects;
  state.connect_failures = stats.connect_failures;
  state.queue_depth = stats.queue_depth;
  state.queue_peak = stats.queue_peak;
  state.queue_capacity = config.redis_queue_capacity;
  state.repair_hold = {stats.repair_hold.lines_held, stats.repair_hold.gaps_released,
                       stats.repair_hold.gaps_given_up, stats.repair_hold.late_lines,
                       stats.repair_hold.holding};
  state.write_lag = stats.write_lag;
  state.queue_lag = stats.queue_lag;
  state.last_error = stats.last_error;
  return state;
}

void log_redis_sink(const RedisSinkState& state, RedisLogged& logged, TextLog& log) {
  if (!state.enabled) return;
  if (state.connected && !logged.connected) {
    log.log(LogLevel::info, "redis sink connected to " + state.url);
  } else if (!state.connected &&
             (logged.connected || state.connect_failures > logged.connect_failures)) {
    log.log(LogLevel::warning,
            "redis sink not connected (" + state.last_error + "); up to " +
                std::to_string(state.queue_capacity) +
                " records wait, then they are dropped and marked by redis_drop gap entries");
  }
  if (state.dropped > logged.dropped)
    log.log(LogLevel::warning, "redis sink dropped " +
                                   std::to_string(state.dropped - logged.dropped) + " records (" +
                                   std::to_string(state.dropped) + " in all; the files have them)");
  if (state.errors > logged.errors)
    log.log(LogLevel::warning, "Redis refused " + std::to_string(state.errors - logged.errors) +
                                   " entries: " + state.last_error);
  logged.connected = state.connected;
  logged.connect_failures = state.connect_failures;
  logged.dropped = state.dropped;
  logged.errors = state.errors;
}

}  // namespace depthrec::session
