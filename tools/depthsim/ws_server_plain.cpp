// The plain ws:// / http:// server (--no-tls).
#include <websocketpp/config/asio_no_tls.hpp>

#include "ws_server_impl.hpp"

namespace depthsim {

std::unique_ptr<WsServer> make_plain_server(asio::io_context& io, ServerHandler& handler) {
  return std::make_unique<WsServerImpl<QuietConfig<websocketpp::config::asio, false>>>(io, handler);
}

}  // namespace depthsim
