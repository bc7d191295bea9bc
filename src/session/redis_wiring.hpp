// The Redis Streams sink of a run (--redis): built from the config, and its figures for
// metrics.json redis{...}. The recorder hands it each record beside the file writer.
#pragma once

#include <cstdint>
#include <memory>

#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/recorder_config.hpp"
#include "depthrec/text_log.hpp"
#include "redis/redis_publisher.hpp"

namespace depthrec::session {

// The sink, or null without --redis. `single_symbol`: the run records one symbol (seed001 keys
// then carry none). Throws std::invalid_argument for a URL validate() would refuse.
std::unique_ptr<redis::RedisPublisher> make_redis_publisher(const RecorderConfig& config,
                                                            bool single_symbol);

// metrics.json redis{...} of `publisher` (disabled when null).
RedisSinkState redis_sink_state(const redis::RedisPublisher* publisher,
                                const RecorderConfig& config);

// What the text log was last told of the sink (log_redis_sink).
struct RedisLogged {
  bool connected = false;
  std::uint64_t connect_failures = 0;
  std::uint64_t dropped = 0;
  std::uint64_t errors = 0;
};

// Logs what changed since the last call (once per metrics period): connected; not connected, with
// why; records dropped; entries refused. A Redis that cannot be reached is said in the log, not
// only in metrics.json.
void log_redis_sink(const RedisSinkState& state, RedisLogged& logged, TextLog& log);

}  // namespace depthrec::session
