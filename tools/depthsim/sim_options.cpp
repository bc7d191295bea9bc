#include "sim_options.hpp"

#include <CLI/CLI.hpp>

#include <sstream>

namespace depthsim {

namespace {

std::vector<std::string> split_symbols(const std::string& text) {
  std::vector<std::string> symbols;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) symbols.push_back(to_upper_ascii(item));
  }
  return symbols;
}

std::string resolve(SimOptions& options, const std::string& market, const std::string& symbols,
                    const std::vector<std::string>& faults,
                    const std::vector<std::string>& rest_faults, bool no_tls) {
  const std::optional<Market> parsed_market = parse_market(market);
  if (!parsed_market) return "--market must be usdm, coinm or spot";
  options.market = *parsed_market;
  options.tls = !no_tls;
  options.symbols = split_symbols(symbols);
  if (options.symbols.empty()) return "--symbols needs at least one symbol";
  for (const std::string& symbol : options.symbols) {
    if (!is_valid_symbol_name(symbol))
      return "invalid symbol '" + symbol + "' (letters, digits, _)";
  }
  std::string error;
  for (const std::string& text : faults) {
    std::optional<PlannedFault> planned = parse_planned_fault(text, error);
    if (!planned) return error;
    options.faults.push_back(*planned);
  }
  for (const std::string& text : rest_faults) {
    std::optional<RestFaultSpec> spec = parse_rest_fault(text, error);
    if (!spec) return error;
    options.rest_faults.push_back(*spec);
  }
  if (options.cert_file.empty() != options.key_file.empty()) return "--cert and --key go together";
  if (options.ping_interval_sec <= 0)
    options.ping_interval_sec = default_ping_interval_sec(options.market);
  if (options.pong_timeout_sec <= 0)
    options.pong_timeout_sec = is_futures(options.market) ? 600 : 60;
  if (options.message_limit_per_sec <= 0) {
    options.message_limit_per_sec = incoming_message_limit_per_sec(options.market);
  }
  return "";
}

}  // namespace

std::optional<SimOptions> parse_command_line(int argc, const char* const* argv,
                                             std::string& message, int& exit_code) {
  SimOptions options;
  std::string market = "usdm";
  std::string symbols = "BTCUSDT";
  std::vector<std::string> faults;
  std::vector<std::string> rest_faults;
  bool no_tls = false;

  CLI::App app{"depthsim: a Binance-compatible depth stream simulator on 127.0.0.1"};
  app.add_option("--port", options.port, "Port on 127.0.0.1 (0: the OS chooses)");
  app.add_option("--port-file", options.port_file, "Write the bound port to this file");
  app.add_flag("--no-tls", no_tls, "Serve plain ws:// and http:// instead of wss:// and https://");
  app.add_option("--cert-out", options.cert_out, "Write the generated certificate (CA file) here");
  app.add_option("--cert", options.cert_file,
                 "Load the certificate (PEM) instead of generating one");
  app.add_option("--key", options.key_file, "Private key (PEM) for --cert");
  app.add_option("--market", market, "usdm | coinm | spot")->capture_default_str();
  app.add_option("--symbols", symbols, "Comma-separated symbols")->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of the synthetic market")->capture_default_str();
  app.add_option("--rate", options.rate,
                 "Events per second per symbol (0: as fast as clients read)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--events", options.max_events, "Stop generating after N events per symbol");
  app.add_option("--duration-sec", options.duration_sec,
                 "Stop generating after S seconds (keep serving)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--exit-after-sec", options.exit_after_sec, "Shut down cleanly after S seconds")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--start-on-subscribe", options.start_on_subscribe,
               "A symbol's first event waits for its first depth subscriber");
  app.add_option("--clock-offset-ms", options.clock_offset_ms, "Exchange clock runs N ms ahead");
  app.add_option("--ping-interval-sec", options.ping_interval_sec,
                 "Server ping period (default 180/20)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--pong-timeout-sec", options.pong_timeout_sec,
                 "Close without a pong (default 600/60)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--max-connection-age-sec", options.max_connection_age_sec,
                 "Close older connections")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--message-limit", options.message_limit_per_sec,
                 "Incoming messages per second before disconnect (default 10/5)");
  app.add_option("--pacing-buffer-bytes", options.pacing_buffer_bytes,
                 "Rate 0 pauses above this backlog")
      ->capture_default_str();
  app.add_option("--fault", faults, "KIND@EVENT_INDEX[:ARG], repeatable");
  app.add_option("--rest-fault", rest_faults,
                 "KIND[:N] for the next N snapshots: 429 418 500 timeout truncated stale");
  app.add_option("--rest-delay-ms", options.rest_delay_ms, "Delay of the rest timeout fault")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--rest-weight-limit", options.rest_weight_limit,
                 "REST weight per window; a request beyond it is answered 429 with Retry-After "
                 "(0: counted, never refused)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--rest-weight-window-ms", options.rest_weight_window_ms,
                 "The REST weight window (Binance: the clock minute)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--large-events", options.large_event_levels,
                 "Every event also carries N removals of absent levels far from the top, half "
                 "bids, half asks (about 24 bytes each: large frames, the book unchanged)");
  app.add_option("--level-flood", options.level_flood,
                 "Every event also adds N new asks beyond every ask so far (the book grows)");
  app.add_option("--replay", options.replay_file,
                 "Serve a capture: <recv_time> <json> lines (ns/us/ms/s) or cryptofeed's raw "
                 "capture, gzip or plain");
  app.add_option("--replay-rest", options.replay_companions,
                 "A companion file of the capture, merged by receive time (cryptofeed's REST "
                 "replies), repeatable");
  app.add_option("--speed", options.replay_speed, "Replay speed: 1 original, 10 faster, 0 flat out")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    std::ostringstream out;
    exit_code = app.exit(error, out, out);
    message = out.str();
    return std::nullopt;
  }
  const std::string error = resolve(options, market, symbols, faults, rest_faults, no_tls);
  if (!error.empty()) {
    message = "depthsim: " + error + "\n";
    exit_code = 2;
    return std::nullopt;
  }
  return options;
}

}  // namespace depthsim
