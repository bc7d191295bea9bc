// What a venue allows one client IP: streams per connection, messages the client may send per
// connection and second, and new connections per time window. Every venue fills one of these;
// the planner and the pacers in src/plan/ obey it without knowing the venue.
#pragma once

#include <chrono>
#include <cstddef>

namespace depthrec::venues {

struct ConnectionLimits {
  std::size_t max_streams_per_connection = 0;
  int max_incoming_messages_per_second = 0;  // client -> server: requests, pings and pongs
  int max_new_connections = 0;               // per new_connection_window, per IP
  std::chrono::seconds new_connection_window{0};
};

}  // namespace depthrec::venues
