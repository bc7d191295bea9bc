#include "plan/connection_opening.hpp"

#include "plan/message_pacer.hpp"

namespace depthrec::plan {

std::size_t url_stream_count(const std::vector<std::string>& names, const UrlBounds& bounds) {
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const std::string& name : names) {
    const std::size_t more = name.size() + (count > 0 ? 1 : 0);  // '/' between names
    if (count > 0 && (count >= bounds.max_streams || bytes + more > bounds.max_name_bytes)) break;
    bytes += more;
    ++count;
  }
  return count;
}

std::size_t request_count(std::size_t streams, std::size_t max_streams_per_request) {
  const std::size_t per = max_streams_per_request == 0 ? 1 : max_streams_per_request;
  return (streams + per - 1) / per;
}

std::chrono::milliseconds pacing_allowance(std::size_t messages, int limit_per_second) {
  if (messages == 0) return std::chrono::milliseconds(0);
  const MessagePacer pacer(limit_per_second);
  const auto budget = static_cast<std::size_t>(pacer.budget_per_second());
  // The last request leaves (messages - 1) intervals after the first; each second of that a
  // pong may take one more interval.
  const std::size_t slots = messages - 1 + (messages + budget - 1) / budget;
  return std::chrono::ceil<std::chrono::milliseconds>(pacer.interval() *
                                                      static_cast<std::int64_t>(slots));
}

}  // namespace depthrec::plan
