// The only translation unit that includes websocketpp (it costs ~35 s to compile).
#include "transport/ws_link.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <asio/post.hpp>
#include <cctype>
#include <cstring>
#include <sstream>
#include <type_traits>
#include <websocketpp/client.hpp>
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/asio_client.hpp>
#include <websocketpp/uri.hpp>

#include "depthrec/peer_text.hpp"
#include "transport/recycled_message_manager.hpp"

namespace depthrec::transport::detail {
namespace {

namespace wpp = websocketpp;

/// Every connection counts the messages in its send queue (write_push/write_pop below):
/// websocketpp's buffered amount counts payload bytes only, so a flood of empty pings would
/// queue empty pongs (a few hundred bytes of memory each) without the amount ever growing.
struct CountedSendQueue : wpp::connection_base {
  std::size_t queued_messages = 0;
};

/// Memory a queued message costs beyond its payload (message object, header, queue slot),
/// measured roughly; it makes the send-queue bound a bound on memory.
constexpr std::size_t kQueuedMessageCost = 256;

/// websocketpp's defaults, with the timeouts the client needs. Our own connect timer enforces
/// WsClientConfig::connect_timeout, so the connect-phase values here are only backstops.
///
/// Single-threaded policies: a Link lives on the network thread alone (WsClient's post() and
/// stop() go through asio::post), so websocketpp needs neither its per-connection strand nor its
/// mutexes. Measured at 100 events/s, where each frame starts cold, the strand dispatch and
/// the locks were a visible share of the network thread's CPU per frame.
template <class Base>
struct TunedConfig : Base {
  using type = TunedConfig;
  using base = Base;
  using concurrency_type = wpp::concurrency::none;
  using elog_type = wpp::log::basic<concurrency_type, wpp::log::elevel>;
  using alog_type = wpp::log::basic<concurrency_type, wpp::log::alevel>;
  using rng_type = wpp::random::random_device::int_generator<std::uint32_t, concurrency_type>;
  using connection_base = CountedSendQueue;
  // One message reused per connection instead of one allocated per frame
  // (recycled_message_manager.hpp).
  using message_type = wpp::message_buffer::message<RecycledMessageManager>;
  using con_msg_manager_type = RecycledMessageManager<message_type>;
  using endpoint_msg_manager_type = RecycledEndpointMessageManager<con_msg_manager_type>;
  static const bool enable_multithreading = false;
  static const long timeout_open_handshake = 60000;
  static const long timeout_close_handshake = 1000;  // stop() must not hang on a silent peer
  // A protocol error (e.g. a message over max_message_bytes) drops the TCP connection at once,
  // which also lets the close handler tell it apart from a close the server started.
  static const bool drop_on_protocol_error = true;
  struct transport_config : Base::transport_config {
    using concurrency_type = type::concurrency_type;
    using elog_type = type::elog_type;
    using alog_type = type::alog_type;
    static const bool enable_multithreading = false;
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

/// True when every byte is below 0x80 (read 8 bytes at a time).
bool is_ascii(const std::uint8_t* data, std::size_t size) {
  std::uint64_t high_bits = 0;
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    high_bits |= word;
  }
  for (; i < size; ++i) high_bits |= data[i];
  return (high_bits & 0x8080808080808080ULL) == 0;
}

/// websocketpp's hybi13 process_payload_bytes (unmask, inflate or copy, validate UTF-8), with
/// one change: RFC 6455 requires text frames to be valid UTF-8, and websocketpp checks it by
/// running every byte through its UTF-8 state machine (~20 instructions a byte: 16 % of the
/// recorder's instructions per event at 100 events/s). Exchange frames are ASCII, and ASCII
/// bytes read from the accept state (a complete code point so far) leave it there, so a chunk
/// that is all ASCII from that state skips the state machine; any other chunk goes through it,
/// and invalid UTF-8 still fails the connection.
template <class Message, class Deflate>
std::size_t append_payload(const wpp::frame::basic_header& header, Message& message,
                           Deflate& deflate, std::size_t& bytes_needed, std::uint8_t* buf,
                           std::size_t len, wpp::lib::error_code& ec) {
  if (wpp::frame::get_masked(header))
    message.prepared_key = wpp::frame::byte_mask_circ(buf, len, message.prepared_key);
  std::string& out = message.msg_ptr->get_raw_payload();
  const std::size_t offset = out.size();
  if (deflate.is_enabled() && message.msg_ptr->get_compressed()) {
    ec = deflate.decompress(buf, len, out);
    if (ec) return 0;
  } else {
    out.append(reinterpret_cast<char*>(buf), len);
  }
  if (message.msg_ptr->get_opcode() == wpp::frame::opcode::TEXT) {
    const auto* added = reinterpret_cast<const std::uint8_t*>(out.data()) + offset;
    const bool skip = message.validator.complete() && is_ascii(added, out.size() - offset);
    if (!skip &&
        !message.validator.decode(out.begin() + static_cast<std::ptrdiff_t>(offset), out.end())) {
      ec = wpp::processor::error::make_error_code(wpp::processor::error::invalid_utf8);
      return 0;
    }
  }
  bytes_needed -= len;
  return len;
}

/// websocketpp's connection::write_push / write_pop, plus the message count of CountedSendQueue.
template <class Message, class Queue>
void push_counted(Message msg, Queue& queue, std::size_t& buffered, std::size_t& queued) {
  if (!msg) return;
  buffered += msg->get_payload().size();
  queue.push(std::move(msg));
  ++queued;
}
template <class Queue>
typename Queue::value_type pop_counted(Queue& queue, std::size_t& buffered, std::size_t& queued) {
  if (queue.empty()) return {};
  typename Queue::value_type msg = queue.front();
  buffered -= msg->get_payload().size();
  queue.pop();
  --queued;
  return msg;
}

}  // namespace
}  // namespace depthrec::transport::detail

// Explicit specialisations of members for our two configs (see append_payload, push_counted),
// declared before LinkImpl uses the configs, as an explicit specialisation must precede any use.
namespace websocketpp {
template <>
void connection<depthrec::transport::detail::PlainConfig>::write_push(message_ptr msg) {
  depthrec::transport::detail::push_counted(std::move(msg), m_send_queue, m_send_buffer_size,
                                            queued_messages);
}
template <>
connection<depthrec::transport::detail::PlainConfig>::message_ptr
connection<depthrec::transport::detail::PlainConfig>::write_pop() {
  return depthrec::transport::detail::pop_counted(m_send_queue, m_send_buffer_size,
                                                  queued_messages);
}
template <>
void connection<depthrec::transport::detail::TlsConfig>::write_push(message_ptr msg) {
  depthrec::transport::detail::push_counted(std::move(msg), m_send_queue, m_send_buffer_size,
                                            queued_messages);
}
template <>
connection<depthrec::transport::detail::TlsConfig>::message_ptr
connection<depthrec::transport::detail::TlsConfig>::write_pop() {
  return depthrec::transport::detail::pop_counted(m_send_queue, m_send_buffer_size,
                                                  queued_messages);
}
}  // namespace websocketpp

// websocketpp's read loop binds its read handler (a std::function of 32 bytes: allocated) into
// another bind for handle_async_read, copies it into websocketpp's custom_alloc_handler, and again
// into handle_async_read's by-value parameter: a malloc/free pair per copy, for every read. Here
// the handler is moved all the way (asio 1.22 allocates the operation from its thread-local
// recycling cache). Single-threaded configs only: no strand to wrap the handler in.
namespace depthrec::transport::detail {
namespace {
/// The read of both configs' async_read_at_least below: `on_read` is the connection's own
/// (private) handle_async_read, which takes the handler by value: it is moved in.
template <class Connection, class Socket, class Handler, class OnRead>
void read_at_least_moving(Socket& socket, std::shared_ptr<Connection> self, OnRead on_read,
                          std::size_t num_bytes, char* buf, std::size_t len, Handler handler) {
  ::asio::async_read(socket, ::asio::buffer(buf, len), ::asio::transfer_at_least(num_bytes),
                     [self = std::move(self), on_read, handler = std::move(handler)](
                         const ::asio::error_code& ec, std::size_t bytes) mutable {
                       ((*self).*on_read)(std::move(handler), ec, bytes);
                     });
}
}  // namespace
}  // namespace depthrec::transport::detail

namespace websocketpp::transport::asio {
template <>
void connection<depthrec::transport::detail::PlainConfig::transport_config>::async_read_at_least(
    size_t num_bytes, char* buf, size_t len, read_handler handler) {
  depthrec::transport::detail::read_at_least_moving(socket_con_type::get_socket(), get_shared(),
                                                    &type::handle_async_read, num_bytes, buf, len,
                                                    std::move(handler));
}
template <>
void connection<depthrec::transport::detail::TlsConfig::transport_config>::async_read_at_least(
    size_t num_bytes, char* buf, size_t len, read_handler handler) {
  depthrec::transport::detail::read_at_least_moving(socket_con_type::get_socket(), get_shared(),
                                                    &type::handle_async_read, num_bytes, buf, len,
                                                    std::move(handler));
}
}  // namespace websocketpp::transport::asio

namespace websocketpp::processor {
template <>
std::size_t hybi13<depthrec::transport::detail::PlainConfig>::process_payload_bytes(
    std::uint8_t* buf, std::size_t len, lib::error_code& ec) {
  return depthrec::transport::detail::append_payload(
      m_basic_header, *m_current_msg, m_permessage_deflate, m_bytes_needed, buf, len, ec);
}
template <>
std::size_t hybi13<depthrec::transport::detail::TlsConfig>::process_payload_bytes(
    std::uint8_t* buf, std::size_t len, lib::error_code& ec) {
  return depthrec::transport::detail::append_payload(
      m_basic_header, *m_current_msg, m_permessage_deflate, m_bytes_needed, buf, len, ec);
}
}  // namespace websocketpp::processor

namespace depthrec::transport::detail {
namespace {

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
    // websocketpp's error log is the only place some failures are described (an unreadable
    // HTTP upgrade response is reported as "Generic error"): kept, to quote in the failure.
    endpoint_.set_error_channels(wpp::log::elevel::rerror | wpp::log::elevel::fatal);
    endpoint_.get_elog().set_ostream(&library_errors_);
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

