// The Redis Streams sink of a run (--redis): built from the config, and its figures for
// metrics.json redis{...}. The recorder hands it each record beside the file writer.
#pragma once

#include <memory>

#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/recorder_config.hpp"
#include "redis/redis_publisher.hpp"

namespace depthrec::session {

// The sink, or null without --redis. `single_symbol`: the run records one symbol (seed001 keys
// then carry none). Throws std::invalid_argument for a URL validate() would refuse.
std::unique_ptr<redis::RedisPublisher> make_redis_publisher(const RecorderConfig& config,
                                                            bool single_symbol);

// metrics.json redis{...} of `publisher` (disabled when null).
RedisSinkState redis_sink_state(const redis::RedisPublisher* publisher,
                                const RecorderConfig& config);

}  // namespace depthrec::session
