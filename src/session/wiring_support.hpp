// What the recorders' wiring (recorder_wiring.cpp, engine_wiring.cpp) shares: the transport's
// REST response as the session's answer, why a data directory cannot be created, and the REST
// scheduler's figures of one budget for metrics.json.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "depthrec/metrics_snapshot.hpp"
#include "depthrec/recorder_config.hpp"
#include "session/feed_session.hpp"
#include "transport/rest_client.hpp"
#include "transport/rest_scheduler.hpp"

namespace depthrec::session {

inline RestAnswer to_answer(transport::HttpResponse response) {
  RestAnswer answer;
  answer.status = response.status;
  answer.body = std::move(response.body);
  answer.error = std::move(response.error);
  answer.sent_ns = response.sent_ns;
  answer.received_ns = response.received_ns;
  answer.retry_after = response.retry_after;
  return answer;
}

// Why create_directories(path) failed, in the operator's terms: a dangling symbolic link on the
// way is reported by the OS as "File exists", which hides the broken link.
inline std::string directory_problem(const std::string& path, const std::error_code& ec) {
  namespace fs = std::filesystem;
  fs::path prefix;
  for (const fs::path& part : fs::path(path)) {
    prefix /= part;
    std::error_code status_ec;
    if (!fs::is_symlink(fs::symlink_status(prefix, status_ec)) || fs::exists(prefix, status_ec))
      continue;
    std::error_code link_ec;
    const fs::path target = fs::read_symlink(prefix, link_ec);
    return prefix.string() + " is a symbolic link to '" + target.string() +
           "', which does not exist";
  }
  return ec.message();
}

// metrics.json rest{...}: the scheduler's figures for the feed's budget.
inline RestState rest_state(const transport::RestScheduler::Stats& stats,
                            transport::RestBudgetId budget, const RecorderConfig& config) {
  RestState out;
  if (budget >= stats.budgets.size()) return out;
  const transport::RestBudgetStats& b = stats.budgets[budget];
  out.budget = b.name;
  out.window_ms = config.rest_weight_window.count();
  out.weight_limit = b.limit;
  out.weight_planned_limit = b.planned_limit;
  out.weight_initial_limit = b.initial_limit;
  out.weight_used = b.weight_used;
  out.queued_resync = b.queued[static_cast<std::size_t>(transport::RestPriority::resync)];
  out.queued_initial = b.queued[static_cast<std::size_t>(transport::RestPriority::initial)];
  out.queued_low = b.queued[static_cast<std::size_t>(transport::RestPriority::low)];
  out.requests = b.admitted;
  out.cancelled = b.cancelled;
  out.refused = b.refused;
  out.http_429 = b.http_429;
  out.http_418 = b.http_418;
  out.blocked_ms = b.blocked.count();
  out.blocked_remaining_ms = b.blocked_remaining.count();
  return out;
}

}  // namespace depthrec::session
