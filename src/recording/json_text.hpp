// Appending JSON values to a reused std::string. Nothing here allocates once the string has the
// capacity: numbers go through std::to_chars into a stack buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace depthrec::recording {

// A quoted JSON string. Quotes, backslashes and control characters are escaped; invalid UTF-8
// bytes become U+FFFD so that every line stays valid UTF-8 whatever a peer sent us.
void append_json_string(std::string& out, std::string_view text);

void append_int(std::string& out, std::int64_t value);
void append_uint(std::string& out, std::uint64_t value);

// Fixed 3 decimals ("-1519.519"); NaN and infinities, which JSON cannot hold, become null.
void append_fixed3(std::string& out, double value);

// Nanoseconds as milliseconds with 3 decimals, computed on integers so it is exact
// (1721347020984480942 -> "1721347020984.481", rounded half away from zero).
void append_ns_as_ms(std::string& out, std::int64_t ns);

void append_optional_uint(std::string& out, std::optional<std::uint64_t> value);  // N or null

// `"key":` including the separating comma when `out` already holds a field.
inline void append_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

}  // namespace depthrec::recording
