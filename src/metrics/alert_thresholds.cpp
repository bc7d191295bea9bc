#include "depthrec/alert_thresholds.hpp"

#include <cstdio>

namespace depthrec {
namespace {

bool past(double value, double limit, AlertDirection direction) {
  return direction == AlertDirection::above ? value > limit : value < limit;
}

std::string limit_text(const char* label, std::string_view subject, double limit,
                       AlertDirection direction) {
  char text[64];
  std::snprintf(text, sizeof text, "%s%g", direction == AlertDirection::above ? ">" : "<", limit);
  return std::string(label) + " " + std::string(subject) + text;
}

}  // namespace

std::string_view to_string(AlertLevel level) {
  switch (level) {
    case AlertLevel::ok:
      return "OK";
    case AlertLevel::warning:
      return "WARNING";
    case AlertLevel::critical:
      return "CRITICAL";
  }
  return "CRITICAL";
}

int exit_code(AlertLevel level) {
  return static_cast<int>(level);
}

AlertLevel worst(AlertLevel a, AlertLevel b) {
  return a > b ? a : b;
}

AlertLevel classify(double value, const AlertLimits& limits) {
  if (value != value) return AlertLevel::critical;  // NaN: a broken figure is not healthy
  if (limits.crit && past(value, *limits.crit, limits.direction)) return AlertLevel::critical;
  if (limits.warn && past(value, *limits.warn, limits.direction)) return AlertLevel::warning;
  return AlertLevel::ok;
}

std::string describe_limits(const AlertLimits& limits, std::string_view subject) {
  std::string text;
  if (limits.warn) text = limit_text("warn", subject, *limits.warn, limits.direction);
  if (limits.crit) {
    if (!text.empty()) text += ", ";
    text += limit_text("crit", subject, *limits.crit, limits.direction);
  }
  return "(" + (text.empty() ? std::string("no limits") : text) + ")";
}

}  // namespace depthrec
