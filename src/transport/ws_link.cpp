// The only translation unit that includes websocketpp (it costs ~35 s to compile).
#include "transport/ws_link.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <type_traits>
#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_client.hpp>
#include <websocketpp/uri.hpp>

namespace depthrec::transport::detail {
namespace {

namespace wpp = websocketpp;

/// websocketpp's defaults, with the timeouts the client needs. Our own connect timer enforces
/// WsClientConfig::connect_timeout, so the connect-phase values here are only backstops.
template <class Base>
struct TunedConfig : Base {
  using type = TunedConfig;
  using base = Base;
  static const long timeout_open_handshake = 60000;
  static const long timeout_close_handshake = 1000;  // stop() must not hang on a silent peer
  // A protocol error (e.g. a message over max_message_bytes) drops the TCP connection at once,
  // which also lets the close handler tell it apart from a close the server started.
  static const bool drop_on_protocol_error = true;
  struct transport_config : Base::transport_config {
    static const long timeout_dns_resolve = 60000;
    static const long timeout_connect = 60000;
    static const long timeout_socket_pre_init = 60000;
    static const long timeout_socket_post_init = 60000;  // TLS handshake
    static const long timeout_socket_shutdown = 500;     // the default 5 s TLS shutdown wait
  };
  using transport_type = wpp::transport::asio::endpoint<transport_config>;
};

using PlainConfig = TunedConfig<wpp::config::asio_client>;
using TlsConfig = TunedConfig<wpp::config::asio_tls_client>;

std::string strip_brackets(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

template <class Config>
class LinkImpl final : public Link {
  using Endpoint = wpp::client<Config>;
  using ConnectionPtr = typename Endpoint::connection_ptr;
  using MessagePtr = typename Endpoint::message_ptr;
  static constexpr bool kTls = std::is_same_v<typename Config::transport_config::socket_type,
                                              wpp::transport::asio::tls_socket::endpoint>;

 public:
  LinkImpl(asio::io_context& io, LinkSettings settings, LinkListener& listener)
      : settings_(std::move(settings)), listener_(listener) {
    endpoint_.clear_access_channels(wpp::log::alevel::all);
    endpoint_.clear_error_channels(wpp::log::elevel::all);
    wpp::lib::error_code ec;
    endpoint_.init_asio(&io, ec);
    init_error_ = ec ? "websocket init failed: " + ec.message() : "";
    endpoint_.set_max_message_size(settings_.max_message_bytes);
    endpoint_.set_user_agent("depthrec");
    host_ = strip_brackets(wpp::uri(settings_.url).get_host());
    if constexpr (kTls) {
      endpoint_.set_tls_init_handler(
          [this](const wpp::connection_hdl&) { return make_tls_context(); });
    }
  }

  std::string connect() override {
    abandon();
    if (!init_error_.empty()) return init_error_;
    // get_connection() already runs the TLS init handler: number the attempt first.
    const std::uint64_t attempt = ++attempt_;
    verify_error_.clear();
    setup_error_.clear();
    wpp::lib::error_code ec;
    ConnectionPtr con = endpoint_.get_connection(settings_.url, ec);
    if (ec) {
      return settings_.url + ": " + (setup_error_.empty() ? ec.message() : setup_error_);
    }
    con->set_open_handler(
        [this, attempt](const wpp::connection_hdl& hdl) { on_open(attempt, hdl); });
    con->set_fail_handler([this, attempt](const wpp::connection_hdl&) {
      if (attempt == attempt_) listener_.link_failed(describe_failure());
    });
    con->set_close_handler([this, attempt](const wpp::connection_hdl&) {
      if (attempt == attempt_) listener_.link_closed(describe_close());
    });
    con->set_message_handler([this, attempt](const wpp::connection_hdl&, const MessagePtr& msg) {
      if (attempt != attempt_) return;
      const std::string& payload = msg->get_payload();
      listener_.link_frame(std::string_view(payload),
                           msg->get_opcode() == wpp::frame::opcode::binary);
    });
    con->set_ping_handler([this, attempt](const wpp::connection_hdl&, const std::string&) {
      if (attempt == attempt_) listener_.link_ping();
      return true;  // websocketpp answers with a pong echoing the payload
    });
    connection_ = con;
    endpoint_.connect(con);
    return {};
  }

  bool send_text(const std::string& text) override {
    if (!connection_ || connection_->get_state() != wpp::session::state::open) return false;
    return !connection_->send(text, wpp::frame::opcode::text);
  }

  bool close(int code, const std::string& reason) override {
    if (!connection_) return false;
    wpp::lib::error_code ec;
    connection_->close(static_cast<wpp::close::status::value>(code), reason, ec);
    return !ec;
  }

  void abandon() override {
    ++attempt_;  // late events of the old attempt no longer match
    if (!connection_) return;
    wpp::lib::asio::error_code ec;
    connection_->get_raw_socket().close(ec);  // pending socket operations end with an error
    connection_.reset();
  }

 private:
  void on_open(std::uint64_t attempt, wpp::connection_hdl hdl) {
    if (attempt == attempt_) {
      listener_.link_open();
      return;
    }
    // An abandoned attempt that connected after all: it must not linger on the server.
    wpp::lib::error_code ec;
    ConnectionPtr late = endpoint_.get_con_from_hdl(hdl, ec);
    if (!ec && late) late->close(wpp::close::status::going_away, "abandoned attempt", ec);
  }

  std::shared_ptr<asio::ssl::context> make_tls_context() {
    try {
      auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
      ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      if (!settings_.verify_peer) {
        ctx->set_verify_mode(asio::ssl::verify_none);
        return ctx;
      }
      ctx->set_verify_mode(asio::ssl::verify_peer);
      ctx->set_default_verify_paths();
      if (!settings_.ca_file.empty()) {
        asio::error_code ec;
        ctx->load_verify_file(settings_.ca_file, ec);
        if (ec) {
          setup_error_ = "cannot load CA file '" + settings_.ca_file + "': " + ec.message();
          return nullptr;
        }
      }
      // OpenSSL checks the name (or IP) against the certificate during the handshake; the
      // parameters on the context are copied into the connection's SSL object.
      X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx->native_handle());
      asio::error_code ip_ec;
      asio::ip::make_address(host_, ip_ec);
      const int ok = ip_ec ? X509_VERIFY_PARAM_set1_host(param, host_.c_str(), host_.size())
                           : X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str());
      if (ok != 1) {
        setup_error_ = "cannot set the TLS host name '" + host_ + "'";
        return nullptr;
      }
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      const std::uint64_t attempt = attempt_;
      ctx->set_verify_callback([this, attempt](bool preverified, asio::ssl::verify_context& vc) {
        if (!preverified && attempt == attempt_ && verify_error_.empty()) {
          verify_error_ =
              X509_verify_cert_error_string(X509_STORE_CTX_get_error(vc.native_handle()));
        }
        return preverified;
      });
      return ctx;
    } catch (const std::exception& e) {
      setup_error_ = std::string("TLS setup failed: ") + e.what();
      return nullptr;
    }
  }

