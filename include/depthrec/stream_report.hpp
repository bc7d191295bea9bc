// One stream's figures as a running recorder reports them to an exposition (Prometheus /metrics,
// /healthz): its metrics now, the connection that carries it and whether it is still recorded.
#pragma once

#include <cstdint>
#include <string>

#include "depthrec/metrics_snapshot.hpp"

namespace depthrec {

struct StreamReport {
  MetricsSnapshot snapshot;      // the whole run's figures (snapshot.run) and its book's state
  std::uint32_t connection = 0;  // the planned connection carrying it (0: a one-stream run)
  bool removed = false;          // unsubscribed while following exchangeInfo (delisted, ...)
  std::string removed_reason;
};

}  // namespace depthrec
