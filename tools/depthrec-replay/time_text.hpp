// Receive times as text and back: ISO-8601 UTC with milliseconds, and the --at argument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace depthrec::replay {

// "2024-07-18T23:57:02.504Z" for ns since the Unix epoch (the millisecond is truncated).
std::string format_utc_ms(std::int64_t epoch_ns);

// "YYYY-MM-DDTHH:MM:SS[.fraction][Z]" (a space may replace the T), UTC -> ns since the epoch.
std::optional<std::int64_t> parse_utc(std::string_view text);

// Where --at points: the first book whose u >= an update id, or whose receive time >= a time.
struct AtTarget {
  enum class Kind { update_id, recv_ns } kind = Kind::update_id;
  std::uint64_t value = 0;
};
// "u:N" or digits: an update id; "ns:N" or 19+ digits: ns since the epoch; else an ISO time.
std::optional<AtTarget> parse_at(std::string_view text);

}  // namespace depthrec::replay
