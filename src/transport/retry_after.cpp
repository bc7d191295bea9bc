#include "transport/retry_after.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <string>

namespace depthrec::transport {

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Any number of digits: saturate at the cap instead of overflowing.
    long long seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds >= kMaxRetryAfter.count()) return kMaxRetryAfter;
    }
    return std::chrono::seconds(seconds);
  }
  const std::string date(value);
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  if (when <= now) return std::chrono::seconds(0);
  // when > now >= 0 or so: the difference of two time_t fits; compare before converting.
  const auto ahead = static_cast<long long>(when) - static_cast<long long>(now);
  return std::chrono::seconds(std::min<long long>(ahead, kMaxRetryAfter.count()));
}

}  // namespace depthrec::transport
