// The symbol flags every tool that runs a Recorder shares (depthrec, depthrec-ofi): the seed's
// --symbol, --symbols (model/symbol_selection.hpp's grammar), --quote and --max-symbols, parsed
// into a SymbolSelection and mapped onto the RecorderConfig, one way for every tool.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "depthrec/recorder_config.hpp"
#include "depthrec/symbol_selection.hpp"

namespace depthrec::cli {

// What the flags captured; filled by CLI11 during app.parse().
struct SymbolFlags {
  const CLI::Option* symbol_option = nullptr;
  const CLI::Option* symbols_option = nullptr;
  std::string symbols_text;
  std::string quote_text;
  long long max_symbols = 0;  // signed: CLI11 would wrap "-1" into a huge std::size_t
};

// Adds --symbol (into `symbol`), --symbols, --quote and --max-symbols to `app`. `several` ends the
// --symbols help: what the tool does with several symbols.
void add_symbol_flags(CLI::App& app, std::string& symbol, SymbolFlags& flags,
                      const std::string& several);

// After app.parse(): fills `selection` from the last of --symbol / --symbols given, --quote and
// --max-symbols, and maps a first named symbol onto config.symbol and config.market. Returns ""
// or the error to print.
std::string select_symbols(const CLI::App& app, const SymbolFlags& flags, RecorderConfig& config,
                           SymbolSelection& selection);

// More than one symbol: the keys the many-stream engine records (config.subscriptions), from the
// config's depth channel (depth_levels, speed, record_book_ticker: set them first). One symbol
// leaves config.subscriptions empty: the single stream, exactly as the seed records it.
void subscribe_selection(const SymbolSelection& selection, RecorderConfig& config);

}  // namespace depthrec::cli
