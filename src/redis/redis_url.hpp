// --redis URL: where the Redis Streams sink publishes, checked before the recorder starts.
//   redis://[[user]:password@]host[:port][/db]   TCP (port 6379 and db 0 when left out)
//   unix:///absolute/path[?db=N]                  a Unix socket
// `rediss://` (TLS) is refused: Debian's hiredis 0.14 has no TLS. No I/O here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace depthrec::redis {

struct RedisUrl {
  enum class Transport { tcp, unix_socket };
  Transport transport = Transport::tcp;
  std::string host;         // tcp: a name or an IP literal, without brackets ("::1")
  int port = 6379;          // tcp
  std::string socket_path;  // unix_socket: absolute
  std::string user;         // AUTH user password (Redis 6 ACL) when both are set
  std::string password;     // AUTH password when set (percent-decoded)
  int db = 0;               // SELECT db when not 0
  // The URL with the password hidden ("redis://:***@host:6379/0"): for logs and errors.
  std::string text() const;
};

// The URL, or nullopt with `error` saying what is wrong with `text` (the error starts with
// "--redis").
std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string& error);

}  // namespace depthrec::redis
