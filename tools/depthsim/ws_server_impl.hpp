// websocketpp implementation of WsServer, shared by the plain and TLS translation units.
// Include only from ws_server_plain.cpp / ws_server_tls.cpp: each instantiation costs ~30 s.
#pragma once

#include <websocketpp/server.hpp>

#include <array>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "write_observed_transport.hpp"
#include "ws_server.hpp"

namespace depthsim {

// Lets every websocketpp connection carry the id the exchange knows it by.
struct IdentifiedConnection : websocketpp::connection_base {
  ConnectionId depthsim_id = 0;
};

// A quiet endpoint config: no access/error logging, and a short TLS shutdown wait (the default
// 5 s would make every wss close in a test cost 5 s).
template <typename Base, bool Tls>
struct QuietConfig : Base {
  using type = QuietConfig;
  using base = Base;
  static constexpr bool is_tls = Tls;
  using connection_base = IdentifiedConnection;
  struct transport_config : Base::transport_config {
    static const long timeout_socket_shutdown = 200;
  };
  using transport_type = WriteObservedEndpoint<transport_config>;
  // A client that never answers our close frame costs at most this long at shutdown.
  static const long timeout_close_handshake = 1000;
  static const websocketpp::log::level elog_level = websocketpp::log::elevel::none;
  static const websocketpp::log::level alog_level = websocketpp::log::alevel::none;
};

template <typename Config>
class WsServerImpl final : public WsServer {
 public:
  using Endpoint = websocketpp::server<Config>;
  using ConnectionPtr = typename Endpoint::connection_ptr;
  using MessagePtr = typename Endpoint::message_ptr;
  using Message = typename Config::message_type;

  WsServerImpl(asio::io_context& io, ServerHandler& handler) : handler_(handler) {
    endpoint_.clear_access_channels(websocketpp::log::alevel::all);
    endpoint_.clear_error_channels(websocketpp::log::elevel::all);
    endpoint_.init_asio(&io);
    endpoint_.set_reuse_addr(true);
    using websocketpp::connection_hdl;
    endpoint_.set_validate_handler([this](connection_hdl hdl) { return on_validate(hdl); });
    endpoint_.set_open_handler([this](connection_hdl hdl) { on_open(hdl); });
    endpoint_.set_close_handler([this](connection_hdl hdl) { on_gone(hdl); });
    endpoint_.set_fail_handler([this](connection_hdl hdl) { on_gone(hdl); });
    endpoint_.set_http_handler([this](connection_hdl hdl) { on_http(hdl); });
    endpoint_.set_message_handler([this](connection_hdl hdl, MessagePtr message) {
      const ConnectionId id = id_of(hdl);
      handler_.on_message(id, message->get_payload(),
                          message->get_opcode() == websocketpp::frame::opcode::text);
    });
    endpoint_.set_ping_handler([this](connection_hdl hdl, const std::string&) {
      return handler_.on_client_ping(id_of(hdl));
    });
    endpoint_.set_pong_handler([this](connection_hdl hdl, const std::string& payload) {
      handler_.on_pong(id_of(hdl), payload);
    });
  }

  Endpoint& endpoint() { return endpoint_; }

  std::uint16_t listen(std::uint16_t port) override {
    endpoint_.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    endpoint_.start_accept();
    return endpoint_.get_local_endpoint(ignored_).port();
  }

  void stop_listening() override {
    websocketpp::lib::error_code ec;
    endpoint_.stop_listening(ec);
  }

  bool send(ConnectionId id, FrameType type,
            const std::shared_ptr<const std::string>& payload) override {
    ConnectionPtr connection = find(id);
    if (!connection) return false;
    MessagePtr frame = frame_for(type, payload);
    if (connection->send(frame)) return false;
    unwritten_[id].push_back(std::move(frame));
    return true;
  }

  std::size_t buffered_amount(ConnectionId id) const override {
    auto found = open_.find(id);
    return found == open_.end() ? 0 : found->second->get_buffered_amount();
  }

