// Keys and rules shared by the planner tests.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "plan/connection_planner.hpp"
#include "venues/venue_rules.hpp"

namespace depthrec::plan::test {

inline std::string numbered_symbol(int i, const char* quote = "USDT") {
  char text[24];
  std::snprintf(text, sizeof text, "S%04d%s", i, quote);
  return text;
}

inline SubscriptionKey key(Market market, const std::string& symbol, Channel channel) {
  return SubscriptionKey{Venue::binance, market, symbol, channel};
}

inline SubscriptionKey depth100(Market market, const std::string& symbol) {
  return key(market, symbol, Channel::diff_depth(StreamSpeed::ms100));
}

// `count` symbols from `first`, each with depth@100ms and, if asked, bookTicker.
inline std::vector<SubscriptionKey> market_keys(Market market, int first, int count,
                                                bool book_ticker) {
  std::vector<SubscriptionKey> keys;
  for (int i = first; i < first + count; ++i) {
    keys.push_back(depth100(market, numbered_symbol(i)));
    if (book_ticker) keys.push_back(key(market, numbered_symbol(i), Channel::book_ticker()));
  }
  return keys;
}

inline std::shared_ptr<const venues::VenueRules> binance_rules(venues::VenueOptions options = {}) {
  return std::make_shared<const venues::VenueRules>(std::move(options));
}

}  // namespace depthrec::plan::test
