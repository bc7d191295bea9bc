#include "depthrec/symbol_selection.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

namespace depthrec {
namespace {

constexpr std::size_t kMaxAssetChars = 20;  // Binance's longest assets are ~10 ("1000CHEEMS")

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits on commas, keeping empty parts so that "A,,B" and "A," can be refused.
std::vector<std::string_view> comma_parts(std::string_view text) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t comma = text.find(',');
    parts.push_back(trimmed(text.substr(0, comma)));
    if (comma == std::string_view::npos) return parts;
    text.remove_prefix(comma + 1);
  }
}

bool is_asset(std::string_view asset) {
  if (asset.empty() || asset.size() > kMaxAssetChars) return false;
  return std::all_of(asset.begin(), asset.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

std::string quoted(std::string_view text) {
  // Selection text comes from the user's command line: shown as given, cut if absurdly long.
  return "'" + std::string(text.substr(0, 64)) + (text.size() > 64 ? "...'" : "'");
}

}  // namespace

bool SymbolSelection::has_all() const {
  return std::any_of(items.begin(), items.end(), [](const SelectionItem& i) { return i.is_all(); });
}

std::size_t SymbolSelection::named_count() const {
  return static_cast<std::size_t>(std::count_if(
      items.begin(), items.end(), [](const SelectionItem& i) { return !i.is_all(); }));
}

std::vector<Market> SymbolSelection::markets() const {
  std::vector<Market> result;
  for (const SelectionItem& item : items) result.push_back(item.market);
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

SymbolSelection single_symbol_selection(Market market, std::string_view symbol) {
  SymbolSelection selection;
  selection.items.push_back(SelectionItem{market, to_upper(symbol)});
  return selection;
}

std::string to_string(const SelectionItem& item) {
  return std::string(to_string(item.market)) + ":" + (item.is_all() ? "ALL" : item.symbol);
}

std::string parse_symbol_selection(std::string_view text, Market default_market,
                                   SymbolSelection& out) {
  out.items.clear();
  if (trimmed(text).empty())
    return "--symbols is empty: name symbols (BTCUSDT,ETHUSDT, or usdm:BTCUSDT,spot:ETHUSDT) or "
           "ALL";
  const std::vector<std::string_view> parts = comma_parts(text);
  std::vector<SelectionItem> items;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.empty())
      return "--symbols item " + std::to_string(i + 1) +
             " is empty (two commas in a row, or one at an end)";
    SelectionItem item{default_market, {}};
    if (const std::size_t colon = part.find(':'); colon != std::string_view::npos) {
      const std::string_view market_name = trimmed(part.substr(0, colon));
      const std::optional<Market> market = parse_market(market_name);
      if (!market)
        return "--symbols: unknown market " + quoted(market_name) + " in " + quoted(part) +
               ": use spot, usdm or coinm";
      item.market = *market;
      part = trimmed(part.substr(colon + 1));
    }
    const std::string name = to_upper(part);
    if (name != "ALL") {
      if (!is_valid_symbol(name))
        return "--symbols: invalid symbol " + quoted(part) +
               ": use letters, digits, '_' or '-' (1-32 characters)";
      item.symbol = name;
    }
    items.push_back(std::move(item));
  }

  // Sorted by market, ALL ("") first in each market: repeats and ALL beside names are neighbours.
  std::vector<const SelectionItem*> sorted;
  sorted.reserve(items.size());
  for (const SelectionItem& item : items) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(), [](const SelectionItem* a, const SelectionItem* b) {
    return std::tie(a->market, a->symbol) < std::tie(b->market, b->symbol);
  });
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const SelectionItem& a = *sorted[i - 1];
    const SelectionItem& b = *sorted[i];
    if (a.market != b.market) continue;
    if (a.symbol == b.symbol) return "--symbols lists " + to_string(a) + " twice";
    if (a.is_all())
      return "--symbols lists both ALL and " + b.symbol + " on " +
             std::string(to_string(a.market)) +
             ": ALL already takes every TRADING symbol there; name symbols or use ALL (with "
             "--quote to filter), not both";
  }
  out.items = std::move(items);
  return {};
}

std::string parse_quote_assets(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  std::vector<std::string> assets;
  for (std::string_view part : comma_parts(text)) {
    const std::string asset = to_upper(part);
    if (!is_asset(asset))
      return "--quote: invalid asset " + quoted(part) +
             ": use letters and digits (1-20), e.g. USDT";
    if (std::find(assets.begin(), assets.end(), asset) != assets.end())
      return "--quote lists " + asset + " twice";
    assets.push_back(asset);
  }
  out = std::move(assets);
  return {};
}

std::string validate_selection(const SymbolSelection& selection) {
  if (selection.items.empty()) return "no symbol selected";
  if (!selection.quote_assets.empty() && !selection.has_all())
    return "--quote filters ALL, and --symbols names no ALL (e.g. --symbols ALL --quote USDT)";
  const std::size_t named = selection.named_count();
  if (selection.max_symbols > 0 && named > selection.max_symbols)
    return "--symbols names " + std::to_string(named) + " symbols, more than --max-symbols " +
           std::to_string(selection.max_symbols);
  return {};
}

}  // namespace depthrec
