// A request target split into path and decoded query parameters ("/fapi/v1/depth?symbol=X").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace depthsim {

struct RequestTarget {
  std::string path;
  std::map<std::string, std::string> query;  // the last value wins for a repeated name

  std::optional<std::string> param(const std::string& name) const {
    auto found = query.find(name);
    if (found == query.end()) return std::nullopt;
    return found->second;
  }
};

// Percent-decodes names and values ('+' is a space); malformed escapes are kept verbatim.
RequestTarget parse_request_target(std::string_view target);

// A whole decimal number in [min, max], or nullopt.
std::optional<long> parse_long_in(std::string_view text, long min, long max);

}  // namespace depthsim
