#pragma once
// An in-test websocketpp server (plain or TLS) on 127.0.0.1, port chosen by the OS, running on
// its own thread. Each test decides what the server does when a client connects.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include <websocketpp/config/asio.hpp>
#include <websocketpp/server.hpp>

namespace depthrec::transport::test {

/// Short TLS shutdown so closes do not cost websocketpp's default 5 s.
template <class Base>
struct QuickServerConfig : Base {
  typedef QuickServerConfig type;
  typedef Base base;
  static const long timeout_close_handshake = 1000;
  struct transport_config : Base::transport_config {
    static const long timeout_socket_shutdown = 300;
  };
  typedef websocketpp::transport::asio::endpoint<transport_config> transport_type;
};
using PlainServerConfig = QuickServerConfig<websocketpp::config::asio>;
using TlsServerConfig = QuickServerConfig<websocketpp::config::asio_tls>;

template <class Config>
class WsTestServer {
 public:
  using Server = websocketpp::server<Config>;
  using Hdl = websocketpp::connection_hdl;
  using OpenAction = std::function<void(Server&, Hdl)>;

  struct Tls {
    std::string cert_file, key_file;
  };

  /// `accept(n)` decides whether the n-th (1-based) WebSocket handshake is accepted (HTTP 403
  /// when not); empty accepts every one.
  explicit WsTestServer(OpenAction on_open, Tls tls = {}, std::function<bool(int)> accept = {})
      : on_open_(std::move(on_open)), tls_(std::move(tls)), accept_(std::move(accept)) {
    server_.clear_access_channels(websocketpp::log::alevel::all);
    server_.clear_error_channels(websocketpp::log::elevel::all);
    server_.init_asio();
    server_.set_reuse_addr(true);
    server_.set_validate_handler([this](Hdl) { return !accept_ || accept_(++handshakes_); });
    server_.set_open_handler([this](Hdl hdl) {
      opens_.fetch_add(1);
      notify();
      if (on_open_) on_open_(server_, hdl);
    });
    server_.set_message_handler([this](Hdl, typename Server::message_ptr msg) {
      std::lock_guard lock(mutex_);
      messages_.push_back(msg->get_payload());
      cv_.notify_all();
    });
    server_.set_pong_handler([this](Hdl, std::string payload) {
      std::lock_guard lock(mutex_);
      pongs_.push_back(payload);
      cv_.notify_all();
    });
    server_.set_close_handler([this](Hdl hdl) {
      auto con = server_.get_con_from_hdl(hdl);
      std::lock_guard lock(mutex_);
      close_codes_.push_back(con->get_remote_close_code());
      cv_.notify_all();
    });
    if constexpr (std::is_same_v<Config, TlsServerConfig>) {
      server_.set_tls_init_handler([this](Hdl) {
        auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
        ctx->use_certificate_chain_file(tls_.cert_file);
        ctx->use_private_key_file(tls_.key_file, asio::ssl::context::pem);
        return ctx;
      });
    }
    server_.listen(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    server_.start_accept();
    asio::error_code ec;
    port_ = server_.get_local_endpoint(ec).port();
    thread_ = std::thread([this] { server_.run(); });
  }

  ~WsTestServer() {
    server_.stop();
    thread_.join();
  }

  unsigned short port() const { return port_; }
  int opens() const { return opens_.load(); }

  /// Waits (bounded) until pred() holds; pred reads the recorded messages/pongs/close codes.
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return pred(); });
  }
  const std::vector<std::string>& messages() const { return messages_; }  // under wait_for only
  const std::vector<std::string>& pongs() const { return pongs_; }
  const std::vector<int>& close_codes() const { return close_codes_; }

 private:
  void notify() {
    std::lock_guard lock(mutex_);
    cv_.notify_all();
  }

  OpenAction on_open_;
  Tls tls_;
  std::function<bool(int)> accept_;
  int handshakes_ = 0;  // server thread only
  Server server_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<int> opens_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> messages_, pongs_;
  std::vector<int> close_codes_;
};

}  // namespace depthrec::transport::test
