#include "venues/venue_rules.hpp"

#include <optional>
#include <utility>

#include "depthrec/peer_text.hpp"
#include "venues/binance/binance_endpoints.hpp"
#include "venues/binance/binance_limits.hpp"
#include "venues/binance/binance_requests.hpp"
#include "venues/binance/binance_streams.hpp"

namespace depthrec::venues {
namespace {

std::string resolve_binance(const VenueOptions& options, const SubscriptionKey& key,
                            ResolvedStream& out) {
  if (!binance::is_valid_symbol(key.symbol)) {
    return "unknown symbol format '" + peer_text(key.symbol) +
           "': Binance symbols are 1-32 of A-Z, 0-9 and '_'";
  }
  const std::string channel_error = binance::check_channel(key.market, key.channel);
  if (!channel_error.empty()) return to_string(key) + ": " + channel_error;

  out.name = binance::stream_name(key.symbol, key.channel);
  const binance::Route route = binance::route_of(key.market, key.channel.kind);
  const std::string& endpoint = options.ws_endpoint(key.market);
  if (key.market == Market::usdm) {
    const std::optional<binance::Route> pinned = binance::route_of_endpoint(endpoint);
    if (pinned && *pinned != route) {
      return "route mismatch: " + out.name + " is served on " +
             std::string(binance::route_path(route)) + ", but the usdm endpoint " +
             peer_text(endpoint) + " is " + std::string(binance::route_path(*pinned)) +
             " (Binance acknowledges such a SUBSCRIBE and then sends nothing)";
    }
  }
  out.group = ConnectionGroup{Venue::binance, key.market, binance::route_path(route)};
  return {};
}

}  // namespace

std::string to_string(const ConnectionGroup& group) {
  std::string text(to_string(group.venue));
  text += ':';
  text += to_string(group.market);
  text += group.route;
  return text;
}

std::string validate(const VenueOptions& options) {
  if (options.futures_streams_per_connection < 1 ||
      options.futures_streams_per_connection > binance::kMaxFuturesStreamsPerConnection) {
    return "futures streams per connection must be 1 to " +
           std::to_string(binance::kMaxFuturesStreamsPerConnection) + ", not " +
           std::to_string(options.futures_streams_per_connection);
  }
  if (options.spot_streams_per_connection < 1 ||
      options.spot_streams_per_connection > binance::kSpotStreamsPerConnection) {
    return "spot streams per connection must be 1 to " +
           std::to_string(binance::kSpotStreamsPerConnection) + ", not " +
           std::to_string(options.spot_streams_per_connection);
  }
  return {};
}

VenueRules::VenueRules(VenueOptions options) : options_(std::move(options)) {}

std::string VenueRules::resolve(const SubscriptionKey& key, ResolvedStream& out) const {
  switch (key.venue) {
    case Venue::binance:
      return resolve_binance(options_, key, out);
  }
  return "unknown venue";
}

ConnectionLimits VenueRules::limits(const ConnectionGroup& group) const {
  switch (group.venue) {
    case Venue::binance:
      return binance::connection_limits(group.market, options_.futures_streams_per_connection,
                                        options_.spot_streams_per_connection);
  }
  return {};
}

std::string VenueRules::stream_request(Venue venue, StreamMethod method,
                                       const std::vector<std::string_view>& names,
                                       std::uint64_t id) const {
  switch (venue) {
    case Venue::binance:
      return binance::stream_request(method == StreamMethod::subscribe
                                         ? binance::StreamMethod::subscribe
                                         : binance::StreamMethod::unsubscribe,
                                     names, id);
  }
  return {};
}

}  // namespace depthrec::venues
