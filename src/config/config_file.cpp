#include "config/config_file.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "config/yaml_reader.hpp"
#include "depthrec/symbol_selection.hpp"

namespace depthrec::config {
namespace {

constexpr std::array<std::string_view, 5> kTopKeys{"mode", "modes", "performance", "storage",
                                                   "recorder"};
constexpr std::array<std::string_view, 2> kModes{"development", "production"};
constexpr std::array<std::string_view, 3> kModeKeys{"run_duration", "max_workers", "symbols"};
constexpr std::array<std::string_view, 4> kSymbolKeys{"symbol", "streams", "enabled", "market"};
constexpr std::array<std::string_view, 4> kPerformanceKeys{"queue_maxsize", "batch_size",
                                                           "flush_interval", "process_priority"};
constexpr std::array<std::string_view, 3> kStorageKeys{"output_directory", "file_format",
                                                       "daily_rotation"};
constexpr double kMaxRunSeconds = 10.0 * 365 * 86400;  // ten years: beyond it, surely a typo

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

class Loader {
 public:
  Loader(const std::string& file, const LoadOptions& options) : yaml_(file), options_(options) {
    loaded_.file = file;
  }

  LoadedConfig load(std::string_view text) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::DeepRecursion& error) {
      // yaml-cpp stops at its depth limit with a message of "bad file": say what it means.
      yaml_.fail(error.mark.is_null() ? 1 : error.mark.line + 1, "",
                 "not a config file: nested " + std::to_string(error.depth()) +
                     " levels deep (seed 003's shape is 5 deep)");
    } catch (const YAML::Exception& error) {
      yaml_.fail(error.mark.is_null() ? 1 : error.mark.line + 1, "",
                 "not valid YAML: " + error.msg);
    }
    if (root.IsNull()) yaml_.fail(1, "", "empty: expected seed 003's keys (mode, modes...)");
    yaml_.check_map(root, "", 1, kTopKeys);
    select_mode(root);
    // A section's errors about itself name its key's line (its value's mark is its first key).
    read_modes(root["modes"], key_line(root, "modes", 1));
    if (root["performance"])
      read_performance(root["performance"], key_line(root, "performance", 1));
    if (root["storage"]) read_storage(root["storage"], key_line(root, "storage", 1));
    if (root["recorder"]) read_recorder(root["recorder"], key_line(root, "recorder", 1));
    return std::move(loaded_);
  }

 private:
  static int line_of(const YAML::Node& node, int fallback) {
    return YamlReader::line_of(node, fallback);
  }
  // The line of `map`'s key `name` (a value's mark is null when it is empty).
  static int key_line(const YAML::Node& map, std::string_view name, int fallback) {
    for (const auto& entry : map) {
      if (entry.first.Scalar() == name) return line_of(entry.first, fallback);
    }
    return fallback;
  }

  void warn(int line, const std::string& key, const std::string& why) {
    loaded_.warnings.push_back(yaml_.message(line, key, why));
  }

  // A flag set by a key of the file; two keys setting one flag is an error.
  void set(const std::string& flag, std::vector<std::string> values, const std::string& key,
           int line) {
    for (const ConfigSetting& setting : loaded_.settings) {
      if (setting.flag == flag)
        yaml_.fail(line, key,
                   "sets --" + flag + ", as " + setting.key + " (line " +
                       std::to_string(setting.line) + ") does: keep one");
    }
    loaded_.settings.push_back({flag, std::move(values), key, line});
  }

  void select_mode(const YAML::Node& root) {
    if (!root["modes"])
      yaml_.fail(1, "modes", "missing: seed 003's modes.<mode>.symbols lists the symbols");
    if (root["mode"]) {
      const int line = key_line(root, "mode", 1);
      const std::string mode = yaml_.text(root["mode"], "mode", line);
      if (mode != "development" && mode != "production")
        yaml_.fail(line, "mode", "must be development or production, not '" + mode + "'");
      loaded_.mode = mode;
    }
    if (!options_.mode.empty()) loaded_.mode = options_.mode;  // --mode overrides the file
    if (loaded_.mode.empty())
      yaml_.fail(1, "mode", "missing: set mode: development|production or pass --mode");
  }

