// depthrec --config FILE: a YAML file in seed 003's shape (mode, modes.<mode>.run_duration /
// max_workers / symbols, performance, storage) plus a `recorder:` section whose keys are the
// command-line flags' names. The loader turns it into settings by flag name (the CLI applies them
// under the command line, which overrides them) and the selected mode's symbols and streams.
// Keys depthrec cannot honour come back as warnings that say why; everything else that is wrong
// is an error naming the file, line and key. Reads only the file it is given (docs/config.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/stream_names.hpp"
#include "depthrec/market.hpp"

namespace depthrec::config {

// A command-line flag as the `recorder:` section may set it ("data-dir", not "--data-dir").
struct FlagSpec {
  std::string name;
  bool takes_value = true;  // false: a switch, set by true or false
  bool repeatable = false;  // given several times (a YAML list in the file)
};

// One flag the file sets, with the values it passes (a switch: "true" or "false").
struct ConfigSetting {
  std::string flag;
  std::vector<std::string> values;
  std::string key;  // as the file spells it, e.g. "storage.output_directory"
  int line = 0;     // 1-based
};

struct ConfigStream {
  std::string name;  // as written, e.g. "depth@0ms"
  StreamName parsed;
  std::string key;  // e.g. "modes.development.symbols[0].streams[1]"
  int line = 0;
};

struct ConfigSymbol {
  std::string symbol;            // upper case
  std::optional<Market> market;  // unset: the run's --market
  bool enabled = true;
  std::vector<ConfigStream> streams;
  std::string key;  // e.g. "modes.development.symbols[1]"
  int line = 0;
};

struct LoadedConfig {
  std::string file;
  std::string mode;  // the one selected (--mode, else the file's `mode`)
  std::vector<ConfigSetting> settings;
  std::vector<ConfigSymbol> symbols;  // the selected mode's, in file order, disabled ones too
  // "FILE:LINE: key: 'aggTrade' is a Binance stream depthrec does not record yet", one per
  // stream of an enabled symbol: an error unless --skip-unsupported-streams.
  std::vector<std::string> unsupported_streams;
  // Keys depthrec cannot honour (or honours differently), each with why: printed on start.
  std::vector<std::string> warnings;
};

struct LoadOptions {
  std::string mode;             // --mode; empty: the file's `mode`
  std::vector<FlagSpec> flags;  // what `recorder:` may set
};

struct LoadResult {
  LoadedConfig config;
  std::string error;  // empty: loaded
};

// The largest config file read (a config of every Binance symbol is ~200 KB).
constexpr std::size_t kMaxConfigBytes = 4u << 20;

// `file_name` only names the text in messages.
LoadResult load_config_text(std::string_view text, const std::string& file_name,
                            const LoadOptions& options);
LoadResult load_config_file(const std::string& path, const LoadOptions& options);

}  // namespace depthrec::config
