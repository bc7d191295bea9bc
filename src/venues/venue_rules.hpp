// The venue seam: what the venue-neutral planner asks of a venue about a key (its stream name on
// the wire, which connections may carry it, whether the venue offers it) and of a connection
// (its limits, its SUBSCRIBE text). Each venue answers from its own folder (src/venues/binance/);
// a new venue is a folder and a case in venue_rules.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "depthrec/subscription.hpp"
#include "venues/connection_limits.hpp"

namespace depthrec::venues {

// The streams one connection may mix: one venue, one market, one route ("" when the market is
// not routed, "/public" or "/market" on Binance USD-M). `route` views a string literal.
struct ConnectionGroup {
  Venue venue = Venue::binance;
  Market market = Market::usdm;
  std::string_view route;

  friend bool operator==(const ConnectionGroup& a, const ConnectionGroup& b) {
    return std::tie(a.venue, a.market, a.route) == std::tie(b.venue, b.market, b.route);
  }
  friend bool operator<(const ConnectionGroup& a, const ConnectionGroup& b) {
    return std::tie(a.venue, a.market, a.route) < std::tie(b.venue, b.market, b.route);
  }
};
std::string to_string(const ConnectionGroup& group);  // "binance:usdm/public", "binance:spot"

struct ResolvedStream {
  std::string name;  // on the wire, e.g. "btcusdt@depth@100ms"
  ConnectionGroup group;
};

struct VenueOptions {
  // Streams per futures connection (Binance documents 200 and 1024; 200 by default).
  std::size_t futures_streams_per_connection = 200;
  // Streams per spot connection (Binance allows 1024, the default).
  std::size_t spot_streams_per_connection = 1024;
  // The user's WebSocket endpoint per market (index: Market), empty for the venue's own. One that
  // names a route (Binance ".../market") only carries streams of that route.
  std::array<std::string, 3> ws_endpoints;

  std::string& ws_endpoint(Market market) { return ws_endpoints[static_cast<std::size_t>(market)]; }
  const std::string& ws_endpoint(Market market) const {
    return ws_endpoints[static_cast<std::size_t>(market)];
  }
};

// "" when the options are usable, else which one is not (streams per connection, futures and
// spot: 1 to 1024, Binance's highest documented figure).
std::string validate(const VenueOptions& options);

enum class StreamMethod { subscribe, unsubscribe };

// The planner's only view of venues. Virtual so a test can describe a venue of its own (say one
// with two routes per market) to the same planner.
class VenueRules {
 public:
  explicit VenueRules(VenueOptions options = {});
  virtual ~VenueRules() = default;

  // Fills `out` and returns "" when the venue offers the key; else a message that names the key
  // and the problem (symbol format, channel not offered on the market, route mismatch).
  virtual std::string resolve(const SubscriptionKey& key, ResolvedStream& out) const;
  virtual ConnectionLimits limits(const ConnectionGroup& group) const;
  // One live request naming `names` (a SUBSCRIBE or UNSUBSCRIBE message's text).
  virtual std::string stream_request(Venue venue, StreamMethod method,
                                     const std::vector<std::string_view>& names,
                                     std::uint64_t id) const;
  const VenueOptions& options() const { return options_; }

 private:
  VenueOptions options_;
};

}  // namespace depthrec::venues
