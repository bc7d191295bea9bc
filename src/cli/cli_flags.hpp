// The depthrec flags, one table: the command line parses them, and a config file's `recorder:`
// section sets them by the same names (config_flag_specs), so the two cannot drift.
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "cli/symbol_flags.hpp"
#include "config/config_file.hpp"
#include "depthrec/recorder_config.hpp"

namespace depthrec::cli {

// What the flags capture, before cli_options.cpp maps it onto the RecorderConfig.
struct FlagValues {
  RecorderConfig config;
  SymbolFlags symbol_flags;
  std::string market = "usdm";
  std::string depth = "5";
  std::string rotate = "interval";
  std::string format = "ndjson";       // --format ndjson|csv|both
  std::string csv_rotation = "daily";  // --csv-rotation daily|none
  double run_minutes = 0;
  long stall_ms = config.stall_timeout.count();
  long backoff_max_ms = config.backoff_max.count();
  long rest_timeout_ms = config.rest_timeout.count();
  long presync_tail_ms = config.presync_tail.count();
  std::size_t max_presync_mb = config.max_presync_buffer_bytes >> 20;
  long rest_window_ms = config.rest_weight_window.count();
  double max_age_sec = static_cast<double>(config.max_connection_age.count()) / 1000.0;
  bool no_rollover = false;
  std::vector<std::string> market_endpoints;
  std::vector<std::string> market_rest_endpoints;
  std::vector<std::string> streams;          // --streams (stream_flags.hpp)
  std::string klines = "all";                // --klines all|closed
  std::string parquet_rotate = "1h";         // --parquet-rotate (parquet_tables/rotation.hpp)
  std::string parquet_book_every = "100ms";  // --parquet-book-every (parquet_tables/book_interval)
  double parquet_row_group_mb = static_cast<double>(config.parquet_row_group_bytes) / (1u << 20);

  // The config file and the commands on it (docs/config.md).
  std::string config_file;
  std::string mode;
  bool skip_unsupported_streams = false;
  bool check_config = false;
  bool list_symbols = false;
  bool status = false;
};

// Adds every flag to `app`, each writing into `values`.
void add_flags(CLI::App& app, FlagValues& values);

// The flags a config file's `recorder:` section may set: every flag of `app` but the ones that
// name the file or act on it (--config, --mode: the file's own `mode:`, --check-config,
// --list-symbols, --status) and --help / --version.
std::vector<config::FlagSpec> config_flag_specs(const CLI::App& app);

}  // namespace depthrec::cli
