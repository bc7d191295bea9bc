#include "cli/cli_options.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "cli/cli_flags.hpp"
#include "cli/config_symbols.hpp"
#include "cli/stream_flags.hpp"
#include "cli/symbol_flags.hpp"
#include "depthrec/version.hpp"
#include "parquet_tables/book_interval.hpp"
#include "parquet_tables/rotation.hpp"
#include "session/realtime_priority.hpp"

namespace depthrec::cli {
namespace {

// One parse of the flags: the app holds references into `values`, so neither moves.
struct FlagParser {
  CLI::App app{
      "depthrec: records a Binance depth stream to gzipped NDJSON, keeps the order book synced, "
      "and reports latency and continuity (metrics.json, SUMMARY lines)."};
  FlagValues values;

  FlagParser() {
    app.set_version_flag("--version", std::string(kVersion));
    // A flag given twice takes its last value: wrappers (tools/run.sh) pass defaults the user
    // overrides, and a config file's settings come before the command line.
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    add_flags(app, values);
  }
};

ParsedCommandLine exit_with(int code, std::string message) {
  ParsedCommandLine parsed;
  parsed.exit_code = code;
  parsed.message = std::move(message);
  return parsed;
}

// The arguments a config setting stands for, "--name=value" (a value may start with '-').
std::vector<std::string> arguments_of(const config::ConfigSetting& setting) {
  std::vector<std::string> arguments;
  for (const std::string& value : setting.values)
    arguments.push_back("--" + setting.flag + "=" + value);
  return arguments;
}

// Parses `arguments` (argv[0] first) into `parser`; "" or CLI11's message.
std::string parse_into(FlagParser& parser, std::vector<std::string> arguments) {
  // CLI11 takes a vector without argv[0], back to front.
  arguments.erase(arguments.begin());
  std::reverse(arguments.begin(), arguments.end());
  try {
    parser.app.parse(arguments);
  } catch (const CLI::ParseError& error) {
    return error.what();
  }
  return {};
}

// The flags' values as the recorder takes them; `file`: the config file loaded, if any.
ParsedCommandLine finish(const FlagParser& parser, std::optional<config::LoadedConfig> file,
                         std::vector<std::string> warnings) {
  ParsedCommandLine parsed;
  parsed.warnings = std::move(warnings);
  const FlagValues& v = parser.values;
  RecorderConfig& c = parsed.config;
  c = v.config;
  c.market = *parse_market(v.market);
  if (std::string error = select_symbols(parser.app, v.symbol_flags, c, parsed.selection);
      !error.empty())
    return exit_with(2, "depthrec: " + error);
  if (v.depth == "full" || v.depth == "0") {
    c.depth_levels = 0;
  } else {
    try {
      c.depth_levels = std::stoi(v.depth);
    } catch (const std::exception&) {
      c.depth_levels = -1;
    }
  }
  std::vector<Channel> event_channels;  // --streams trade, aggTrade: added per symbol below
  if (!v.streams.empty()) {
    if (std::string error = apply_stream_names(v.streams, v.skip_unsupported_streams, c,
                                               event_channels, parsed.warnings);
        !error.empty())
      return exit_with(2, "depthrec: " + error);
  }
  c.klines_closed_only = v.klines == "closed";
  if (const auto period = export_parquet::parse_rotation_seconds(v.parquet_rotate)) {
    c.parquet_rotate_sec = *period;
  } else {
    return exit_with(2, "depthrec: --parquet-rotate '" + v.parquet_rotate +
                            "': use a whole number of s, m or h from 1s to 24h (1h, 15m, 10s)");
  }
  const auto book_every_ns = export_parquet::parse_book_every(v.parquet_book_every);
  if (!book_every_ns || *book_every_ns <= 0) {
    return exit_with(2, "depthrec: --parquet-book-every '" + v.parquet_book_every +
                            "': use an interval (100ms, 1s, 250us, 1m)");
  }
  c.parquet_book_every_ns = *book_every_ns;
  // Fractions of a MiB (0.0625 = 64 KiB, the least) make small row groups for crash tests.
  const double row_group_bytes = v.parquet_row_group_mb * (1u << 20);
  c.parquet_row_group_bytes = !(row_group_bytes > 0) ? 0
                              : row_group_bytes >= static_cast<double>(SIZE_MAX >> 1)
                                  ? SIZE_MAX >> 1
                                  : static_cast<std::size_t>(row_group_bytes);
  c.rotate = v.rotate == "size" ? RotateMode::size : RotateMode::interval;
  c.output_format = v.format == "csv"    ? OutputFormat::csv
                    : v.format == "both" ? OutputFormat::both
                                         : OutputFormat::ndjson;
  c.csv_daily_files = v.csv_rotation == "daily";
  if (c.output_format == OutputFormat::ndjson && parser.app.count("--csv-rotation"))
    parsed.warnings.push_back("--csv-rotation " + v.csv_rotation +
                              " not used: it names CSV files, and --format is ndjson");
  if (c.output_format == OutputFormat::csv)
    parsed.warnings.emplace_back(
        "--format csv: no NDJSON segments, so depthrec-replay and depthrec-export (which read "
        "them) cannot verify or convert this recording; --format both writes the two");
  if (parser.app.count("--run-minutes")) c.run_minutes = v.run_minutes;
  c.stall_timeout = std::chrono::milliseconds(v.stall_ms);
  c.backoff_max = std::chrono::milliseconds(v.backoff_max_ms);
  c.rest_timeout = std::chrono::milliseconds(v.rest_timeout_ms);
  c.presync_tail = std::chrono::milliseconds(v.presync_tail_ms);
  // Saturates instead of wrapping: a huge value means no practical bound.
  c.max_presync_buffer_bytes =
      v.max_presync_mb > (SIZE_MAX >> 20) ? SIZE_MAX : v.max_presync_mb << 20;
  c.rest_weight_window = std::chrono::milliseconds(v.rest_window_ms);
  // NaN and out-of-range ages become 0 and are refused by validate().
  c.max_connection_age = std::chrono::milliseconds(
      v.max_age_sec > 0 && v.max_age_sec <= 1e9 ? static_cast<std::int64_t>(v.max_age_sec * 1000.0)
                                                : 0);
  c.rollover = !v.no_rollover;
  for (const auto& [flag, texts, endpoints] :
       {std::make_tuple("--market-endpoint", &v.market_endpoints, &c.market_ws_endpoints),
        std::make_tuple("--market-rest-endpoint", &v.market_rest_endpoints,
                        &c.market_rest_endpoints)}) {
    for (const std::string& text : *texts) {
      const std::size_t eq = text.find('=');
      const std::optional<Market> market =
          eq == std::string::npos ? std::nullopt : parse_market(text.substr(0, eq));
      if (!market || eq + 1 == text.size())
        return exit_with(2, std::string("depthrec: ") + flag + " '" + text +
                                "': use MARKET=URL, MARKET one of spot, usdm, coinm");
      (*endpoints)[static_cast<std::size_t>(*market)] = text.substr(eq + 1);
    }
  }
  const bool symbols_flag_given = parser.app.count("--symbol") + parser.app.count("--symbols") > 0;
  if (file && !symbols_flag_given) {
    // The file's symbols and streams; --symbol/--symbols (or recorder.symbols) replace them.
    for (const char* flag : {"--depth", "--speed", "--streams"}) {
      if (parser.app.count(flag))
        parsed.warnings.push_back(std::string(flag) + " not used: modes." + file->mode +
                                  ".symbols[].streams name each symbol's depth channel");
    }
    if (std::string error = subscribe_config_symbols(*file, v.skip_unsupported_streams, c,
                                                     parsed.selection, parsed.warnings);
        !error.empty())
      return exit_with(2, "depthrec: " + error);
  } else {
    if (file) {
      parsed.warnings.push_back(file->file + ": modes." + file->mode +
                                ".symbols not used: --symbol/--symbols gives the symbols");
      file->symbols.clear();
    }
    // More than one symbol: the many-stream engine records them all
    // (RecorderConfig::subscriptions).
    subscribe_selection(parsed.selection, c);
    if (std::string error = subscribe_event_channels(event_channels, c); !error.empty())
      return exit_with(2, "depthrec: " + error);
  }
  if (std::string error = check_channels_offered(c); !error.empty())
    return exit_with(2, "depthrec: " + error);
  if (std::string error = validate(c); !error.empty()) return exit_with(2, "depthrec: " + error);
  if (c.realtime_priority > 0) {  // once for the run, before anything connects
    if (std::string refusal = session::realtime_priority_refusal(c.realtime_priority);
        !refusal.empty())
      return exit_with(2, "depthrec: --realtime-priority: " + refusal);
  }
  parsed.file = std::move(file);
  parsed.command = v.check_config   ? Command::check_config
                   : v.list_symbols ? Command::list_symbols
                   : v.status       ? Command::status
                                    : Command::record;
  return parsed;
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
  // The command line alone first: --help, --version, a bad flag, and where the config file is.
  auto command_line = std::make_unique<FlagParser>();
  try {
    command_line->app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_name() == "CallForVersion") return exit_with(0, std::string(kVersion));
    if (error.get_name() == "CallForHelp") return exit_with(0, command_line->app.help());
    return exit_with(error.get_exit_code() == 0 ? 0 : 2, error.what());
  }
  const FlagValues& given = command_line->values;
  if (given.config_file.empty()) return finish(*command_line, std::nullopt, {});

