// depthrec --check-config and --list-symbols: what a run would record, said without connecting.
// The plan is the ConnectionPlanner's (the engine's placement of streams on connections) and the
// REST budget the scheduler would hold; a run of ALL is resolved against exchangeInfo at start
// and cannot be planned offline (it says so).
#pragma once

#include <string>

#include "cli/cli_options.hpp"

namespace depthrec::cli {

struct PlanReport {
  std::string text;
  bool ok = true;  // false: the planner refused a stream (the text says which and why)
};

// Streams, connections and the streams on each, REST budget per pool and the expected initial
// sync time (snapshot weight sum / the budget initial syncs may use per window).
PlanReport describe_plan(const ParsedCommandLine& parsed);

// The configured symbols, one line each: market, symbol, streams (and "disabled" or the streams
// not recorded yet, for a config file's symbols).
std::string describe_symbols(const ParsedCommandLine& parsed);

}  // namespace depthrec::cli
