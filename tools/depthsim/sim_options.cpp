#include "sim_options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <sstream>

#include "symbol_universe.hpp"

namespace depthsim {

namespace {

std::vector<std::string> split_symbols(const std::string& text) {
  std::vector<std::string> symbols;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) symbols.push_back(item);
  }
  return symbols;
}

MarketSymbols& market_entry(std::vector<MarketSymbols>& markets, Market market) {
  for (MarketSymbols& entry : markets) {
    if (entry.market == market) return entry;
  }
  markets.push_back(MarketSymbols{market, {}, {}});
  return markets.back();
}

// --symbols "BTCUSDT,spot:ETHUSDT" (no prefix: --market), then --symbol-count's generated
// symbols after them; a symbol named twice in one market is an error.
std::string resolve_markets(SimOptions& options, const std::string& symbols,
                            const std::string& symbol_counts) {
  for (const std::string& item : split_symbols(symbols)) {
    const std::size_t colon = item.find(':');
    Market market = options.market;
    if (colon != std::string::npos) {
      const std::optional<Market> prefix = parse_market(item.substr(0, colon));
      if (!prefix) return "--symbols '" + item + "': the market prefix must be usdm, coinm or spot";
      market = *prefix;
    }
    const std::string symbol =
        to_upper_ascii(colon == std::string::npos ? item : item.substr(colon + 1));
    if (!is_valid_symbol_name(symbol))
      return "invalid symbol '" + symbol + "' (letters, digits, _)";
    std::vector<std::string>& listed = market_entry(options.markets, market).symbols;
    if (std::find(listed.begin(), listed.end(), symbol) != listed.end())
      return "--symbols names " + symbol + " twice in " + std::string(market_name(market));
    listed.push_back(symbol);
  }
  if (!symbol_counts.empty()) {
    std::string error;
    const std::optional<std::vector<MarketCount>> counts =
        parse_symbol_counts(symbol_counts, error);
    if (!counts) return error;
    for (const MarketCount& count : *counts) {
      std::vector<std::string>& listed = market_entry(options.markets, count.market).symbols;
      for (std::string& symbol : market_symbols(count.market, count.count, options.seed)) {
        if (std::find(listed.begin(), listed.end(), symbol) == listed.end())
          listed.push_back(std::move(symbol));
      }
    }
  }
  if (options.markets.empty()) return "--symbols needs at least one symbol";
  if (options.total_rate > 0) {
    // Ranks interleave the markets (spot's 1st, usdm's 1st, coinm's 1st, spot's 2nd...), so
    // each market's real leaders are the hottest symbols.
    std::size_t total = 0;
    std::size_t longest = 0;
    for (const MarketSymbols& entry : options.markets) {
      total += entry.symbols.size();
      longest = std::max(longest, entry.symbols.size());
    }
    const std::vector<double> rates = zipf_rates(total, options.total_rate, options.zipf_exponent);
    std::size_t rank = 0;
    for (MarketSymbols& entry : options.markets) entry.rates.assign(entry.symbols.size(), 0);
    for (std::size_t i = 0; i < longest; ++i) {
      for (MarketSymbols& entry : options.markets) {
        if (i < entry.symbols.size()) entry.rates[i] = rates[rank++];
      }
    }
  }
  options.market = options.markets.front().market;
  options.symbols = options.markets.front().symbols;
  return "";
}

std::string resolve(SimOptions& options, const std::string& market, const std::string& symbols,
                    const std::string& symbol_counts, const std::vector<std::string>& faults,
                    const std::vector<std::string>& rest_faults, bool no_tls) {
  const std::optional<Market> parsed_market = parse_market(market);
  if (!parsed_market) return "--market must be usdm, coinm or spot";
  options.market = *parsed_market;
  options.tls = !no_tls;
  if (std::string error = resolve_markets(options, symbols, symbol_counts); !error.empty())
    return error;
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
  if (options.max_streams_per_connection == 0) return "--max-streams-per-connection must be > 0";
  return "";
}

}  // namespace

