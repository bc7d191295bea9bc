// How depthrec-check reads a figure from metrics.json and classes it: shared by the checks of the
// top level (metrics_check.cpp) and of each streams[] entry (stream_checks.cpp), so a stream's
// line reads exactly like the top level's ("breaks=1 (crit >0)").
#pragma once

#include <rapidjson/document.h>

#include <cstdio>
#include <optional>
#include <string>

#include "depthrec/metrics_check.hpp"

namespace depthrec::check_rules {

using rapidjson::Value;

// The member `name` of `object`; nullptr when `object` is not an object or has no such member.
inline const Value* member(const Value* object, const char* name) {
  if (object == nullptr || !object->IsObject()) return nullptr;
  const auto it = object->FindMember(name);
  return it == object->MemberEnd() ? nullptr : &it->value;
}

inline std::optional<double> number(const Value* value) {
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  return value->GetDouble();
}

inline std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// "breaks=1 (crit >0)" classed against `limits`; a missing value (no numeric `key`) is CRITICAL.
inline MetricCheck classify_figure(const std::string& metric, std::optional<double> value,
                                   const AlertLimits& limits, const char* value_format,
                                   const std::string& key, const std::string& note = "") {
  if (!value) {
    return MetricCheck{metric, AlertLevel::critical, std::nullopt,
                       metric + "=missing (no numeric \"" + key + "\" in the file)"};
  }
  return MetricCheck{
      metric, classify(*value, limits), value,
      metric + "=" + format(value_format, *value) + note + " " + describe_limits(limits)};
}

}  // namespace depthrec::check_rules