  static bool is_catch_all(const wpp::lib::error_code& ec) {
    return ec == wpp::transport::error::make_error_code(wpp::transport::error::pass_through) ||
           ec == wpp::transport::error::make_error_code(wpp::transport::error::tls_error);
  }

  std::string describe_failure() const {
    std::string what;
    if (!setup_error_.empty()) {
      what = setup_error_;
    } else if (!verify_error_.empty()) {
      what = "certificate verify failed: " + verify_error_;
    } else if (connection_) {
      const auto status = connection_->get_response_code();
      const auto transport_ec = connection_->get_transport_ec();
      if (status != 0 && status != wpp::http::status_code::switching_protocols) {
        what = "HTTP upgrade refused: " + std::to_string(static_cast<int>(status)) + " " +
               connection_->get_response_msg();
      } else if (const auto ec = connection_->get_ec(); ec && !is_catch_all(ec)) {
        // The step that failed (DNS, TCP connect, TLS handshake, timeout). After a failed
        // connect the transport error is only the TLS shutdown's ("uninitialized"): it would
        // hide the cause, e.g. "Connection refused".
        what = ec.message();
      } else if (transport_ec) {
        what = transport_ec.message();
      } else {
        what = connection_->get_ec().message();
      }
    } else {
      what = "connection failed";
    }
    return settings_.url + ": " + what;
  }

  LinkClose describe_close() const {
    LinkClose out;
    if (!connection_) return out;
    const auto remote = connection_->get_remote_close_code();
    out.remote_close_frame = remote != wpp::close::status::abnormal_close;
    out.remote_code = out.remote_close_frame ? static_cast<int>(remote) : 0;
    out.remote_reason = connection_->get_remote_close_reason();
    const auto transport_ec = connection_->get_transport_ec();
    const auto ec = connection_->get_ec();
    if (transport_ec) {
      out.error = transport_ec.message();
      out.tls_error = transport_ec.category() == asio::error::get_ssl_category() ||
                      transport_ec.category() == asio::ssl::error::get_stream_category();
    } else if (ec) {
      out.error = ec.message();
    } else {
      out.error = "connection closed without a close frame";
    }
    return out;
  }

  LinkSettings settings_;
  LinkListener& listener_;
  Endpoint endpoint_;
  ConnectionPtr connection_;
  std::uint64_t attempt_ = 0;
  std::string host_;
  std::string init_error_;
  std::string verify_error_;  // the first certificate problem OpenSSL reported
  std::string setup_error_;   // the TLS context could not be built
};

}  // namespace

std::string check_ws_url(const std::string& url) {
  const wpp::uri parsed(url);
  if (!parsed.get_valid()) return "invalid WebSocket URL '" + url + "'";
  const std::string& scheme = parsed.get_scheme();
  if (scheme != "ws" && scheme != "wss") {
    return "unsupported URL scheme '" + scheme + "' in '" + url + "' (want ws or wss)";
  }
  return {};
}

std::unique_ptr<Link> make_link(asio::io_context& io, const LinkSettings& settings,
                                LinkListener& listener) {
  if (wpp::uri(settings.url).get_secure()) {
    return std::make_unique<LinkImpl<TlsConfig>>(io, settings, listener);
  }
  return std::make_unique<LinkImpl<PlainConfig>>(io, settings, listener);
}

}  // namespace depthrec::transport::detail
