// The depthrec command line: the seed's flags with the seed's defaults, plus ours.
#pragma once

#include <string>
#include <vector>

#include "depthrec/recorder_config.hpp"
#include "depthrec/symbol_selection.hpp"

namespace depthrec::cli {

struct ParsedCommandLine {
  RecorderConfig config;
  // What --symbols (or the seed's --symbol) selects. A single name is config.symbol on its market
  // (config.market); several names are config.subscriptions; a selection with ALL is
  // config.symbol_selection, resolved by the engine against exchangeInfo.
  SymbolSelection selection;
  int exit_code = -1;   // >= 0: exit now with this code (after --help, --version or an error)
  std::string message;  // what to print before exiting (help text or error)
};

ParsedCommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace depthrec::cli
