#include "listing_schedule.hpp"

#include <cmath>
#include <cstdlib>

namespace depthsim {

std::optional<ScheduledListing> parse_scheduled_listing(std::string_view text, bool list,
                                                        std::string& error) {
  const std::string flag = list ? "--list-after" : "--delist-after";
  error = flag + " '" + std::string(text) + "': expected [MARKET:]SYMBOL@SECONDS" +
          (list ? "" : "[:remove]");
  ScheduledListing entry;
  entry.list = list;
  const std::size_t at = text.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view symbol = text.substr(0, at);
  std::string_view when = text.substr(at + 1);
  if (const std::size_t colon = symbol.find(':'); colon != std::string_view::npos) {
    entry.market = parse_market(symbol.substr(0, colon));
    if (!entry.market) return std::nullopt;
    symbol = symbol.substr(colon + 1);
  }
  if (!list && when.size() > 7 && when.substr(when.size() - 7) == ":remove") {
    entry.remove = true;
    when = when.substr(0, when.size() - 7);
  }
  entry.symbol = to_upper_ascii(symbol);
  if (!is_valid_symbol_name(entry.symbol) || when.empty()) return std::nullopt;
  const std::string number(when);
  char* end = nullptr;
  entry.after_sec = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(entry.after_sec) ||
      entry.after_sec < 0) {
    return std::nullopt;
  }
  error.clear();
  return entry;
}

}  // namespace depthsim