  void read_modes(const YAML::Node& modes, int line) {
    yaml_.check_map(modes, "modes", line, kModes);
    if (!modes[loaded_.mode])
      yaml_.fail(line, "modes", "has no '" + loaded_.mode + "' (the mode selected)");
    // Every mode is checked, so a mistake in the one not run today is found today.
    for (const auto& entry : modes) {
      const std::string name = entry.first.Scalar();
      read_mode(entry.second, "modes." + name, line_of(entry.first, line), name == loaded_.mode);
    }
  }

  void read_mode(const YAML::Node& mode, const std::string& key, int line, bool selected) {
    yaml_.check_map(mode, key, line, kModeKeys);
    if (const YAML::Node duration = mode["run_duration"]) {
      const std::string duration_key = key + ".run_duration";
      const int at = key_line(mode, "run_duration", line);
      const double seconds = yaml_.number(duration, duration_key, at, 0, kMaxRunSeconds);
      // 0 is the seed's "run until stopped", depthrec's default.
      if (selected && seconds > 0)
        set("run-minutes", {format_number(seconds / 60.0)}, duration_key, at);
    }
    if (const YAML::Node workers = mode["max_workers"]) {
      const std::string workers_key = key + ".max_workers";
      const int at = key_line(mode, "max_workers", line);
      yaml_.integer(workers, workers_key, at, 1, 1'000'000);
      if (selected)
        warn(at, workers_key,
             "not applied: depthrec records every symbol in one process (one network thread, "
             "one writer thread), not a process per symbol");
    }
    if (!mode["symbols"]) yaml_.fail(line, key + ".symbols", "missing: list the symbols to record");
    read_symbols(mode["symbols"], key + ".symbols", key_line(mode, "symbols", line), selected);
  }

