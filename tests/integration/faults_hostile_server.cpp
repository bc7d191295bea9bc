#include "faults_hostile_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <stdexcept>
#include <websocketpp/base64/base64.hpp>
#include <websocketpp/sha1/sha1.hpp>

namespace itest {
namespace {

constexpr std::size_t kMaxRequestHead = 64 * 1024;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The value of header `name` (case-insensitive) in an HTTP head; empty when absent.
std::string header_value(const std::string& head, const std::string& name) {
  const std::string lowered = lower(head);
  const std::size_t at = lowered.find("\r\n" + lower(name) + ":");
  if (at == std::string::npos) return {};
  std::size_t start = at + 3 + name.size();
  const std::size_t end = head.find("\r\n", start);
  while (start < end && head[start] == ' ') ++start;
  return head.substr(start, end - start);
}

}  // namespace

std::string websocket_accept(const std::string& key) {
  const std::string text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char hash[20];
  websocketpp::sha1::calc(text.data(), text.size(), hash);
  return websocketpp::base64_encode(hash, sizeof hash);
}

bool HostileServer::Peer::send(std::string_view bytes) {
  while (!bytes.empty()) {
    if (stopping()) return false;
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 100) <= 0) continue;  // re-check stopping while the peer does not read
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent <= 0) {
      if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool HostileServer::Peer::upgrade(const std::string& accept) {
  return send(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      (accept.empty() ? websocket_accept(request_.websocket_key) : accept) + "\r\n\r\n");
}

bool HostileServer::Peer::send_frame(std::uint8_t opcode, std::string_view payload) {
  std::string frame(1, static_cast<char>(0x80 | opcode));
  const std::uint64_t size = payload.size();
  if (size < 126) {
    frame.push_back(static_cast<char>(size));
  } else if (size <= 0xFFFF) {
    frame.push_back(static_cast<char>(126));
    for (int shift = 8; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(size >> shift));
  } else {
    frame.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(size >> shift));
  }
  frame.append(payload);
  return send(frame);
}

bool HostileServer::Peer::send_close(std::uint16_t code, std::string_view reason) {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  payload.append(reason);
  return send_frame(0x8, payload);
}

bool HostileServer::Peer::send_http(int status, std::string_view body) {
  return send("HTTP/1.1 " + std::to_string(status) +
              " Hostile\r\nContent-Type: application/json\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + std::string(body));
}

bool HostileServer::Peer::wait_peer_closed(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buffer[4096];
  while (!stopping() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return true;
  }
  return false;
}

bool HostileServer::Peer::read_request() {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (head.size() > kMaxRequestHead || stopping()) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    head.append(buffer, static_cast<std::size_t>(got));
  }
  request_.head = head.substr(0, head.find("\r\n\r\n") + 2);
  const std::size_t space = head.find(' ');
  request_.target = head.substr(space + 1, head.find(' ', space + 1) - space - 1);
  request_.websocket_key = header_value(request_.head, "Sec-WebSocket-Key");
  return true;
}

HostileServer::HostileServer(Script script, int receive_buffer_bytes)
    : script_(std::move(script)), receive_buffer_bytes_(receive_buffer_bytes) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket failed");
  if (receive_buffer_bytes_ > 0) {
    // Set before listen(): accepted sockets inherit it, and the window is sized from it.
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes_,
                 sizeof receive_buffer_bytes_);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

HostileServer::~HostileServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int fd : peer_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& thread : threads_) thread.join();
  for (int fd : peer_fds_) ::close(fd);
  ::close(listen_fd_);
}

std::string HostileServer::ws_endpoint() const {
  return "ws://127.0.0.1:" + std::to_string(port_);
}

std::string HostileServer::http_endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void HostileServer::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    std::lock_guard<std::mutex> lock(mutex_);
    peer_fds_.push_back(fd);
    threads_.emplace_back([this, fd] {
      Peer peer(fd, stopping_);
      if (peer.read_request()) script_(peer);
      ::shutdown(fd, SHUT_RDWR);  // closed (released) by the destructor, after the join
    });
  }
}

}  // namespace itest
