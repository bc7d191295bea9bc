// depthrec-observers-example: one depthrec::Recorder recording a diff-depth book and aggTrade per
// symbol, with two queued observers on it (docs/observers.md, "Example"): on_agg_trade sums the
// signed aggTrade volume per second, on_book the best-level OFI per second. Each prints one NDJSON
// line per symbol and second on stdout when the second is over; the seconds still open are printed
// at the end. Stops after --seconds or on SIGINT/SIGTERM.
//   depthrec-observers-example --symbols BTCUSDT,ETHUSDT [--market usdm] [--seconds 60]
//       [--endpoint wss://HOST:PORT --rest-endpoint https://HOST:PORT --ca-file CA.pem]
//       [--data-dir DIR] [--log-dir DIR]                        (default: Binance itself)
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "depthrec/recorder.hpp"
#include "per_second_stats.hpp"

namespace {

struct ExampleOptions {
  depthrec::Market market = depthrec::Market::usdm;
  std::vector<std::string> symbols;
  long seconds = 60;
  std::string endpoint, rest_endpoint, ca_file;
  std::string data_dir = "data/observers-example", log_dir = "logs";
};

std::vector<std::string> split_symbols(const std::string& list) {
  std::vector<std::string> out;
  std::istringstream in(list);
  for (std::string symbol; std::getline(in, symbol, ',');)
    if (!symbol.empty()) out.push_back(symbol);
  return out;
}

// Returns an empty string, or what is wrong with the command line.
std::string parse_options(int argc, char** argv, ExampleOptions& options) {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return flag + " needs a value";
    const std::string value = argv[i + 1];
    if (flag == "--market") {
      const auto market = depthrec::parse_market(value);
      if (!market) return "--market must be spot, usdm or coinm, not '" + value + "'";
      options.market = *market;
    } else if (flag == "--symbols") {
      options.symbols = split_symbols(value);
    } else if (flag == "--seconds") {
      char* end = nullptr;
      options.seconds = std::strtol(value.c_str(), &end, 10);
      if (*end != '\0' || options.seconds <= 0) return "--seconds must be a positive integer";
    } else if (flag == "--endpoint") {
      options.endpoint = value;
    } else if (flag == "--rest-endpoint") {
      options.rest_endpoint = value;
    } else if (flag == "--ca-file") {
      options.ca_file = value;
    } else if (flag == "--data-dir") {
      options.data_dir = value;
    } else if (flag == "--log-dir") {
      options.log_dir = value;
    } else {
      return "unknown flag " + flag;
    }
  }
  return options.symbols.empty() ? "--symbols SYMBOL[,SYMBOL...] is required" : "";
}

depthrec::RecorderConfig recorder_config(const ExampleOptions& options) {
  depthrec::RecorderConfig config;
  config.market = options.market;
  config.symbol = options.symbols.front();
  config.depth_levels = 0;  // diff depth: a full local book, so on_book has every change
  if (!options.endpoint.empty()) config.ws_endpoint = options.endpoint;
  if (!options.rest_endpoint.empty()) config.rest_endpoint = options.rest_endpoint;
  config.ca_file = options.ca_file;
  config.data_dir = options.data_dir;
  config.log_dir = options.log_dir;
  config.print_summary = false;  // stdout carries the example's lines only
  std::vector<std::pair<depthrec::Market, std::string>> symbols;
  for (const std::string& symbol : options.symbols) symbols.emplace_back(options.market, symbol);
  config.subscriptions = depthrec::subscriptions_of(config, symbols);
  for (const std::string& symbol : options.symbols)
    config.subscriptions.push_back(
        {depthrec::Venue::binance, options.market, symbol, depthrec::Channel::agg_trade()});
  return config;
}

// Waits for SIGINT/SIGTERM (blocked in every thread, so taken here and nowhere else) or until
// `seconds` have passed.
void wait_for_stop(const sigset_t& signals, long seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    const auto left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec timeout{static_cast<std::time_t>(left_ns / 1'000'000'000),
                     static_cast<long>(left_ns % 1'000'000'000)};
    if (sigtimedwait(&signals, nullptr, &timeout) >= 0) return;  // a stop signal
    if (errno != EINTR && errno != EAGAIN) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ExampleOptions options;
  if (const std::string problem = parse_options(argc, argv, options); !problem.empty()) {
    std::cerr << "depthrec-observers-example: " << problem
              << "\nusage: depthrec-observers-example --symbols SYMBOL[,SYMBOL...] [--market "
                 "usdm] [--seconds 60] [--endpoint URL --rest-endpoint URL --ca-file PEM] "
                 "[--data-dir DIR] [--log-dir DIR]\n";
    return 2;
  }
  // Before any thread starts, so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  observers_example::LinePrinter printer(std::cout);
  observers_example::SignedVolumePerSecond flow(printer);
  observers_example::LevelOneOfiPerSecond ofi(printer);
  try {
    depthrec::Recorder recorder(recorder_config(options));
    depthrec::ObserverOptions trades;
    trades.name = "signed_agg_volume";
    const auto trade_observer = recorder.on_agg_trade(
        [&flow](const depthrec::ObservedTrade& t) { flow.on_agg_trade(t); }, trades);
    depthrec::ObserverOptions book;
    book.name = "ofi_l1";
    book.levels = 1;  // the best level is all the OFI here needs
    const auto book_observer =
        recorder.on_book([&ofi](const depthrec::TopOfBook& s) { ofi.on_book(s); }, book);
    recorder.start();
    wait_for_stop(stop_signals, options.seconds);
    recorder.stop();  // returns once each observer has been given every event queued before it
    flow.flush();
    ofi.flush();
    for (const auto& observer : {trade_observer, book_observer})
      std::cerr << observer->name() << ": " << observer->delivered() << " delivered, "
                << observer->dropped() << " dropped, " << observer->errors() << " threw\n";
    if (!recorder.last_error().empty()) {
      std::cerr << "depthrec-observers-example: " << recorder.last_error() << "\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "depthrec-observers-example: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