  config::LoadOptions options;
  options.mode = given.mode;
  options.flags = config_flag_specs(command_line->app);
  config::LoadResult loaded = config::load_config_file(given.config_file, options);
  if (!loaded.error.empty()) return exit_with(2, "depthrec: " + loaded.error);

  // Each setting alone, so that a value CLI11 refuses is reported at its file, line and key.
  std::vector<std::string> arguments{argc > 0 ? argv[0] : "depthrec"};
  for (const config::ConfigSetting& setting : loaded.config.settings) {
    FlagParser alone;
    std::vector<std::string> setting_arguments{arguments.front()};
    for (std::string& argument : arguments_of(setting)) {
      setting_arguments.push_back(argument);
      arguments.push_back(std::move(argument));
    }
    if (std::string error = parse_into(alone, setting_arguments); !error.empty())
      return exit_with(2, "depthrec: " + loaded.config.file + ":" + std::to_string(setting.line) +
                              ": " + setting.key + ": " + error);
  }
  // The file's settings, then the command line: its flags come last and win (TakeLast).
  for (int i = 1; i < argc; ++i) arguments.emplace_back(argv[i]);
  auto merged = std::make_unique<FlagParser>();
  if (std::string error = parse_into(*merged, arguments); !error.empty())
    return exit_with(2, "depthrec: " + error);
  std::vector<std::string> warnings = loaded.config.warnings;
  return finish(*merged, std::move(loaded.config), std::move(warnings));
}

}  // namespace depthrec::cli
