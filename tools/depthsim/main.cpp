// depthsim: a Binance-compatible depth stream simulator on 127.0.0.1 (see README.md).
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

#include "exchange.hpp"
#include "sim_options.hpp"
#include "tls_identity.hpp"

namespace {

bool write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

int run(const depthsim::SimOptions& options) {
  asio::io_context io;
  depthsim::Exchange exchange(io, options);
  std::unique_ptr<depthsim::WsServer> server;
  if (options.tls) {
    const depthsim::TlsIdentity identity =
        options.cert_file.empty() ? depthsim::generate_self_signed_identity()
                                  : depthsim::load_identity(options.cert_file, options.key_file);
    if (!options.cert_out.empty() && !write_text_file(options.cert_out, identity.certificate_pem)) {
      std::cerr << "depthsim: cannot write " << options.cert_out << "\n";
      return 1;
    }
    server = depthsim::make_tls_server(io, exchange, identity);
  } else {
    server = depthsim::make_plain_server(io, exchange);
  }
  exchange.attach(*server);
  const std::uint16_t port = server->listen(options.port);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&exchange](const asio::error_code& error, int) {
    if (!error) exchange.shutdown();
  });
  exchange.set_on_shutdown([&signals] {
    asio::error_code ignored;
    signals.cancel(ignored);
  });
  exchange.start();
  // The port file is written before the announcement so a reader of either can connect.
  if (!options.port_file.empty() &&
      !write_text_file(options.port_file, std::to_string(port) + "\n")) {
    std::cerr << "depthsim: cannot write " << options.port_file << "\n";
    return 1;
  }
  std::cout << "depthsim listening port=" << port << " tls=" << (options.tls ? 1 : 0) << std::endl;
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string message;
  int exit_code = 0;
  const std::optional<depthsim::SimOptions> options =
      depthsim::parse_command_line(argc, argv, message, exit_code);
  if (!options) {
    (exit_code == 0 ? std::cout : std::cerr) << message;
    return exit_code;
  }
  try {
    return run(*options);
  } catch (const std::exception& error) {
    std::cerr << "depthsim: " << error.what() << "\n";
    return 1;
  }
}
