#include "exposition/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace depthrec::exposition {
namespace {

bool parse_port(std::string_view text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && end == text.data() + text.size() && port >= 0 && port <= 65535;
}

}  // namespace

std::string ListenAddress::text() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, bool allow_remote,
                                                  std::string& error) {
  const std::string quoted = "--metrics-listen '" + std::string(text) + "'";
  ListenAddress address;
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {  // [v6]:port
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = quoted + ": expected [IPv6]:PORT";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    address.ipv6 = true;
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      error = quoted + ": expected HOST:PORT, e.g. 127.0.0.1:9464 ([::1]:9464 for IPv6)";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (!parse_port(port, address.port)) {
    error = quoted + ": the port must be a number from 0 (the OS picks one) to 65535";
    return std::nullopt;
  }
  address.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  if (address.ipv6) {
    in6_addr v6{};
    if (inet_pton(AF_INET6, address.host.c_str(), &v6) != 1) {
      error = quoted + ": '" + address.host + "' is not an IPv6 address";
      return std::nullopt;
    }
    address.loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else {
    in_addr v4{};
    if (inet_pton(AF_INET, address.host.c_str(), &v4) != 1) {
      error = quoted + ": the host must be an IPv4 address, [IPv6] or localhost";
      return std::nullopt;
    }
    address.loopback = (ntohl(v4.s_addr) >> 24) == 127;
  }
  if (!address.loopback && !allow_remote) {
    error = quoted + ": " + address.host +
            " is not a loopback address; /metrics and /healthz would be reachable from other "
            "machines (add --metrics-allow-remote to mean it)";
    return std::nullopt;
  }
  return address;
}

}  // namespace depthrec::exposition
