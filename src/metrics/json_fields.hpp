// One-line JSON members for the metrics writers (metrics.json's seed object and its per-stream
// entries), whatever rapidjson writer they use.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace depthrec::json_fields {

// Rounded to `decimals` places; a non-finite value (no data yet) is written as 0.
inline double round_to(double value, int decimals) {
  if (!std::isfinite(value)) return 0.0;
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// `text` if it is valid UTF-8, else a copy with each byte that is not part of a valid sequence
// replaced by U+FFFD: a writer copies bytes as they are, and a name from the network or a file
// must not make metrics.json invalid JSON (quotes and control characters the writer escapes).
inline std::string valid_utf8(const std::string& text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) {
    return i < text.size() && (byte(i) & 0xC0) == 0x80;
  };
  // Length of the valid sequence at i, 0 when none starts there (overlong forms, surrogates and
  // code points past U+10FFFF are invalid).
  const auto sequence = [&](std::size_t i) -> std::size_t {
    const unsigned char b = byte(i);
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) return continuation(i + 1) ? 2 : 0;
    if (b >= 0xE0 && b <= 0xEF) {
      if (!continuation(i + 1) || !continuation(i + 2)) return 0;
      if (b == 0xE0 && byte(i + 1) < 0xA0) return 0;   // overlong
      if (b == 0xED && byte(i + 1) >= 0xA0) return 0;  // surrogate
      return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
      if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3)) return 0;
      if (b == 0xF0 && byte(i + 1) < 0x90) return 0;   // overlong
      if (b == 0xF4 && byte(i + 1) >= 0x90) return 0;  // past U+10FFFF
      return 4;
    }
    return 0;
  };
  std::size_t i = 0;
  while (i < text.size() && byte(i) < 0x80) ++i;
  if (i == text.size()) return text;  // ASCII: the common case, no copy made on the way
  std::string out = text.substr(0, i);
  while (i < text.size()) {
    const std::size_t n = sequence(i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
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

}  // namespace depthrec::json_fields
