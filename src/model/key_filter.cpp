#include "depthrec/key_filter.hpp"

#include <utility>

namespace depthrec {

KeyFilter::KeyFilter(std::initializer_list<SubscriptionKey> keys) {
  for (const SubscriptionKey& key : keys) add(key);
}

KeyFilter::KeyFilter(std::initializer_list<std::pair<Market, std::string>> books) {
  for (const auto& [market, symbol] : books) add(market, symbol);
}

// Symbols as the recorder keys them (upper case), whatever case the caller wrote. A bookTicker
// key names its symbol's book: its updates are the book's (the ticker rides with the depth).
KeyFilter& KeyFilter::add(const SubscriptionKey& key) {
  if (key.channel.kind == ChannelKind::book_ticker) return add(key.market, key.symbol);
  SubscriptionKey upper = key;
  upper.symbol = to_upper(key.symbol);
  keys_.insert(std::move(upper));
  return *this;
}

KeyFilter& KeyFilter::add(Market market, const std::string& symbol) {
  books_.emplace(market, to_upper(symbol));
  return *this;
}

bool KeyFilter::matches(const SubscriptionKey& key) const {
  if (every_stream()) return true;
  return keys_.count(key) > 0 || books_.count(std::make_pair(key.market, key.symbol)) > 0;
}

}  // namespace depthrec