  void ping(ConnectionId id, const std::string& payload) override {
    if (ConnectionPtr connection = find(id)) {
      websocketpp::lib::error_code ec;
      connection->ping(payload, ec);
    }
  }

  void close(ConnectionId id, std::uint16_t code, const std::string& reason) override {
    if (ConnectionPtr connection = find(id)) {
      websocketpp::lib::error_code ec;
      connection->close(code, reason, ec);
    }
  }

  void drop(ConnectionId id) override {
    if (ConnectionPtr connection = find(id)) {
      auto& socket = connection->get_raw_socket();
      asio::error_code ec;
      socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }
  }

  void reset(ConnectionId id) override {
    ConnectionPtr connection = find(id);
    if (!connection) return;
    auto& socket = connection->get_raw_socket();
    asio::error_code ec;
    // On a plain socket with nothing queued, start a 64-byte text frame and stop halfway, so
    // the peer sees the reset in the middle of a frame. TLS bytes cannot be cut by hand.
    if constexpr (!Config::is_tls) {
      if (connection->get_buffered_amount() == 0) {
        const std::array<char, 34> half_frame{
            '\x81', 64,  '{', '"', 'e', '"', ':', '"', 'd', 'e', 'p', 't', 'h', 'U', 'p', 'd', 'a',
            't',    'e', '"', ',', '"', 'E', '"', ':', '1', '7', '2', '1', '3', '4', '7', '0', '2'};
        asio::write(socket, asio::buffer(half_frame), ec);
      }
    }
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
  }

  void reply_http(ConnectionId id, const HttpReply& reply) override {
    auto found = deferred_.find(id);
    if (found == deferred_.end()) return;
    ConnectionPtr connection = found->second;
    deferred_.erase(found);
    fill_response(*connection, reply);
    websocketpp::lib::error_code ec;
    connection->send_http_response(ec);
  }

 private:
  ConnectionPtr find(ConnectionId id) const {
    auto found = open_.find(id);
    return found == open_.end() ? nullptr : found->second;
  }

  ConnectionId id_of(websocketpp::connection_hdl hdl) {
    ConnectionPtr connection = endpoint_.get_con_from_hdl(hdl, ignored_);
    if (!connection) return 0;
    if (connection->depthsim_id == 0) connection->depthsim_id = next_id_++;
    return connection->depthsim_id;
  }

  // One prepared (already framed) message is reused while the same payload is fanned out.
  MessagePtr frame_for(FrameType type, const std::shared_ptr<const std::string>& payload) {
    if (payload == last_payload_ && type == last_type_ && last_frame_) return last_frame_;
    const auto opcode = type == FrameType::text ? websocketpp::frame::opcode::text
                                                : websocketpp::frame::opcode::binary;
    auto message = std::make_shared<Message>(nullptr, opcode, 0);
    std::string header(1, static_cast<char>(0x80 | opcode));
    const std::uint64_t size = payload->size();
    if (size < 126) {
      header.push_back(static_cast<char>(size));
    } else if (size <= 0xFFFF) {
      header.push_back(static_cast<char>(126));
      for (int shift = 8; shift >= 0; shift -= 8)
        header.push_back(static_cast<char>(size >> shift));
    } else {
      header.push_back(static_cast<char>(127));
      for (int shift = 56; shift >= 0; shift -= 8)
        header.push_back(static_cast<char>(size >> shift));
    }
    message->set_header(header);
    message->set_payload(*payload);
    message->set_prepared(true);
    last_payload_ = payload;
    last_type_ = type;
    last_frame_ = message;
    return message;
  }

  bool on_validate(websocketpp::connection_hdl hdl) {
    const ConnectionId id = id_of(hdl);
    ConnectionPtr connection = endpoint_.get_con_from_hdl(hdl, ignored_);
    if (!connection) return false;
    std::optional<HttpReply> refusal = handler_.validate_upgrade(id, connection->get_resource());
    if (!refusal) {
      const std::chrono::milliseconds hold = handler_.handshake_hold(id);
      if (hold.count() > 0) connection->hold_next_write(hold);
      return true;
    }
    fill_response(*connection, *refusal);
    return false;
  }

