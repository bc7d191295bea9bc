#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 (port from the OS) for REST tests: one poll() thread,
// keep-alive, canned replies chosen per request by the test, and replies that never come
// (to provoke client timeouts). It logs when each request arrived.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace depthrec::transport::test {

class TestHttpServer {
 public:
  struct Reply {
    int status = 200;
    std::string body;
    std::vector<std::string> headers;  // "Name: value"
    bool hang = false;                 // never answer (the connection stays open until teardown)
  };
  struct Request {
    std::string path;
    std::chrono::steady_clock::time_point arrived;
  };
  using Handler =
      std::function<Reply(const std::string& path, int index)>;  // index: 0-based request count

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (listen_fd_ < 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
      throw std::runtime_error("test HTTP server: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { loop(); });
  }

  ~TestHttpServer() {
    const char byte = 'x';
    [[maybe_unused]] const auto n = ::write(wake_[1], &byte, 1);
    thread_.join();
    for (auto& [fd, buffer] : clients_) ::close(fd);
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  /// Waits (bounded) until at least n requests arrived; returns them.
  std::vector<Request> wait_for_requests(
      std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, limit, [&] { return requests_.size() >= n; });
    return requests_;
  }

 private:
  void loop() {
    for (;;) {
      std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
      for (auto& [fd, buffer] : clients_) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) return;
      if (fds[1].revents & POLLIN) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) clients_[fd];
      }
      for (std::size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents != 0) serve(fds[i].fd);
      }
    }
  }

  void serve(int fd) {
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) {
      ::close(fd);
      clients_.erase(fd);
      return;
    }
    std::string& buffer = clients_[fd];
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (std::size_t end; (end = buffer.find("\r\n\r\n")) != std::string::npos;) {
      const std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      const std::size_t first_space = head.find(' ');
      const std::string path =
          head.substr(first_space + 1, head.find(' ', first_space + 1) - first_space - 1);
      int index = 0;
      {
        std::lock_guard lock(mutex_);
        index = static_cast<int>(requests_.size());
        requests_.push_back({path, std::chrono::steady_clock::now()});
        cv_.notify_all();
      }
      const Reply reply = handler_(path, index);
      if (reply.hang) return;
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) +
                        " Test\r\nContent-Length: " + std::to_string(reply.body.size()) +
                        "\r\nContent-Type: application/json\r\n";
      for (const std::string& h : reply.headers) out += h + "\r\n";
      out += "\r\n" + reply.body;
      for (std::size_t sent = 0; sent < out.size();) {
        const ssize_t w = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) return;
        sent += static_cast<std::size_t>(w);
      }
    }
  }

  Handler handler_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  unsigned short port_ = 0;
  std::map<int, std::string> clients_;  // fd -> unparsed input; only the server thread touches it
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace depthrec::transport::test
