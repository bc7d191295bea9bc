#include "cli/cli_options.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "cli/symbol_flags.hpp"
#include "depthrec/version.hpp"

namespace depthrec::cli {

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
  ParsedCommandLine parsed;
  RecorderConfig& c = parsed.config;
  CLI::App app{
      "depthrec: records a Binance depth stream to gzipped NDJSON, keeps the order book synced, "
      "and reports latency and continuity (metrics.json, SUMMARY lines)."};
  app.set_version_flag("--version", std::string(kVersion));
  // A flag given twice takes its last value: wrappers (tools/run.sh) pass defaults the user
  // overrides.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

  std::string market = "usdm";
  std::string depth = "5";
  std::string rotate = "interval";
  double run_minutes = 0;
  long stall_ms = c.stall_timeout.count();
  long backoff_max_ms = c.backoff_max.count();
  long rest_timeout_ms = c.rest_timeout.count();
  long rest_window_ms = c.rest_weight_window.count();
  double max_age_sec = static_cast<double>(c.max_connection_age.count()) / 1000.0;
  bool no_rollover = false;

  SymbolFlags symbol_flags;
  add_symbol_flags(
      app, c.symbol, symbol_flags,
      "Several symbols are recorded in one process (one file set, metrics.json per "
      "stream); ALL is resolved at start, a named symbol the exchange does not list is "
      "logged and left out");
  app.add_option("--depth", depth,
                 "Book depth: 5, 10 or 20 records the partial-depth stream of that many levels; "
                 "'full' records the diff stream and keeps a full local book (snapshot + diffs)")
      ->capture_default_str();
  app.add_option("--rotate", rotate, "Rotation of data segments and text logs: interval or size")
      ->check(CLI::IsMember({"interval", "size"}))
      ->capture_default_str();
  app.add_option("--rotate-sec", c.rotate_sec, "Rotation interval in seconds (--rotate interval)")
      ->capture_default_str();
  app.add_option("--max-bytes", c.max_bytes,
                 "Rotation size in bytes (--rotate size; uncompressed bytes for data segments)")
      ->capture_default_str();
  app.add_option("--backups", c.backups,
                 "Rotated text log files kept (recorded data is never deleted)")
      ->capture_default_str();
  app.add_option("--print-interval", c.print_interval_sec,
                 "Seconds between SUMMARY lines and metrics.json refreshes")
      ->capture_default_str();
  app.add_option("--exchange-info-interval-sec", c.exchange_info_interval_sec,
                 "With --symbols ALL: seconds between exchangeInfo fetches that follow the list "
                 "while running (new listings subscribed, delisted or halted symbols "
                 "unsubscribed); 0: the list of the start only. Ignored without ALL")
      ->capture_default_str();
  app.add_option("--run-minutes", run_minutes,
                 "Stop after this many minutes (default: run until stopped)");

