// Where a market's connections and REST requests go in a run: its own endpoint
// (--market-endpoint / --market-rest-endpoint) when one is given, else the run's.
#pragma once

#include <cstddef>
#include <string>

#include "depthrec/recorder_config.hpp"

namespace depthrec::session {

inline const std::string& ws_endpoint_of(const RecorderConfig& config, Market market) {
  const std::string& own = config.market_ws_endpoints[static_cast<std::size_t>(market)];
  return own.empty() ? config.ws_endpoint : own;
}

inline const std::string& rest_endpoint_of(const RecorderConfig& config, Market market) {
  const std::string& own = config.market_rest_endpoints[static_cast<std::size_t>(market)];
  return own.empty() ? config.rest_endpoint : own;
}

}  // namespace depthrec::session
