// One observer's counts (observer.hpp), as metrics.json's "observers" array writes them.
#pragma once

#include <cstdint>
#include <string>

namespace depthrec {

struct ObserverFigures {
  std::string name;              // ObserverOptions::name or "<channel>#<n>"
  std::string channel;           // "depth", "book", "trade", "aggTrade", "kline", "bookTicker", ...
  bool queued = true;            // Delivery::queued (false: synchronous)
  std::uint64_t delivered = 0;   // events the observer's callback was called with
  std::uint64_t dropped = 0;     // events not queued: its queue was full
  std::uint64_t errors = 0;      // calls that threw (counted in `delivered` too)
  std::uint64_t queued_now = 0;  // events waiting for it when the figures were taken
};

}  // namespace depthrec