  app.add_option("--market", market, "Market: usdm (USD-M futures), coinm (COIN-M futures) or spot")
      ->check(CLI::IsMember({"usdm", "coinm", "spot"}))
      ->capture_default_str();
  app.add_option("--speed", c.speed,
                 "Stream update speed: 0ms, 100ms, 250ms, 500ms, 1000ms, or '' for the default")
      ->capture_default_str();
  app.add_flag("--book-ticker", c.record_book_ticker,
               "Also record <symbol>@bookTicker (ground truth for depthrec-replay)");
  app.add_option(
      "--endpoint", c.ws_endpoint,
      "WebSocket base URL (default: Binance's host for the market), e.g. wss://127.0.0.1:9443");
  app.add_option("--rest-endpoint", c.rest_endpoint,
                 "REST base URL for snapshots (default: Binance's host for the market)");
  app.add_option("--futures-streams-per-connection", c.futures_streams_per_connection,
                 "With several symbols: streams per USD-M/COIN-M connection (Binance documents 200 "
                 "and 1024; 1 to 1024)")
      ->capture_default_str();
  app.add_option("--spot-streams-per-connection", c.spot_streams_per_connection,
                 "With several symbols: streams per spot connection (Binance allows 1024; each is "
                 "named in the connection's URL; 2 to 1024)")
      ->capture_default_str();
  std::vector<std::string> market_endpoints, market_rest_endpoints;
  app.add_option("--market-endpoint", market_endpoints,
                 "A market's own WebSocket base URL in a run of several markets, e.g. "
                 "spot=wss://127.0.0.1:9443 (repeat per market; others take --endpoint)");
  app.add_option("--market-rest-endpoint", market_rest_endpoints,
                 "A market's own REST base URL, e.g. spot=https://127.0.0.1:9443 (repeat per "
                 "market; others take --rest-endpoint)");
  app.add_option(
         "--ca-file", c.ca_file,
         "Extra CA certificate (PEM) to trust, e.g. the simulator's; TLS is always verified")
      ->check(CLI::ExistingFile);
  app.add_option("--snapshot-limit", c.snapshot_limit, "REST snapshot depth for --depth full")
      ->capture_default_str();
  app.add_option("--data-dir", c.data_dir, "Directory for NDJSON segments and metrics.json")
      ->capture_default_str();
  app.add_option("--log-dir", c.log_dir, "Directory for text logs")->capture_default_str();
  app.add_option("--gzip-level", c.gzip_level,
                 "gzip level of data segments (1 fastest .. 9 smallest)")
      ->capture_default_str();
  app.add_flag("!--no-summary", c.print_summary, "Do not print SUMMARY lines on stdout");
  app.add_option(
         "--queue-capacity", c.queue_capacity,
         "Writer queue bound in records; when full the newest record is dropped, counted and "
         "marked as a gap (the network thread never blocks)")
      ->capture_default_str();
  app.add_option("--queue-max-bytes", c.max_queue_bytes,
                 "Writer queue bound in bytes; beyond it records are dropped, counted and marked "
                 "as with --queue-capacity")
      ->capture_default_str();
  app.add_option("--max-frame-bytes", c.max_frame_bytes, "Larger frames are refused and counted")
      ->capture_default_str();
  app.add_option("--max-unwritten-bytes", c.max_unwritten_bytes,
                 "Recording held in memory while storage fails (disk full...); beyond it records "
                 "are dropped, counted and marked as a gap")
      ->capture_default_str();
  app.add_option("--max-buffered-events", c.max_buffered_events,
                 "Events buffered while waiting for a snapshot; beyond it the sync restarts")
      ->capture_default_str();
  app.add_option("--max-book-levels", c.max_book_levels,
                 "Levels kept per side of the book; beyond it the farthest from the top are "
                 "dropped and counted (book.levels_dropped); the top stays exact")
      ->capture_default_str();
  app.add_option("--max-buffered-bytes", c.max_buffered_bytes,
                 "Memory of the events buffered while waiting for a snapshot (levels included); "
                 "beyond it the sync restarts")
      ->capture_default_str();
  app.add_option("--stall-timeout-ms", stall_ms,
                 "Reconnect when no depth event of the stream arrives for this long (pings and "
                 "other frames do not count)")
      ->capture_default_str();
  app.add_option("--backoff-max-ms", backoff_max_ms, "Cap of the reconnect backoff")
      ->capture_default_str();
  app.add_option("--rest-timeout-ms", rest_timeout_ms, "Timeout of a REST snapshot request")
      ->capture_default_str();
  app.add_option("--max-connection-age-sec", max_age_sec,
                 "Connection age (seconds) at which it is replaced, before Binance's 24 h cut: a "
                 "successor connection opens and takes over without a gap (make-before-break)")
      ->capture_default_str();
  app.add_flag("--no-rollover", no_rollover,
               "At --max-connection-age-sec, close and reconnect instead (a gap and a resync)");
  app.add_option("--rest-weight-per-minute", c.rest_weight_per_minute,
                 "REST weight budget per minute (0: the market's documented limit)")
      ->capture_default_str();
  app.add_option("--rest-weight-window-ms", rest_window_ms,
                 "The REST budget's window (Binance: one minute; shorter against a simulator)")
      ->capture_default_str();
  app.add_option("--rest-safety-share", c.rest_safety_share,
                 "Share of the REST budget the scheduler plans at most (a margin below the limit)")
      ->capture_default_str();
  app.add_option("--rest-initial-share", c.rest_initial_share,
                 "Share of the REST budget initial syncs may use (resyncs go first and may use "
                 "up to --rest-safety-share)")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    parsed.exit_code = error.get_exit_code() == 0 ? 0 : 2;
    parsed.message = error.get_exit_code() == 0 ? (app.help() + "") : std::string(error.what());
    if (error.get_name() == "CallForVersion")
      parsed.message = std::string(kVersion);
    else if (error.get_name() == "CallForHelp")
      parsed.message = app.help();
    return parsed;
  }

  c.market = *parse_market(market);
  if (std::string error = select_symbols(app, symbol_flags, c, parsed.selection); !error.empty()) {
    parsed.exit_code = 2;
    parsed.message = "depthrec: " + error;
    return parsed;
  }
  if (depth == "full" || depth == "0") {
    c.depth_levels = 0;
  } else {
    try {
      c.depth_levels = std::stoi(depth);
    } catch (const std::exception&) {
      c.depth_levels = -1;
    }
  }
  c.rotate = rotate == "size" ? RotateMode::size : RotateMode::interval;
  if (app.count("--run-minutes")) c.run_minutes = run_minutes;
  c.stall_timeout = std::chrono::milliseconds(stall_ms);
  c.backoff_max = std::chrono::milliseconds(backoff_max_ms);
  c.rest_timeout = std::chrono::milliseconds(rest_timeout_ms);
  c.rest_weight_window = std::chrono::milliseconds(rest_window_ms);
  // NaN and out-of-range ages become 0 and are refused by validate().
  c.max_connection_age = std::chrono::milliseconds(
      max_age_sec > 0 && max_age_sec <= 1e9 ? static_cast<std::int64_t>(max_age_sec * 1000.0) : 0);
  c.rollover = !no_rollover;
  for (const auto& [flag, texts, endpoints] :
       {std::make_tuple("--market-endpoint", &market_endpoints, &c.market_ws_endpoints),
        std::make_tuple("--market-rest-endpoint", &market_rest_endpoints,
                        &c.market_rest_endpoints)}) {
    for (const std::string& text : *texts) {
      const std::size_t eq = text.find('=');
      const std::optional<Market> market =
          eq == std::string::npos ? std::nullopt : parse_market(text.substr(0, eq));
      if (!market || eq + 1 == text.size()) {
        parsed.exit_code = 2;
        parsed.message = std::string("depthrec: ") + flag + " '" + text +
                         "': use MARKET=URL, MARKET one of spot, usdm, coinm";
        return parsed;
      }
      (*endpoints)[static_cast<std::size_t>(*market)] = text.substr(eq + 1);
    }
  }
  // More than one symbol: the many-stream engine records them all (RecorderConfig::subscriptions).
  subscribe_selection(parsed.selection, c);

  if (std::string error = validate(c); !error.empty()) {
    parsed.exit_code = 2;
    parsed.message = "depthrec: " + error;
  }
  return parsed;
}

}  // namespace depthrec::cli