SimOptions options_for_market(const SimOptions& options, std::size_t index) {
  SimOptions market = options;
  const MarketSymbols& entry = options.markets.at(index);
  market.market = entry.market;
  market.symbols = entry.symbols;
  market.symbol_rates = entry.rates;
  market.scheduled_listings.clear();
  for (const ScheduledListing& listing : options.scheduled_listings) {
    if (listing.market.value_or(options.markets.front().market) == entry.market)
      market.scheduled_listings.push_back(listing);
  }
  if (market.ping_interval_sec <= 0)
    market.ping_interval_sec = default_ping_interval_sec(market.market);
  if (market.pong_timeout_sec <= 0) market.pong_timeout_sec = is_futures(market.market) ? 600 : 60;
  if (market.message_limit_per_sec <= 0)
    market.message_limit_per_sec = incoming_message_limit_per_sec(market.market);
  return market;
}

std::optional<SimOptions> parse_command_line(int argc, const char* const* argv,
                                             std::string& message, int& exit_code) {
  SimOptions options;
  std::string market = "usdm";
  std::string symbols = "BTCUSDT";
  std::string symbol_counts;
  std::vector<std::string> faults;
  std::vector<std::string> rest_faults;
  std::vector<std::string> list_after;
  std::vector<std::string> delist_after;
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
  app.add_option("--symbols", symbols,
                 "Comma-separated symbols, each optionally MARKET:SYMBOL (one listener per market)")
      ->capture_default_str();
  app.add_option("--symbol-count", symbol_counts,
                 "MARKET=N,...: N symbols per market, real ones first, then synthetic ones "
                 "(e.g. spot=1000,usdm=600,coinm=400); --symbols given too: those first");
  app.add_option("--total-rate", options.total_rate,
                 "Events per second over all symbols, Zipf-spread (rank k ~ 1/(k+20)^s); "
                 "replaces --rate")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--zipf-exponent", options.zipf_exponent, "s of --total-rate's spread")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--max-streams-per-connection", options.max_streams_per_connection,
                 "Streams one connection may hold (URL or SUBSCRIBE); more are refused")
      ->capture_default_str();
  app.add_option("--rest-weight-spot", options.rest_weight_spot,
                 "Spot REST request weight per minute before 429")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--rest-weight-futures", options.rest_weight_futures,
                 "USD-M + COIN-M (shared) REST request weight per minute before 429")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
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
  app.add_option("--list-after", list_after,
                 "[MARKET:]SYMBOL@SECONDS: list it then (as /sim/list), repeatable");
  app.add_option("--delist-after", delist_after,
                 "[MARKET:]SYMBOL@SECONDS[:remove]: delist it then (BREAK; :remove gone), "
                 "repeatable");
  app.add_option("--fault", faults, "KIND@EVENT_INDEX[:ARG], repeatable");
  app.add_option("--rest-fault", rest_faults,
                 "KIND[:N] for the next N snapshots: 429 418 500 timeout truncated stale");
  app.add_option("--rest-delay-ms", options.rest_delay_ms, "Delay of the rest timeout fault")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option(
         "--rest-weight-window-ms", options.rest_weight_window_ms,
         "The REST weight window of --rest-weight-spot/--rest-weight-futures (Binance: the clock "
         "minute; windows are aligned multiples of it)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--large-events", options.large_event_levels,
                 "Every event also carries N removals of absent levels far from the top, half "
                 "bids, half asks (about 24 bytes each: large frames, the book unchanged)");
  app.add_option("--trade-every", options.trade_every,
                 "One trade group every N depth events of a symbol: 1-3 trades at the book's top "
                 "(trade stream) aggregated into one aggTrade; 0: no trades")
      ->capture_default_str();
  app.add_option("--trade-history", options.trade_history,
                 "Aggregate trades per symbol kept for the aggTrades REST query (fromId older "
                 "than those answers an empty list)")
      ->capture_default_str();
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
  for (const auto& [texts, list] : {std::pair{&list_after, true}, {&delist_after, false}}) {
    for (const std::string& text : *texts) {
      std::string error;
      std::optional<ScheduledListing> entry = parse_scheduled_listing(text, list, error);
      if (!entry) {
        message = "depthsim: " + error + "\n";
        exit_code = 2;
        return std::nullopt;
      }
      options.scheduled_listings.push_back(*entry);
    }
  }
  // The default BTCUSDT is not added to generated markets.
  if (!symbol_counts.empty() && app.count("--symbols") == 0) symbols.clear();
  const std::string error =
      resolve(options, market, symbols, symbol_counts, faults, rest_faults, no_tls);
  if (!error.empty()) {
    message = "depthsim: " + error + "\n";
    exit_code = 2;
    return std::nullopt;
  }
  return options;
}

}  // namespace depthsim