  void read_symbols(const YAML::Node& symbols, const std::string& key, int line, bool selected) {
    if (!symbols.IsSequence())
      yaml_.fail(line, key, "must be a list of symbols (- symbol: BTCUSDT ...)");
    if (symbols.size() == 0) yaml_.fail(line, key, "is empty: list at least one symbol");
    std::map<std::pair<std::string, std::string>, int> seen;  // (market, SYMBOL) -> line
    std::vector<ConfigSymbol> read;
    bool any_enabled = false;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      ConfigSymbol symbol = read_symbol(symbols[i], key + "[" + std::to_string(i) + "]", line);
      const std::string market =
          symbol.market ? std::string(to_string(*symbol.market)) : std::string("(--market)");
      const auto [previous, inserted] =
          seen.emplace(std::make_pair(market, symbol.symbol), symbol.line);
      if (!inserted)
        yaml_.fail(symbol.line, symbol.key + ".symbol",
                   symbol.symbol + " is listed twice (also line " +
                       std::to_string(previous->second) + ")");
      any_enabled = any_enabled || symbol.enabled;
      read.push_back(std::move(symbol));
    }
    if (!any_enabled)
      yaml_.fail(line, key, "every symbol is disabled (enabled: false): nothing to record");
    if (!selected) return;
    for (const ConfigSymbol& symbol : read) {
      if (!symbol.enabled) continue;
      for (const ConfigStream& stream : symbol.streams) {
        if (stream.parsed.kind == StreamNameKind::unsupported)
          loaded_.unsupported_streams.push_back(
              yaml_.message(stream.line, stream.key, stream.parsed.message));
      }
    }
    loaded_.symbols = std::move(read);
  }

  ConfigSymbol read_symbol(const YAML::Node& node, const std::string& key, int fallback) {
    ConfigSymbol symbol;
    symbol.key = key;
    symbol.line = line_of(node, fallback);
    yaml_.check_map(node, key, symbol.line, kSymbolKeys);
    if (!node["symbol"]) yaml_.fail(symbol.line, key + ".symbol", "missing: e.g. symbol: BTCUSDT");
    const int symbol_line = key_line(node, "symbol", symbol.line);
    symbol.symbol = to_upper(yaml_.text(node["symbol"], key + ".symbol", symbol_line));
    if (!is_valid_symbol(symbol.symbol))
      yaml_.fail(symbol_line, key + ".symbol",
                 "'" + symbol.symbol + "' is not a symbol (letters and digits, e.g. BTCUSDT)");
    if (const YAML::Node market = node["market"]) {
      const int at = key_line(node, "market", symbol.line);
      const std::string text = yaml_.text(market, key + ".market", at);
      symbol.market = parse_market(text);
      if (!symbol.market)
        yaml_.fail(at, key + ".market", "must be spot, usdm or coinm, not '" + text + "'");
    }
    if (const YAML::Node enabled = node["enabled"])
      symbol.enabled =
          yaml_.boolean(enabled, key + ".enabled", key_line(node, "enabled", symbol.line));
    if (!node["streams"])
      yaml_.fail(symbol.line, key + ".streams", "missing: e.g. streams: [depth@100ms]");
    read_streams(node["streams"], key + ".streams", key_line(node, "streams", symbol.line), symbol);
    return symbol;
  }

  void read_streams(const YAML::Node& streams, const std::string& key, int line,
                    ConfigSymbol& symbol) {
    if (!streams.IsSequence()) yaml_.fail(line, key, "must be a list, e.g. [depth@100ms]");
    if (streams.size() == 0) yaml_.fail(line, key, "is empty: list at least one stream");
    for (std::size_t i = 0; i < streams.size(); ++i) {
      const std::string item_key = key + "[" + std::to_string(i) + "]";
      ConfigStream stream;
      stream.line = line_of(streams[i], line);
      stream.key = item_key;
      stream.name = yaml_.text(streams[i], item_key, stream.line);
      stream.parsed = parse_stream_name(stream.name);
      if (stream.parsed.kind == StreamNameKind::unknown ||
          stream.parsed.kind == StreamNameKind::bad_interval)
        yaml_.fail(stream.line, item_key, stream.parsed.message);
      for (const ConfigStream& earlier : symbol.streams) {
        if (earlier.name == stream.name)
          yaml_.fail(stream.line, item_key,
                     "'" + stream.name + "' is listed twice (also line " +
                         std::to_string(earlier.line) + ")");
      }
      symbol.streams.push_back(std::move(stream));
    }
  }

  void read_performance(const YAML::Node& performance, int line) {
    yaml_.check_map(performance, "performance", line, kPerformanceKeys);
    if (const YAML::Node queue = performance["queue_maxsize"]) {
      const int at = key_line(performance, "queue_maxsize", line);
      const long long records =
          yaml_.integer(queue, "performance.queue_maxsize", at, 1, 1'000'000'000);
      set("queue-capacity", {std::to_string(records)}, "performance.queue_maxsize", at);
    }
    if (const YAML::Node batch = performance["batch_size"]) {
      const int at = key_line(performance, "batch_size", line);
      yaml_.integer(batch, "performance.batch_size", at, 1, 1'000'000'000);
      warn(at, "performance.batch_size",
           "not applied: depthrec's writer thread takes every queued record at each wake-up (it "
           "wakes at 256 queued records or at its 1 s flush)");
    }
    if (const YAML::Node flush = performance["flush_interval"]) {
      const int at = key_line(performance, "flush_interval", line);
      const double seconds = yaml_.number(flush, "performance.flush_interval", at, 0, 86400);
      if (seconds != 1)
        warn(at, "performance.flush_interval",
             "not applied: depthrec flushes its files every 1 s (fixed), not every " +
                 format_number(seconds) + " s");
    }
    if (const YAML::Node priority = performance["process_priority"]) {
      const int at = key_line(performance, "process_priority", line);
      const std::string value = yaml_.text(priority, "performance.process_priority", at);
      warn(at, "performance.process_priority",
           "not applied: depthrec does not change its own priority ('" + value +
               "'); start it with nice or chrt");
    }
  }

  void read_storage(const YAML::Node& storage, int line) {
    yaml_.check_map(storage, "storage", line, kStorageKeys);
    if (const YAML::Node directory = storage["output_directory"]) {
      const int at = key_line(storage, "output_directory", line);
      const std::string path = yaml_.text(directory, "storage.output_directory", at);
      if (path.empty()) yaml_.fail(at, "storage.output_directory", "must not be empty");
      set("data-dir", {path}, "storage.output_directory", at);
    }
    // file_format first: daily_rotation means something for CSV files only.
    std::string format = "ndjson";
    if (const YAML::Node node = storage["file_format"]) {
      const int at = key_line(storage, "file_format", line);
      format = yaml_.text(node, "storage.file_format", at);
      if (format != "ndjson" && format != "csv" && format != "both")
        yaml_.fail(at, "storage.file_format", "must be ndjson, csv or both, not '" + format + "'");
      set("format", {format}, "storage.file_format", at);
    }
    if (const YAML::Node daily = storage["daily_rotation"]) {
      const int at = key_line(storage, "daily_rotation", line);
      const bool rotate_daily = yaml_.boolean(daily, "storage.daily_rotation", at);
      if (format != "ndjson")
        set("csv-rotation", {rotate_daily ? "daily" : "none"}, "storage.daily_rotation", at);
      if (format != "csv")
        warn(at, "storage.daily_rotation",
             std::string(format == "both" ? "for the CSV files only; the NDJSON segments rotate "
                                          : "depthrec's NDJSON segments rotate ") +
                 "every --rotate-sec (60 s) or --max-bytes, each named by its UTC start time "
                 "(<prefix>.YYYYmmdd-HHMMSSZ.<seq>.ndjson.gz)");
    }
  }

  void read_recorder(const YAML::Node& recorder, int line) {
    yaml_.check_unique_keys(recorder, "recorder", line);
    for (const auto& entry : recorder) {
      const std::string name = entry.first.Scalar();
      const std::string key = "recorder." + name;
      const int at = line_of(entry.first, line);
      const FlagSpec* spec = find_flag(name);
      if (!spec) {
        std::string hint = name;
        for (char& c : hint) c = c == '_' ? '-' : c;
        yaml_.fail(at, key,
                   "unknown key: not a depthrec flag" + (hint != name && find_flag(hint)
                                                             ? " (did you mean " + hint + "?)"
                                                             : std::string(" (depthrec --help)")));
      }
      const YAML::Node& value = entry.second;
      if (!spec->takes_value) {
        set(name, {yaml_.boolean(value, key, at) ? "true" : "false"}, key, at);
      } else if (spec->repeatable && value.IsSequence()) {
        std::vector<std::string> values;
        for (std::size_t i = 0; i < value.size(); ++i)
          values.push_back(yaml_.text(value[i], key + "[" + std::to_string(i) + "]", at));
        set(name, std::move(values), key, at);
      } else {
        if (value.IsNull()) yaml_.fail(at, key, "needs a value");
        set(name, {yaml_.text(value, key, at)}, key, at);
      }
    }
  }

  const FlagSpec* find_flag(const std::string& name) const {
    for (const FlagSpec& spec : options_.flags) {
      if (spec.name == name) return &spec;
    }
    return nullptr;
  }

  YamlReader yaml_;
  const LoadOptions& options_;
  LoadedConfig loaded_;
};

}  // namespace

LoadResult load_config_text(std::string_view text, const std::string& file_name,
                            const LoadOptions& options) {
  LoadResult result;
  if (text.size() > kMaxConfigBytes) {
    result.error = file_name + ": larger than " + std::to_string(kMaxConfigBytes) +
                   " bytes: not a config file";
    return result;
  }
  try {
    result.config = Loader(file_name, options).load(text);
  } catch (const ConfigError& error) {
    result.error = error.what();
  } catch (const YAML::Exception& error) {  // a conversion yaml-cpp refused
    result.error = file_name + ":" +
                   std::to_string(error.mark.is_null() ? 1 : error.mark.line + 1) + ": " +
                   error.msg;
  }
  return result;
}

LoadResult load_config_file(const std::string& path, const LoadOptions& options) {
  LoadResult result;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    result.error = path + ": cannot be read";
    return result;
  }
  std::string text;
  char buffer[65536];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(file.gcount()));
    if (text.size() > kMaxConfigBytes) break;  // refused below, without reading it all
  }
  if (file.bad()) {
    result.error = path + ": read error";
    return result;
  }
  return load_config_text(text, path, options);
}

}  // namespace depthrec::config
