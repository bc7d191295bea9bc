// The depthrec-ofi command line: the symbols (depthrec's --symbol / --symbols, cli/symbol_flags),
// the recorder's connection flags, the OFI windows, the outputs.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "depthrec/recorder_config.hpp"
#include "ofi_calculator.hpp"
#include "ofi_streams.hpp"

namespace depthrec::ofi {

struct OfiToolOptions {
  // write_files only with --record. Several symbols: recorder.subscriptions holds their keys.
  RecorderConfig recorder;
  std::vector<OfiStream> streams;  // --symbol / --symbols: one calculator each, in that order
  OfiConfig ofi;
  std::string out;         // NDJSON windows: "" none, "-" stdout, else a file (appended to)
  bool print = false;      // a human line per window (stdout, or stderr when --out is stdout)
  bool use_queue = false;  // consume a BookUpdateQueue on the main thread instead of the callback
  std::size_t queue_capacity = 65'536;
};

struct ParsedOfiCommandLine {
  OfiToolOptions options;
  int exit_code = -1;   // >= 0: exit now with this code (after --help or an error)
  std::string message;  // what to print before exiting
};

ParsedOfiCommandLine parse_ofi_command_line(int argc, const char* const* argv);

}  // namespace depthrec::ofi
