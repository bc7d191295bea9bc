// One-line JSON members for the metrics writers (metrics.json's seed object and its per-stream
// entries), whatever rapidjson writer they use.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "model/utf8.hpp"

namespace depthrec::json_fields {

// Rounded to `decimals` places; a non-finite value (no data yet) is written as 0.
inline double round_to(double value, int decimals) {
  if (!std::isfinite(value)) return 0.0;
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

template <typename Writer>
void key(Writer& w, const char* name) {
  w.Key(name);
}
template <typename Writer>
void number(Writer& w, const char* name, double value) {
  w.Key(name);
  w.Double(value);
}
template <typename Writer>
void count(Writer& w, const char* name, std::uint64_t value) {
  w.Key(name);
  w.Uint64(value);
}
template <typename Writer>
void integer(Writer& w, const char* name, std::int64_t value) {
  w.Key(name);
  w.Int64(value);
}
template <typename Writer>
void flag(Writer& w, const char* name, bool value) {
  w.Key(name);
  w.Bool(value);
}
template <typename Writer>
void text(Writer& w, const char* name, const std::string& value) {
  w.Key(name);
  w.String(valid_utf8(value));
}

// null for an empty text (no book side yet, no error).
template <typename Writer>
void text_or_null(Writer& w, const char* name, const std::string& value) {
  w.Key(name);
  value.empty() ? w.Null() : w.String(valid_utf8(value));
}

}  // namespace depthrec::json_fields
