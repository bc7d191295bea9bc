// --metrics-listen HOST:PORT: the address the Prometheus exposition binds, checked before the
// recorder connects anywhere. HOST is an IP literal ("127.0.0.1", "[::1]") or "localhost";
// PORT 0 lets the OS pick. Bound to loopback unless remote scrapes are allowed explicitly.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace depthrec::exposition {

struct ListenAddress {
  std::string host;  // IP literal, without brackets ("127.0.0.1", "::1")
  int port = 0;
  bool ipv6 = false;
  bool loopback = false;
  std::string text() const;  // "127.0.0.1:9464", "[::1]:9464"
};

// The address, or nullopt with `error` saying what is wrong with `text`; a non-loopback host is
// an error unless `allow_remote`.
std::optional<ListenAddress> parse_listen_address(std::string_view text, bool allow_remote,
                                                  std::string& error);

}  // namespace depthrec::exposition
