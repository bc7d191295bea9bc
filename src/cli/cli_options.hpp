// The depthrec command line: the seed's flags with the seed's defaults, plus ours, and a YAML
// config file (--config, seed 003's shape) that sets them by name under the command line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config_file.hpp"

#include "depthrec/recorder_config.hpp"
#include "depthrec/symbol_selection.hpp"

namespace depthrec::cli {

// What depthrec was asked to do with the config: record, or answer and exit.
enum class Command { record, check_config, list_symbols, status };

struct ParsedCommandLine {
  RecorderConfig config;
  // What --symbols (or the seed's --symbol) selects. A single name is config.symbol on its market
  // (config.market); several names are config.subscriptions; a selection with ALL is
  // config.symbol_selection, resolved by the engine against exchangeInfo.
  SymbolSelection selection;
  Command command = Command::record;
  // The config file as loaded (--config), for --list-symbols.
  std::optional<config::LoadedConfig> file;
  // Keys of the config file depthrec cannot honour, each with why: printed on start.
  std::vector<std::string> warnings;
  int exit_code = -1;   // >= 0: exit now with this code (after --help, --version or an error)
  std::string message;  // what to print before exiting (help text or error)
};

ParsedCommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace depthrec::cli
