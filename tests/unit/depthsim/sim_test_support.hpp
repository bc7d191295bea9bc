// Test support for tests that run the real depthsim binary: the process (stopped by pid on
// teardown), HTTP(S) GET through libcurl, and a minimal plain WebSocket client.
#pragma once

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace depthsim_test {

// depthsim started with `args`; the constructor returns once it printed its listening line.
class SimProcess {
 public:
  explicit SimProcess(const std::vector<std::string>& args) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      // Dies with the test, even one killed at its ctest timeout before the destructor ran.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::vector<std::string> all{std::string(DEPTHREC_BINARY_DIR) + "/depthsim"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& arg : all) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_fd_ = out[0];
    const std::string line = read_line(std::chrono::seconds(20));
    listening_line_ = line;
    const std::size_t at = line.find("port=");
    if (line.rfind("depthsim listening ", 0) != 0 || at == std::string::npos) {
      throw std::runtime_error("depthsim did not start: '" + line + "'");
    }
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(at + 5)));
    tls_ = line.find("tls=1") != std::string::npos;
  }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;
  ~SimProcess() {
    stop();
    if (stdout_fd_ >= 0) close(stdout_fd_);
  }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // "depthsim listening port=N tls=0|1[ spot=N usdm=N coinm=N]"
  const std::string& listening_line() const { return listening_line_; }
  std::string base_url() const {
    return std::string(tls_ ? "https" : "http") + "://localhost:" + std::to_string(port_);
  }

  void send_terminate() const {
    if (pid_ > 0) kill(pid_, SIGTERM);
  }

  // Waits (bounded) for the process to exit by itself; its exit status, or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return exit_status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ <= 0) return exit_status_;
    return std::nullopt;
  }

  // SIGTERM, then waits (bounded) for the exit; returns the exit status (-1 if it had to be
  // killed).
  int stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return exit_status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    exit_status_ = -1;
    return exit_status_;
  }

 private:
  std::string read_line(std::chrono::milliseconds timeout) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd fd{stdout_fd_, POLLIN, 0};
      if (poll(&fd, 1, 100) <= 0) continue;
      char c = 0;
      if (read(stdout_fd_, &c, 1) != 1) break;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return line;
  }

  pid_t pid_ = -1;
  std::string listening_line_;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  bool tls_ = false;
  int exit_status_ = -1;
};

struct HttpResult {
  long status = 0;
  std::string body;
  std::string headers;
  std::string error;  // curl's error text when the transfer failed
};

inline std::size_t append_to_string(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

// GET with TLS verification on (against `ca_file` when given).
inline HttpResult http_get(const std::string& url, const std::string& ca_file = "",
                           long timeout_ms = 10000) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_to_string);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) result.error = curl_easy_strerror(code);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  curl_easy_cleanup(curl);
  return result;
}

// A minimal RFC 6455 client over a plain socket, enough to read what the simulator sends.
class PlainWsClient {
 public:
  struct Frame {
    int opcode = -1;  // -1: nothing arrived in time or the connection ended
    std::string payload;
  };

  PlainWsClient(std::uint16_t port, const std::string& resource) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return;
    const std::string request =
        "GET " + resource +
        " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    write_all(request);
    while (buffer_.find("\r\n\r\n") == std::string::npos && fill()) {
    }
    const std::size_t end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return;
    response_head_ = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
  }
  ~PlainWsClient() {
    if (fd_ >= 0) close(fd_);
  }
  PlainWsClient(const PlainWsClient&) = delete;
  PlainWsClient& operator=(const PlainWsClient&) = delete;

  bool upgraded() const { return response_head_.find(" 101 ") != std::string::npos; }
  const std::string& response_head() const { return response_head_; }

  // The next data or control frame (pings are answered with a pong automatically).
  Frame next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (std::optional<Frame> frame = parse()) {
        if (frame->opcode == 9 && auto_pong_) send(10, frame->payload);
        if (frame->opcode == 8 && !close_sent_) {
          send(8,
               frame->payload.substr(0, 2));  // complete the closing handshake like a real client
          close_sent_ = true;
        }
        if (frame->opcode == 9 && skip_pings_) continue;
        return *frame;
      }
      if (std::chrono::steady_clock::now() >= deadline || !fill(deadline)) return Frame{};
    }
  }

  // Sends a masked frame (text = 1, pong = 10, ...).
  void send(int opcode, const std::string& payload) {
    std::string frame(1, static_cast<char>(0x80 | opcode));
    const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (payload.size() < 126) {
      frame.push_back(static_cast<char>(0x80 | payload.size()));
    } else {
      frame.push_back(static_cast<char>(0x80 | 126));
      frame.push_back(static_cast<char>(payload.size() >> 8));
      frame.push_back(static_cast<char>(payload.size() & 0xFF));
    }
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
      frame.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    write_all(frame);
  }

  void set_auto_pong(bool on) { auto_pong_ = on; }
  void set_skip_pings(bool on) { skip_pings_ = on; }

 private:
  void write_all(const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t wrote = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (wrote <= 0) return;
      done += static_cast<std::size_t>(wrote);
    }
  }

  bool fill(std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() +
                                                             std::chrono::seconds(10)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{fd_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return false;
    char chunk[65536];
    const ssize_t got = recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  std::optional<Frame> parse() {
    if (consumed_ > 0 && consumed_ * 2 > buffer_.size()) {
      buffer_.erase(0, consumed_);  // compact now and then, not per frame
      consumed_ = 0;
    }
    const std::size_t available = buffer_.size() - consumed_;
    if (available < 2) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
    std::uint64_t length = bytes[1] & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (available < 4) return std::nullopt;
      length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
      header = 4;
    } else if (length == 127) {
      if (available < 10) return std::nullopt;
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | bytes[2 + i];
      header = 10;
    }
    if (available < header + length) return std::nullopt;
    Frame frame{bytes[0] & 0x0F, buffer_.substr(consumed_ + header, length)};
    consumed_ += header + length;
    return frame;
  }

  int fd_ = -1;
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already parsed
  std::string response_head_;
  bool auto_pong_ = true;
  bool skip_pings_ = true;
  bool close_sent_ = false;
};

}  // namespace depthsim_test
