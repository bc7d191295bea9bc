#include "depthrec/market.hpp"

namespace depthrec {

std::optional<Market> parse_market(std::string_view name) {
  if (name == "spot") return Market::spot;
  if (name == "usdm") return Market::usdm;
  if (name == "coinm") return Market::coinm;
  return std::nullopt;
}

std::string_view to_string(Market market) {
  switch (market) {
    case Market::spot:
      return "spot";
    case Market::usdm:
      return "usdm";
    case Market::coinm:
      return "coinm";
  }
  return "unknown";
}

bool is_valid_symbol(std::string_view symbol) {
  if (symbol.empty() || symbol.size() > 32) return false;
  for (char c : symbol) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// ASCII only on purpose: std::toupper depends on the locale, and symbols are ASCII.
std::string to_upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return result;
}

std::string to_lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

}  // namespace depthrec
