#include "exposition/health_check.hpp"

#include <cstdio>

#include "depthrec/market.hpp"

namespace depthrec::exposition {
namespace {

std::string seconds_text(std::int64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ns) / 1e9);
  return text;
}

}  // namespace

HealthVerdict judge_health(const std::vector<StreamReport>& streams, std::int64_t stale_after_ns) {
  HealthVerdict verdict;
  std::size_t configured = 0;
  for (const StreamReport& report : streams) {
    if (report.removed) continue;
    ++configured;
    const MetricsSnapshot& s = report.snapshot;
    const std::string name =
        std::string(to_string(s.key.market)) + ":" + s.key.symbol + " (" + s.key.stream + ")";
    if (s.last_message_age_ns < 0) {
      verdict.reasons.push_back(name + ": no event received yet");
    } else if (s.last_message_age_ns > stale_after_ns) {
      verdict.reasons.push_back(name + ": stale, no event for " +
                                seconds_text(s.last_message_age_ns));
    }
    if (!s.book.synced) {
      verdict.reasons.push_back(name + ": book not synced (for " +
                                seconds_text(s.book.unsynced_ns) + ")");
    }
  }
  if (configured == 0)
    verdict.reasons.emplace_back("no stream is being recorded (starting or stopping)");
  verdict.healthy = verdict.reasons.empty();
  return verdict;
}

std::string health_body(const HealthVerdict& verdict, std::size_t max_lines) {
  if (verdict.healthy) return "ok\n";
  std::string body = "unhealthy: " + std::to_string(verdict.reasons.size()) + " problem" +
                     (verdict.reasons.size() == 1 ? "" : "s") + "\n";
  for (std::size_t i = 0; i < verdict.reasons.size() && i < max_lines; ++i)
    body += verdict.reasons[i] + "\n";
  if (verdict.reasons.size() > max_lines)
    body += "... and " + std::to_string(verdict.reasons.size() - max_lines) + " more\n";
  return body;
}

}  // namespace depthrec::exposition
