// --redis URL: any bytes are parsed or refused, never a crash. A refusal names --redis; an
// accepted URL is whole (a host or an absolute socket path, port and db in range) and its
// printed form (password hidden) parses back to the same endpoint.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "redis/redis_url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace depthrec::redis;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto url = parse_redis_url(text, error);
  if (!url) {
    FUZZ_CHECK(error.rfind("--redis: ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(url->db >= 0 && url->db <= 1'000'000);
  if (url->transport == RedisUrl::Transport::unix_socket) {
    FUZZ_CHECK(!url->socket_path.empty() && url->socket_path.front() == '/');
  } else {
    FUZZ_CHECK(!url->host.empty());
    FUZZ_CHECK(url->port >= 1 && url->port <= 65535);
  }
  std::string again_error;
  const auto again = parse_redis_url(url->text(), again_error);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->text() == url->text());
  FUZZ_CHECK(again->host == url->host && again->port == url->port && again->db == url->db);
  FUZZ_CHECK(again->socket_path == url->socket_path);
  return 0;
}
