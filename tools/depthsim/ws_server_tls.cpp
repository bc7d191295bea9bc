// The wss:// / https:// server: one shared TLS context built from the PEM identity.
#include <websocketpp/config/asio.hpp>

#include "ws_server_impl.hpp"

namespace depthsim {

std::unique_ptr<WsServer> make_tls_server(asio::io_context& io, ServerHandler& handler,
                                          const TlsIdentity& identity) {
  using Config = QuietConfig<websocketpp::config::asio_tls, true>;
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::single_dh_use);
  context->use_certificate_chain(asio::buffer(identity.certificate_pem));
  context->use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
  auto server = std::make_unique<WsServerImpl<Config>>(io, handler);
  server->endpoint().set_tls_init_handler(
      [context](const websocketpp::connection_hdl&) { return context; });
  return server;
}

}  // namespace depthsim
