// LagFigures: a lag distribution as metrics.json reports it (samples, p50, p99, max in ms). One
// type for the Redis sink's own statistics and the metrics snapshot that carries them.
#pragma once

#include <cstdint>

namespace depthrec {

struct LagFigures {
  std::uint64_t samples = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

}  // namespace depthrec
