#include "cli/symbol_flags.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

namespace depthrec::cli {
namespace {

// The last of `options` the command line gave (nullptr: none): --symbol and --symbols name the same
// thing, and as with any flag given twice the last one wins (wrappers pass defaults the user
// overrides, e.g. tools/run.sh's --symbol BTCUSDT).
const CLI::Option* last_given(const CLI::App& app,
                              std::initializer_list<const CLI::Option*> options) {
  const std::vector<CLI::Option*>& order = app.parse_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (std::find(options.begin(), options.end(), *it) != options.end()) return *it;
  }
  return nullptr;
}

}  // namespace

void add_symbol_flags(CLI::App& app, std::string& symbol, SymbolFlags& flags,
                      const std::string& several) {
  flags.symbol_option =
      app.add_option("--symbol", symbol, "Symbol to record, e.g. BTCUSDT (as --symbols BTCUSDT)")
          ->capture_default_str();
  flags.symbols_option = app.add_option(
      "--symbols", flags.symbols_text,
      "Symbols to record: BTCUSDT,ETHUSDT on --market, or each on its own market "
      "(usdm:BTCUSDT,spot:ETHUSDT), or ALL (a market's TRADING symbols from exchangeInfo, e.g. "
      "usdm:ALL). A symbol twice, or ALL beside names of its market, is refused. " +
          several);
  app.add_option("--quote", flags.quote_text,
                 "With ALL: only symbols quoted in these assets, e.g. USDT or USDT,USDC");
  app.add_option("--max-symbols", flags.max_symbols,
                 "At most this many symbols in all (named ones first, then ALL's by name); "
                 "0: no cap")
      ->capture_default_str();
}

std::string select_symbols(const CLI::App& app, const SymbolFlags& flags, RecorderConfig& config,
                           SymbolSelection& selection) {
  config.symbol = to_upper(config.symbol);
  const bool from_symbols =
      last_given(app, {flags.symbol_option, flags.symbols_option}) == flags.symbols_option;
  if (from_symbols) {
    if (std::string error = parse_symbol_selection(flags.symbols_text, config.market, selection);
        !error.empty())
      return error;
  } else {
    selection = single_symbol_selection(config.market, config.symbol);
  }
  if (!flags.quote_text.empty()) {
    if (std::string error = parse_quote_assets(flags.quote_text, selection.quote_assets);
        !error.empty())
      return error;
  }
  if (flags.max_symbols < 0) return "--max-symbols must be 0 (no cap) or more";
  selection.max_symbols = static_cast<std::size_t>(flags.max_symbols);
  if (std::string error = validate_selection(selection); !error.empty()) return error;
  // ALL: the engine resolves the selection against the exchange's list at start.
  if (selection.has_all()) {
    config.symbol_selection = selection;
    return {};
  }
  config.symbol = selection.items.front().symbol;
  config.market = selection.items.front().market;
  return {};
}

void subscribe_selection(const SymbolSelection& selection, RecorderConfig& config) {
  if (selection.items.size() <= 1 || selection.has_all()) return;
  std::vector<std::pair<Market, std::string>> symbols;
  for (const SelectionItem& item : selection.items) symbols.emplace_back(item.market, item.symbol);
  config.subscriptions = subscriptions_of(config, symbols);
}

}  // namespace depthrec::cli
