#include "transport/rest_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string_view>

#include "transport/clock.hpp"
#include "transport/retry_after.hpp"

namespace depthrec::transport {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::optional<long long> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  long long value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

class RestClient::Impl {
 public:
  explicit Impl(RestClientConfig config) : config_(std::move(config)) {
    // Reference-counted and thread-safe in curl >= 7.84.
    global_ok_ = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!global_ok_) return;
    multi_.reset(curl_multi_init());
    if (multi_) curl_.reset(curl_easy_init());
  }
  ~Impl() {
    curl_.reset();
    multi_.reset();
    if (global_ok_) curl_global_cleanup();
  }

  HttpResponse get(const std::string& url, const std::atomic<bool>* cancel) {
    HttpResponse response;
    if (!curl_) {
      response.error = "libcurl could not be initialised";
      return response;
    }
    CURL* curl = curl_.get();
    curl_easy_reset(curl);  // keeps the connection cache, clears the previous request's options
    char error_buffer[CURL_ERROR_SIZE] = {0};
    Transfer transfer{&response, config_.max_body_bytes, false};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL,
                     1L);  // no SIGALRM for DNS timeouts in a threaded program
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate if the server offers it
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, config_.verify_peer ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, config_.verify_peer ? 2L : 0L);
    if (!config_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);

    response.sent_ns = now_ns();
    bool cancelled = false;
    const CURLcode code = perform(curl, cancel, cancelled);
    response.received_ns = now_ns();
    if (code == CURLE_OK) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
      return response;
    }
    response.status = 0;
    response.body.clear();
    if (transfer.body_too_large) {
      response.error = "response body exceeds " + std::to_string(config_.max_body_bytes) + " bytes";
    } else if (cancelled) {
      response.error = "request cancelled";
    } else {
      response.error = curl_easy_strerror(code);
      if (error_buffer[0] != '\0') response.error += std::string(": ") + error_buffer;
    }
    return response;
  }

 private:
  struct Transfer {
    HttpResponse* response;
    std::size_t max_body;
    bool body_too_large;
  };
  struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  };
  struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
  };
  static constexpr int kCancelPollMs = 50;

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto& transfer = *static_cast<Transfer*>(user);
    const size_t bytes = size * count;
    if (transfer.response->body.size() + bytes > transfer.max_body) {
      transfer.body_too_large = true;
      return 0;  // makes curl fail the transfer
    }
    transfer.response->body.append(data, bytes);
    return bytes;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto& response = *static_cast<Transfer*>(user)->response;
    const size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a 100 Continue): start over
      response.retry_after.reset();
      response.used_weight_1m.reset();
      return bytes;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Retry-After")) {
      response.retry_after = parse_retry_after(value, std::time(nullptr));
    } else if (iequals(name, "X-MBX-USED-WEIGHT-1M")) {
      if (auto weight = parse_digits(value); weight && *weight <= 1'000'000'000) {
        response.used_weight_1m = static_cast<int>(*weight);
      }
    }
    return bytes;
  }

  /// Runs the transfer through the multi interface so a cancel is seen within kCancelPoll.
  CURLcode perform(CURL* curl, const std::atomic<bool>* cancel, bool& cancelled) {
    if (curl_multi_add_handle(multi_.get(), curl) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_OK;
    int running = 1;
    while (running > 0) {
      if (curl_multi_perform(multi_.get(), &running) != CURLM_OK) {
        result = CURLE_RECV_ERROR;
        break;
      }
      if (running == 0) break;
      if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        cancelled = true;
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      curl_multi_poll(multi_.get(), nullptr, 0, kCancelPollMs, nullptr);
    }
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == curl && !cancelled) {
        result = message->data.result;
      }
    }
    curl_multi_remove_handle(multi_.get(), curl);
    return result;
  }

  RestClientConfig config_;
  bool global_ok_ = false;
  std::unique_ptr<CURLM, MultiDeleter> multi_;  // owns the connection cache (keep-alive)
  std::unique_ptr<CURL, CurlDeleter> curl_;     // destroyed first
};

RestClient::RestClient(RestClientConfig config)
    : impl_(std::make_unique<Impl>(std::move(config))) {}
RestClient::~RestClient() = default;
HttpResponse RestClient::get(const std::string& url, const std::atomic<bool>* cancel) {
  return impl_->get(url, cancel);
}

}  // namespace depthrec::transport
