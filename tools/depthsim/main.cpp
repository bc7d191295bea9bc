// depthsim: a Binance-compatible depth stream simulator on 127.0.0.1 (see README.md).
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

#include "exchange.hpp"
#include "rest_weight_budget.hpp"
#include "sim_options.hpp"
#include "tls_identity.hpp"

namespace {

bool write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out.flush());
}

// One market served: its exchange and its listener (Binance has a host per market).
struct MarketListener {
  depthsim::Market market;
  std::unique_ptr<depthsim::Exchange> exchange;
  std::unique_ptr<depthsim::WsServer> server;
  std::uint16_t port = 0;
};

int run(const depthsim::SimOptions& options) {
  asio::io_context io;
  std::optional<depthsim::TlsIdentity> identity;
  if (options.tls) {
    identity = options.cert_file.empty()
                   ? depthsim::generate_self_signed_identity()
                   : depthsim::load_identity(options.cert_file, options.key_file);
    if (!options.cert_out.empty() &&
        !write_text_file(options.cert_out, identity->certificate_pem)) {
      std::cerr << "depthsim: cannot write " << options.cert_out << "\n";
      return 1;
    }
  }
  // USD-M and COIN-M spend one REST weight budget per IP since 2026; spot has its own.
  const auto futures_budget = std::make_shared<depthsim::RestWeightBudget>(
      static_cast<std::uint64_t>(options.rest_weight_futures),
      std::chrono::milliseconds(options.rest_weight_window_ms));
  std::vector<MarketListener> listeners;
  for (std::size_t i = 0; i < options.markets.size(); ++i) {
    MarketListener listener;
    listener.market = options.markets[i].market;
    listener.exchange = std::make_unique<depthsim::Exchange>(
        io, depthsim::options_for_market(options, i),
        depthsim::is_futures(listener.market) ? futures_budget : nullptr);
    listener.server = identity ? depthsim::make_tls_server(io, *listener.exchange, *identity)
                               : depthsim::make_plain_server(io, *listener.exchange);
    listener.exchange->attach(*listener.server);
    // --port is the first market's; the others' are picked by the OS.
    listener.port = listener.server->listen(i == 0 ? options.port : 0);
    listeners.push_back(std::move(listener));
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&listeners](const asio::error_code& error, int) {
    if (error) return;
    for (MarketListener& listener : listeners) listener.exchange->shutdown();
  });
  // Any exchange shutting down (a signal, --exit-after-sec) shuts the process down.
  for (MarketListener& listener : listeners) {
    listener.exchange->set_on_shutdown([&signals, &listeners, &io] {
      asio::post(io, [&signals, &listeners] {
        asio::error_code ignored;
        signals.cancel(ignored);
        for (MarketListener& other : listeners) other.exchange->shutdown();
      });
    });
    listener.exchange->start();
  }
  // Port file: the first market's port alone on the first line (all a single-market run writes,
  // what its readers take), then with several markets "<market> <port>" per market. Written
  // before the announcement so a reader of either can connect.
  std::string port_text = std::to_string(listeners.front().port) + "\n";
  std::string announced;
  for (const MarketListener& listener : listeners) {
    if (listeners.size() > 1) {
      port_text += std::string(depthsim::market_name(listener.market)) + " " +
                   std::to_string(listener.port) + "\n";
    }
    announced += " " + std::string(depthsim::market_name(listener.market)) + "=" +
                 std::to_string(listener.port);
  }
  if (!options.port_file.empty() && !write_text_file(options.port_file, port_text)) {
    std::cerr << "depthsim: cannot write " << options.port_file << "\n";
    return 1;
  }
  std::cout << "depthsim listening port=" << listeners.front().port
            << " tls=" << (options.tls ? 1 : 0) << announced << std::endl;
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