  void on_open(websocketpp::connection_hdl hdl) {
    const ConnectionId id = id_of(hdl);
    ConnectionPtr connection = endpoint_.get_con_from_hdl(hdl, ignored_);
    if (!connection) return;
    open_[id] = connection;
    connection->set_write_observer(
        [this, id](const std::vector<websocketpp::transport::buffer>& buffers,
                   std::size_t written) { on_written(id, buffers, written); });
    handler_.on_open(id, connection->get_resource());
  }

  void on_gone(websocketpp::connection_hdl hdl) {
    const ConnectionId id = id_of(hdl);
    auto found = open_.find(id);
    if (found == open_.end()) return;
    const bool writing = found->second->writing();
    open_.erase(found);
    // A write still under way (a failed read ended the connection first) reports how much of it
    // reached the socket before the exchange hears of the close: on_written closes then.
    if (writing) {
      close_after_write_.insert(id);
      return;
    }
    unwritten_.erase(id);  // what was still queued is never delivered
    handler_.on_close(id);
  }

  // A write ended, `written` of its bytes taken by the socket: its buffers are header, payload,
  // header, payload... in queue order, and our frames among them (pings, pongs and close frames
  // are websocketpp's) are the oldest of unwritten_, matched by their payload's address (each
  // is alive until this write ends). A frame is written when its payload's last byte is.
  void on_written(ConnectionId id, const std::vector<websocketpp::transport::buffer>& buffers,
                  std::size_t written) {
    auto found = unwritten_.find(id);
    std::size_t frames = 0;
    std::size_t end = 0;
    for (const websocketpp::transport::buffer& buffer : buffers) {
      end += buffer.len;
      if (end > written || found == unwritten_.end() || found->second.empty()) break;
      if (buffer.buf != found->second.front()->get_payload().data()) continue;
      found->second.pop_front();
      ++frames;
    }
    if (frames > 0) handler_.on_frames_written(id, frames);
    if (close_after_write_.erase(id) > 0) {
      unwritten_.erase(id);
      handler_.on_close(id);
    }
  }

  void on_http(websocketpp::connection_hdl hdl) {
    const ConnectionId id = id_of(hdl);
    ConnectionPtr connection = endpoint_.get_con_from_hdl(hdl, ignored_);
    if (!connection) return;
    std::optional<HttpReply> reply =
        handler_.on_http(id, connection->get_request().get_method(), connection->get_resource());
    if (reply) {
      fill_response(*connection, *reply);
      return;
    }
    if (!connection->defer_http_response()) deferred_[id] = connection;
  }

  template <typename Connection>
  static void fill_response(Connection& connection, const HttpReply& reply) {
    connection.set_status(static_cast<websocketpp::http::status_code::value>(reply.status));
    connection.set_body(reply.body);
    connection.replace_header("Content-Type", reply.content_type);
    for (const auto& [name, value] : reply.headers) connection.replace_header(name, value);
    if (reply.announced_length > reply.body.size()) {
      connection.replace_header("Content-Length", std::to_string(reply.announced_length));
    }
  }

  ServerHandler& handler_;
  Endpoint endpoint_;
  ConnectionId next_id_ = 1;
  std::unordered_map<ConnectionId, ConnectionPtr> open_;
  std::unordered_map<ConnectionId, ConnectionPtr> deferred_;
  // Per open connection, the frames send() queued whose write has not completed, oldest first.
  std::unordered_map<ConnectionId, std::deque<MessagePtr>> unwritten_;
  std::unordered_set<ConnectionId> close_after_write_;  // gone, their last write still ending
  std::shared_ptr<const std::string> last_payload_;
  FrameType last_type_ = FrameType::text;
  MessagePtr last_frame_;
  websocketpp::lib::error_code ignored_;
};

}  // namespace depthsim
