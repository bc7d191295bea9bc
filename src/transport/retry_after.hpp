// The Retry-After header of a 429/418 (RFC 9110 10.2.3): delay-seconds or an HTTP date. The
// server chooses the number, so it is read without overflow and capped: any wait beyond
// kMaxRetryAfter (Binance's longest IP ban, 3 days) is taken as kMaxRetryAfter.
#pragma once

#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace depthrec::transport {

inline constexpr std::chrono::seconds kMaxRetryAfter{3 * 24 * 3600};

// The wait the header asks for, from `now` (for a date), within [0, kMaxRetryAfter]; nullopt
// when the value is neither digits nor a date.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value, std::time_t now);

}  // namespace depthrec::transport