  void set_url(const std::string& url) override { settings_.url = url; }

  std::string connect() override {
    abandon();
    if (!init_error_.empty()) return init_error_;
    // get_connection() already runs the TLS init handler: number the attempt first.
    const std::uint64_t attempt = ++attempt_;
    verify_error_.clear();
    setup_error_.clear();
    send_queue_error_.clear();
    library_errors_.str({});
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
      if (attempt != attempt_) return false;
      if (!send_queue_fits()) return false;  // no pong: the connection is being cut
      listener_.link_ping();
      return true;  // websocketpp answers with a pong echoing the payload
    });
    connection_ = con;
    endpoint_.connect(con);
    return {};
  }

  bool send_text(const std::string& text) override {
    if (!connection_ || connection_->get_state() != wpp::session::state::open) return false;
    if (!send_queue_fits()) return false;
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
  /// False once the unsent data (and the memory of its queued messages) passed the bound: a
  /// peer that does not read what we send (pongs to its ping flood) gets the connection cut,
  /// outside the handler that noticed it, and reported as send_queue_full.
  bool send_queue_fits() {
    if (!send_queue_error_.empty()) return false;
    if (settings_.max_send_queue_bytes == 0 || !connection_) return true;
    const std::size_t queued = connection_->queued_messages;
    const std::size_t cost = connection_->get_buffered_amount() + queued * kQueuedMessageCost;
    if (cost <= settings_.max_send_queue_bytes) return true;
    send_queue_error_ = "the peer does not read: " + std::to_string(queued) +
                        " messages unsent (~" + std::to_string(cost) + " bytes, limit " +
                        std::to_string(settings_.max_send_queue_bytes) + ")";
    asio::post(endpoint_.get_io_service(), [this, attempt = attempt_] {
      if (attempt != attempt_ || !connection_) return;
      connection_->terminate(wpp::lib::error_code());
    });
    return false;
  }

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
      const auto ec = connection_->get_ec();
      if (status != 0 && status != wpp::http::status_code::switching_protocols) {
        what = "HTTP upgrade refused: " + std::to_string(static_cast<int>(status)) + " " +
               peer_text(connection_->get_response_msg(), 80);
      } else if (ec == wpp::processor::error::make_error_code(
                           wpp::processor::error::missing_required_header)) {
        what = describe_bad_upgrade();
      } else if (ec == wpp::error::make_error_code(wpp::error::general) &&
                 !last_library_error().empty()) {
        // e.g. "Maximum header size exceeded." for an upgrade response header over 16000 bytes.
        what = "unreadable HTTP upgrade response: " + peer_text(last_library_error());
      } else if (ec && !is_catch_all(ec)) {
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

  /// websocketpp reports every invalid 101 answer as "A required HTTP header is missing": say
  /// which header is missing or wrong (the accept key is checked last).
  std::string describe_bad_upgrade() const {
    const auto& response = connection_->get_response();
    const auto lacks = [&](const char* name, const char* token) {
      std::string value = response.get_header(name);
      for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return value.find(token) == std::string::npos;
    };
    if (lacks("Upgrade", "websocket"))
      return "the HTTP upgrade response has no 'Upgrade: websocket' header";
    if (lacks("Connection", "upgrade"))
      return "the HTTP upgrade response has no 'Connection: Upgrade' header";
    const std::string& accept = response.get_header("Sec-WebSocket-Accept");
    if (accept.empty()) return "the HTTP upgrade response has no Sec-WebSocket-Accept header";
    return "the server's Sec-WebSocket-Accept '" + peer_text(accept, 64) +
           "' does not match the key sent (not a WebSocket server, or a broken proxy)";
  }

  /// The last line websocketpp wrote to its error log in this attempt, without its prefix.
  std::string last_library_error() const {
    std::string text = library_errors_.str();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    text = text.substr(text.rfind('\n') + 1);
    const std::size_t prefix = text.find("] [");  // "[time] [error] message"
    if (prefix != std::string::npos) text = text.substr(text.find("] ", prefix + 3) + 2);
    const std::size_t colon = text.find(": ");  // "error in handle_read_http_response: ..."
    return colon == std::string::npos ? text : text.substr(colon + 2);
  }

  LinkClose describe_close() const {
    LinkClose out;
    if (!connection_) return out;
    if (!send_queue_error_.empty()) {
      out.send_queue_full = true;
      out.error = send_queue_error_;
      return out;
    }
    const auto remote = connection_->get_remote_close_code();
    out.remote_close_frame = remote != wpp::close::status::abnormal_close;
    out.remote_code = out.remote_close_frame ? static_cast<int>(remote) : 0;
    out.remote_reason = connection_->get_remote_close_reason();
    const auto transport_ec = connection_->get_transport_ec();
    const auto ec = connection_->get_ec();
    // A protocol violation this side found (invalid UTF-8, a bad frame) is why the connection
    // ended: what the transport reports after it (e.g. the peer's data after our TLS close_notify,
    // "application data after close notify") is a consequence and must not take its place.
    const bool failed_protocol =
        ec && ec.category() == wpp::processor::error::get_processor_category();
    if (transport_ec && !failed_protocol) {
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
  std::ostringstream library_errors_;  // websocketpp's error log of the current attempt
  Endpoint endpoint_;                  // after library_errors_: it logs there until destroyed
  ConnectionPtr connection_;
  std::uint64_t attempt_ = 0;
  std::string host_;
  std::string init_error_;
  std::string verify_error_;      // the first certificate problem OpenSSL reported
  std::string setup_error_;       // the TLS context could not be built
  std::string send_queue_error_;  // set when the send queue passed its bound
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
