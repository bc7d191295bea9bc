#include "redis/redis_url.hpp"

#include <cctype>
#include <optional>
#include <string>

namespace depthrec::redis {
namespace {

constexpr std::string_view kTcpScheme = "redis://";
constexpr std::string_view kTlsScheme = "rediss://";
constexpr std::string_view kUnixScheme = "unix://";
constexpr int kMaxDb = 1'000'000;  // redis.conf `databases` is an int; no deployment has more

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// A decimal integer in [0, max] of digits only, or -1.
long long parse_bounded(std::string_view digits, long long max) {
  if (digits.empty() || digits.size() > 10) return -1;
  long long value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value <= max ? value : -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX sequences decoded (a password may hold ':', '@' or '/' only that way).
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_';
}

std::optional<RedisUrl> fail(std::string& error, const std::string& why) {
  error = "--redis: " + why;
  return std::nullopt;
}

std::optional<RedisUrl> parse_unix(std::string_view rest, std::string& error) {
  RedisUrl url;
  url.transport = RedisUrl::Transport::unix_socket;
  const std::size_t query = rest.find('?');
  const std::string_view path = rest.substr(0, query);
  if (path.empty() || path.front() != '/')
    return fail(error, "a Unix socket URL needs an absolute path: unix:///path/to/redis.sock");
  if (path.size() > 107)  // sockaddr_un.sun_path holds 108 bytes with its NUL
    return fail(error, "the Unix socket path is longer than 107 bytes");
  url.socket_path = std::string(path);
  if (query != std::string_view::npos) {
    const std::string_view params = rest.substr(query + 1);
    if (!starts_with(params, "db="))
      return fail(error, "a Unix socket URL takes only ?db=N after its path");
    const long long db = parse_bounded(params.substr(3), kMaxDb);
    if (db < 0) return fail(error, "db must be an integer from 0 to 1000000");
    url.db = static_cast<int>(db);
  }
  return url;
}

std::optional<RedisUrl> parse_tcp(std::string_view rest, std::string& error) {
  RedisUrl url;
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (authority.find('?') != std::string_view::npos || path.find('?') != std::string_view::npos)
    return fail(error, "redis:// URLs take no ?parameters (the db goes in the path: /N)");
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos)
      return fail(error, "credentials must be :password@ or user:password@");
    const auto user = percent_decode(userinfo.substr(0, colon));
    const auto password = percent_decode(userinfo.substr(colon + 1));
    if (!user || !password) return fail(error, "a bad %XX escape in the credentials");
    if (password->empty()) return fail(error, "the password after ':' is empty");
    url.user = *user;
    url.password = *password;
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "an IPv6 host needs its closing ']'");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      return fail(error, "only :port may follow an IPv6 host");
    if (!after.empty()) port_text = after.substr(1);
    if (after.size() == 1) return fail(error, "the port after ':' is empty");
    if (url.host.empty()) return fail(error, "the host is empty");
    for (const char c : url.host)
      if (std::isxdigit(static_cast<unsigned char>(c)) == 0 && c != ':' && c != '.')
        return fail(error, "an IPv6 host may hold only hex digits, ':' and '.'");
  } else {
    const std::size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return fail(error, "the port after ':' is empty");
    }
    if (url.host.empty()) return fail(error, "the host is empty (redis://host[:port][/db])");
    for (const char c : url.host)
      if (!host_char(c))
        return fail(error, "the host may hold only letters, digits, '.', '-', '_'");
  }
  if (!port_text.empty()) {
    const long long port = parse_bounded(port_text, 65535);
    if (port < 1) return fail(error, "the port must be an integer from 1 to 65535");
    url.port = static_cast<int>(port);
  }
  if (!path.empty()) {
    const long long db = parse_bounded(path, kMaxDb);
    if (db < 0) return fail(error, "the db (after '/') must be an integer from 0 to 1000000");
    url.db = static_cast<int>(db);
  }
  return url;
}

// The user name as it is written in a URL: bytes other than letters, digits and -._~ as %XX
// (a user name decoded from %1b, ':' or '@' must print as a URL that parses back to it).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 15]);
    }
  }
  return out;
}

}  // namespace

std::string RedisUrl::text() const {
  std::string credentials;
  if (!password.empty()) credentials = percent_encode(user) + ":***@";
  if (transport == Transport::unix_socket) {
    std::string out = "unix://" + socket_path;
    if (db != 0) out += "?db=" + std::to_string(db);
    return out;
  }
  const bool ipv6 = host.find(':') != std::string::npos;
  return "redis://" + credentials + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
         "/" + std::to_string(db);
}

std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string& error) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
      return fail(error, "the URL holds a space or a control character");
  if (starts_with(text, kTlsScheme))
    return fail(error,
                "rediss:// (TLS) is not supported: Debian's hiredis 0.14 has no TLS; use "
                "redis:// on a trusted network, a Unix socket, or a TLS tunnel (stunnel)");
  if (starts_with(text, kUnixScheme)) return parse_unix(text.substr(kUnixScheme.size()), error);
  if (starts_with(text, kTcpScheme)) return parse_tcp(text.substr(kTcpScheme.size()), error);
  return fail(error, "'" + std::string(text.substr(0, 40)) +
                         "' is no Redis URL: redis://[:password@]host[:port][/db] or "
                         "unix:///path[?db=N]");
}

}  // namespace depthrec::redis
