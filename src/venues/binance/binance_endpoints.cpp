#include "venues/binance/binance_endpoints.hpp"

#include "venues/binance/binance_limits.hpp"

namespace depthrec::venues::binance {
namespace {

std::string_view without_trailing_slash(std::string_view text) {
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return text;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view rest_api_prefix(Market market) {
  switch (market) {
    case Market::spot:
      return "/api/v3";
    case Market::usdm:
      return "/fapi/v1";
    case Market::coinm:
      return "/dapi/v1";
  }
  return {};
}

}  // namespace

Route route_of(Market market, ChannelKind kind) {
  if (market != Market::usdm) return Route::unrouted;
  switch (kind) {
    case ChannelKind::diff_depth:
    case ChannelKind::partial_depth:
    case ChannelKind::book_ticker:
    case ChannelKind::rpi_depth:
    // @trade is served on /public (binance-protocol.md, "USD-M routes"), @aggTrade on /market.
    case ChannelKind::trade:
      return Route::public_data;
    // @aggTrade, @kline_<i>, @markPrice[@1s] and @forceOrder are /market streams.
    case ChannelKind::agg_trade:
    case ChannelKind::kline:
    case ChannelKind::mark_price:
    case ChannelKind::force_order:
      return Route::market_data;
  }
  return Route::market_data;
}

std::string_view route_path(Route route) {
  switch (route) {
    case Route::unrouted:
      return "";
    case Route::public_data:
      return "/public";
    case Route::market_data:
      return "/market";
  }
  return "";
}

std::optional<Route> route_of_endpoint(std::string_view endpoint) {
  const std::string_view base = without_trailing_slash(endpoint);
  for (Route route : {Route::public_data, Route::market_data}) {
    if (ends_with(base, route_path(route))) return route;
  }
  return std::nullopt;
}

std::string_view default_ws_host(Market market) {
  switch (market) {
    case Market::spot:
      return "wss://stream.binance.com:9443";
    case Market::usdm:
      return "wss://fstream.binance.com";
    case Market::coinm:
      return "wss://dstream.binance.com";
  }
  return {};
}

std::string ws_base(std::string_view endpoint_override, Market market, Route route) {
  if (endpoint_override.empty()) {
    return std::string(default_ws_host(market)) + std::string(route_path(route));
  }
  std::string base(without_trailing_slash(endpoint_override));
  if (!route_of_endpoint(base)) base += route_path(route);
  return base;
}

std::string combined_stream_url(std::string_view base, const std::vector<std::string>& names) {
  std::string url(base);
  url += "/stream?streams=";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) url += '/';
    url += names[i];
  }
  return url;
}

std::string live_stream_url(std::string_view base) {
  return std::string(base) + "/stream";
}

std::string_view default_rest_host(Market market) {
  switch (market) {
    case Market::spot:
      return "https://api.binance.com";
    case Market::usdm:
      return "https://fapi.binance.com";
    case Market::coinm:
      return "https://dapi.binance.com";
  }
  return {};
}

std::string rest_path(Market market, RestEndpoint endpoint) {
  std::string path(rest_api_prefix(market));
  switch (endpoint) {
    case RestEndpoint::depth:
      return path + "/depth";
    case RestEndpoint::server_time:
      return path + "/time";
    case RestEndpoint::exchange_info:
      return path + "/exchangeInfo";
    case RestEndpoint::agg_trades:
      return path + "/aggTrades";
    case RestEndpoint::rpi_depth:
      return path + "/rpiDepth";
  }
  return path;
}

std::string rest_url(std::string_view endpoint_override, Market market, RestEndpoint endpoint) {
  const std::string_view host = endpoint_override.empty()
                                    ? default_rest_host(market)
                                    : without_trailing_slash(endpoint_override);
  return std::string(host) + rest_path(market, endpoint);
}

std::string snapshot_url(std::string_view endpoint_override, Market market, std::string_view symbol,
                         int limit) {
  return rest_url(endpoint_override, market, RestEndpoint::depth) + "?symbol=" + to_upper(symbol) +
         "&limit=" + std::to_string(limit);
}

std::string rpi_snapshot_url(std::string_view endpoint_override, std::string_view symbol) {
  return rest_url(endpoint_override, Market::usdm, RestEndpoint::rpi_depth) +
         "?symbol=" + to_upper(symbol) + "&limit=" + std::to_string(kRpiSnapshotLimit);
}

std::string agg_trades_url(std::string_view endpoint_override, Market market,
                           std::string_view symbol, std::uint64_t from_id, int limit) {
  return rest_url(endpoint_override, market, RestEndpoint::agg_trades) +
         "?symbol=" + to_upper(symbol) + "&fromId=" + std::to_string(from_id) +
         "&limit=" + std::to_string(limit);
}

}  // namespace depthrec::venues::binance
