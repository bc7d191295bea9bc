// Which streams a library consumer (a callback or a hand-off queue, see recorder.hpp) is given:
// every stream (the default), or those named by their SubscriptionKey or by (market, symbol)
// (every depth stream of that book; a bookTicker key names its book too); symbols in any case. The
// Recorder resolves a filter once, at start, to the streams it names: a stream not named never
// calls the consumer, and no update compares a name.
#pragma once

#include <initializer_list>
#include <set>
#include <string>
#include <utility>

#include "depthrec/market.hpp"
#include "depthrec/subscription.hpp"

namespace depthrec {

class KeyFilter {
 public:
  KeyFilter() = default;  // every stream
  KeyFilter(std::initializer_list<SubscriptionKey> keys);
  KeyFilter(std::initializer_list<std::pair<Market, std::string>> books);

  KeyFilter& add(const SubscriptionKey& key);
  KeyFilter& add(Market market, const std::string& symbol);

  bool every_stream() const { return keys_.empty() && books_.empty(); }
  // Whether the stream of `key` is named (by its key, or its book's market and symbol).
  bool matches(const SubscriptionKey& key) const;
  // A name of the filter that no stream of `subscribed` matches ("usdm:XRPUSDT" or a key as
  // to_string() writes it); empty when every name matches one. A name that matches nothing is a
  // mistake (a typo, a symbol not subscribed): the Recorder refuses to start with it.
  template <typename Keys>
  std::string unmatched(const Keys& subscribed) const {
    for (const SubscriptionKey& key : keys_) {
      if (!contains(subscribed, [&](const SubscriptionKey& k) { return k == key; }))
        return to_string(key);
    }
    for (const auto& [market, symbol] : books_) {
      if (!contains(subscribed, [&, &m = market, &s = symbol](const SubscriptionKey& k) {
            return k.market == m && k.symbol == s;
          }))
        return std::string(to_string(market)) + ":" + symbol;
    }
    return {};
  }

 private:
  template <typename Keys, typename Predicate>
  static bool contains(const Keys& keys, Predicate predicate) {
    for (const SubscriptionKey& key : keys) {
      if (predicate(key)) return true;
    }
    return false;
  }

  std::set<SubscriptionKey> keys_;
  std::set<std::pair<Market, std::string>> books_;
};

}  // namespace depthrec
