// Listings and delistings planned on the command line: `--list-after [MARKET:]SYM@SEC` and
// `--delist-after [MARKET:]SYM@SEC[:remove]`, SEC seconds after the start, as /sim/list and
// /sim/delist would do then. No market: the first market served.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "market_spec.hpp"

namespace depthsim {

struct ScheduledListing {
  bool list = true;     // false: delist
  bool remove = false;  // delist: gone from exchangeInfo instead of BREAK
  std::optional<Market> market;
  std::string symbol;  // upper case
  double after_sec = 0;
};

// nullopt and `error` when malformed.
std::optional<ScheduledListing> parse_scheduled_listing(std::string_view text, bool list,
                                                        std::string& error);

}  // namespace depthsim
