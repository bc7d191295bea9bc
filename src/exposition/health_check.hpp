// /healthz: healthy while every stream still recorded is live (an event within the stall
// timeout) and its book synced; otherwise the reasons, one per stream at fault.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "depthrec/stream_report.hpp"

namespace depthrec::exposition {

struct HealthVerdict {
  bool healthy = false;
  std::vector<std::string> reasons;  // empty when healthy
};

// `streams`: the recorder's reports (empty: not started, or stopping). A stream removed while
// following exchangeInfo is no longer configured and does not count.
HealthVerdict judge_health(const std::vector<StreamReport>& streams, std::int64_t stale_after_ns);

// The response body: "ok\n", or "unhealthy: N problems\n" and a reason a line (the first
// `max_lines`, then how many more).
std::string health_body(const HealthVerdict& verdict, std::size_t max_lines = 100);

}  // namespace depthrec::exposition
