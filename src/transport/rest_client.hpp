#pragma once
// A blocking HTTP(S) GET client (libcurl) for REST snapshots. Meant for a worker thread; one
// instance per thread. It keeps the connection alive between requests to the same host.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace depthrec::transport {

struct RestClientConfig {
  std::string ca_file;      // extra CA bundle for https; empty = system store
  bool verify_peer = true;  // TLS peer + host-name verification; never silently off
  std::chrono::milliseconds timeout{10000};  // whole request, connect included
  std::size_t max_body_bytes = 64u << 20;  // larger bodies fail (a 5000-level snapshot is ~0.3 MB)
};

struct HttpResponse {
  long status = 0;  // HTTP status; 0 when no response arrived
  std::string body;
  std::string error;  // transport error text, empty if HTTP succeeded (any status)
  // From a Retry-After header (seconds or date), capped at kMaxRetryAfter (retry_after.hpp).
  std::optional<std::chrono::seconds> retry_after;
  std::int64_t sent_ns = 0, received_ns = 0;  // now_ns() around the request
  std::optional<int> used_weight_1m;          // Binance's X-MBX-USED-WEIGHT-1M header
};

class RestClient {
 public:
  explicit RestClient(RestClientConfig config);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  /// GET url. Never throws for network problems: they come back in HttpResponse::error.
  /// When `cancel` is given and becomes true, the request is aborted within ~50 ms.
  HttpResponse get(const std::string& url, const std::atomic<bool>* cancel = nullptr);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace depthrec::transport
