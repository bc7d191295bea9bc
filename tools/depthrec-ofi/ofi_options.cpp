#include "ofi_options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

#include "cli/symbol_flags.hpp"

namespace depthrec::ofi {
namespace {

// Checks what CLI11 cannot express alone; empty when the options are usable.
std::string check(const OfiToolOptions& o, bool window_ms_given) {
  if (window_ms_given && o.ofi.window_events > 0)
    return "--window-ms and --window-events exclude each other";
  if (o.recorder.depth_levels > 0 &&
      o.ofi.levels > static_cast<std::size_t>(o.recorder.depth_levels))
    return "--levels " + std::to_string(o.ofi.levels) + " exceeds the --depth " +
           std::to_string(o.recorder.depth_levels) + " stream";
  const bool any_spot = std::any_of(o.streams.begin(), o.streams.end(),
                                    [](const OfiStream& s) { return s.market == Market::spot; });
  if (any_spot && o.recorder.depth_levels > 0 && o.ofi.clock == WindowClock::event_time &&
      o.ofi.window_events == 0)
    return "spot partial depth has no event time: use --window-clock recv or --window-events";
  if (o.use_queue && o.queue_capacity == 0) return "--queue-capacity must be > 0";
  // The recorder's queue hands out book states without their key (TopOfBook): with several
  // symbols they could not be told apart. The callback path routes by BookUpdate::key.
  if (o.use_queue && o.streams.size() > 1)
    return "--queue takes one symbol: the queue's book states do not name their symbol yet; "
           "several symbols use the callback (the default)";
  if (std::string error = validate(o.ofi); !error.empty()) return error;
  if (std::string error = validate(o.recorder); !error.empty()) return error;
  return {};
}

}  // namespace

ParsedOfiCommandLine parse_ofi_command_line(int argc, const char* const* argv) {
  ParsedOfiCommandLine parsed;
  OfiToolOptions& o = parsed.options;
  RecorderConfig& c = o.recorder;
  c.depth_levels = 0;
  c.write_files = false;
  c.print_summary = false;

  CLI::App app{
      "depthrec-ofi: keeps a Binance order book synced (depthrec's Recorder on a background "
      "thread) and writes its order-flow imbalance, best level and multi-level, window by window."};
  std::string market = "usdm";
  std::string depth = "full";
  std::string clock = "event";
  double run_minutes = 0;
  long backoff_max_ms = c.backoff_max.count();

  cli::SymbolFlags symbol_flags;
  cli::add_symbol_flags(app, c.symbol, symbol_flags,
                        "Several symbols: one book and one OFI each, in one process; each window "
                        "line names its symbol and market. ALL is not taken here");
  app.add_option("--market", market, "usdm, coinm or spot")
      ->check(CLI::IsMember({"usdm", "coinm", "spot"}))
      ->capture_default_str();
  app.add_option("--depth", depth, "'full' (diff stream, full book) or 5, 10, 20 (partial depth)")
      ->check(CLI::IsMember({"full", "0", "5", "10", "20"}))
      ->capture_default_str();
  app.add_option("--speed", c.speed, "Stream speed: 0ms, 100ms, 250ms, 500ms, 1000ms or ''")
      ->capture_default_str();
  app.add_option("--endpoint", c.ws_endpoint, "WebSocket base URL (default: Binance's host)");
  app.add_option("--rest-endpoint", c.rest_endpoint, "REST base URL (default: Binance's host)");
  app.add_option("--ca-file", c.ca_file, "Extra CA certificate (PEM) to trust")
      ->check(CLI::ExistingFile);
  app.add_option("--backoff-max-ms", backoff_max_ms, "Cap of the reconnect backoff")
      ->capture_default_str();
  app.add_option("--run-minutes", run_minutes, "Stop after this many minutes");

  app.add_option("--levels", o.ofi.levels, "M: multi-level OFI over the best M levels a side")
      ->check(CLI::Range(std::size_t{1}, kMaxLevels))
      ->capture_default_str();
  auto* window_ms = app.add_option("--window-ms", o.ofi.window_ms,
                                   "Time windows of this many ms on the window clock")
                        ->check(CLI::PositiveNumber)
                        ->capture_default_str();
  app.add_option("--window-events", o.ofi.window_events,
                 "Windows of this many book states instead of time windows")
      ->check(CLI::PositiveNumber);
  app.add_option(
         "--window-clock", clock,
         "Clock of time windows: event (exchange event time E) or recv (local receive time)")
      ->check(CLI::IsMember({"event", "recv"}))
      ->capture_default_str();
  app.add_flag("--normalize", o.ofi.normalize, "Also write OFI_m divided by the average depth");
  app.add_option("--out", o.out, "NDJSON file of windows (appended; '-' for stdout)");
  app.add_flag("--print", o.print, "Print a human line per window");
  app.add_flag("--queue", o.use_queue,
               "Consume book states from the recorder's bounded queue on the main thread "
               "(default: compute in the recorder's callback on its network thread)");
  app.add_option("--queue-capacity", o.queue_capacity, "Bound of the --queue hand-off")
      ->capture_default_str();

  app.add_flag("--record", c.write_files, "Also write the recording and metrics.json, as depthrec");
  app.add_option("--data-dir", c.data_dir, "Recording and metrics.json directory (--record)")
      ->capture_default_str();
  app.add_option("--log-dir", c.log_dir, "Directory for text logs")->capture_default_str();
  app.add_option("--print-interval", c.print_interval_sec,
                 "Seconds between metrics.json refreshes (and SUMMARY lines with --summary)")
      ->capture_default_str();
  app.add_flag("--summary", c.print_summary, "Print the recorder's SUMMARY lines on stdout");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const bool help = error.get_name() == "CallForHelp";
    parsed.exit_code = help ? 0 : 2;
    parsed.message = help ? app.help() : "depthrec-ofi: " + std::string(error.what());
    return parsed;
  }
  c.market = *parse_market(market);
  c.depth_levels = depth == "full" ? 0 : std::stoi(depth);  // IsMember() admitted only numbers
  SymbolSelection selection;
  std::string selection_error = cli::select_symbols(app, symbol_flags, c, selection);
  // OFI is computed for the symbols named: ALL's list would change while running.
  if (selection_error.empty() && selection.has_all())
    selection_error = "--symbols ALL is not taken by depthrec-ofi: name the symbols";
  if (!selection_error.empty()) {
    parsed.exit_code = 2;
    parsed.message = "depthrec-ofi: " + selection_error;
    return parsed;
  }
  for (const SelectionItem& item : selection.items) o.streams.push_back({item.market, item.symbol});
  cli::subscribe_selection(selection, c);
  if (app.count("--run-minutes")) c.run_minutes = run_minutes;
  c.backoff_max = std::chrono::milliseconds(backoff_max_ms);
  o.ofi.clock = clock == "recv" ? WindowClock::receive_time : WindowClock::event_time;
  const bool window_ms_given = window_ms->count() > 0;
  if (o.ofi.window_events > 0 && !window_ms_given) o.ofi.window_ms = 0;
  if (o.out.empty() && !o.print) o.print = true;  // say something by default

  if (std::string error = check(o, window_ms_given); !error.empty()) {
    parsed.exit_code = 2;
    parsed.message = "depthrec-ofi: " + error;
  }
  return parsed;
}

}  // namespace depthrec::ofi
